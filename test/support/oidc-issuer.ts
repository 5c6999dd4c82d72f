import http from "node:http";
import type net from "node:net";
import { randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";

/** The audience and resource the issuer's access tokens are for: this service's JWT_AUDIENCE. */
export const SERVICE_AUDIENCE = "password-service";
const RESOURCE = "urn:password-service";

export interface IssuerClient {
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
}

/**
 * panva's oidc-provider as a real issuer on loopback: its development
 * sign-in pages (any login name is the account's sub, any password), and
 * JWT access tokens for this service's audience (resource indicators, the
 * service's resource by default), so that they are bearers JWKS_URL accepts.
 */
export class OidcIssuer {
  private constructor(
    private readonly server: http.Server,
    readonly issuer: string,
  ) {}

  static async start(clients: IssuerClient[]): Promise<OidcIssuer> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const issuer = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const { privateKey } = await generateKeyPair("RS256", { extractable: true });
    const provider = new Provider(issuer, {
      clients: clients.map((c) => ({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        token_endpoint_auth_method: c.clientSecret ? "client_secret_basic" : "none",
        redirect_uris: [c.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      })),
      jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: "issuer-key", alg: "RS256", use: "sig" }] },
      cookies: { keys: [randomBytes(32).toString("hex")] },
      findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
      features: {
        devInteractions: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: async () => RESOURCE,
          useGrantedResource: async () => true,
          getResourceServerInfo: async () => ({
            scope: "openid",
            audience: SERVICE_AUDIENCE,
            accessTokenTTL: 600,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "RS256" } },
          }),
        },
      },
    });
    server.on("request", provider.callback());
    return new OidcIssuer(server, issuer);
  }

  get jwksUri(): string {
    return `${this.issuer}/jwks`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
