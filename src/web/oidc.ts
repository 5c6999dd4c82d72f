// The account page as an OpenID Connect client of the outside issuer, the
// one JWKS_URL trusts: the authorization code flow with PKCE (S256), state
// and nonce, by oauth4webapi. What a started sign-in must remember stays in
// the browser, in a short-lived HttpOnly cookie of the callback's path; the
// access token the flow ends with is the page's bearer, as a login
// application's would be.
import * as oauth from "oauth4webapi";
import type { Logger } from "pino";
import type { OidcConfig } from "../config.js";

/** How much of the issuer's own words a log line quotes. */
const QUOTED_CHARS = 200;

/** Why a sign-in at the issuer did not end with a token; the page words each. */
export type OidcFailure = "refused" | "mismatch" | "failed" | "unreachable";

export class OidcSignInError extends Error {
  constructor(
    readonly failure: OidcFailure,
    /** For the log: what went wrong, never a code, a verifier or a token. */
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The cookie's value: state, nonce and code verifier, each base64url. */
const PENDING = /^([\w-]{22,128})\.([\w-]{22,128})\.([\w-]{43,128})$/;

export class OidcClient {
  private metadata?: Promise<oauth.AuthorizationServer>;
  private readonly client: oauth.Client;
  private readonly clientAuth: oauth.ClientAuth;
  private readonly requests: oauth.HttpRequestOptions<"GET" | "POST", unknown>;

  constructor(
    private readonly config: OidcConfig,
    private readonly logger: Logger,
  ) {
    this.client = { client_id: config.clientId };
    this.clientAuth = config.clientSecret === undefined ? oauth.None() : oauth.ClientSecretBasic(config.clientSecret);
    // Plain http only to an issuer on this machine, as the configuration allows it.
    this.requests = { signal: () => AbortSignal.timeout(config.timeoutMs), [oauth.allowInsecureRequests]: config.allowHttp };
    // Discovered at start, so that a wrong OIDC_ISSUER shows in the log at once; a failure is tried again on the next sign-in.
    this.discovered().catch(() => undefined);
  }

  /** How long the callback's cookie lasts. */
  get signInTtlSeconds(): number {
    return this.config.signInTtlSeconds;
  }

  /** Where the browser signs in, and what its callback must be given back (the cookie's value). */
  async start(): Promise<{ location: string; pending: string }> {
    const issuer = await this.discovered();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const verifier = oauth.generateRandomCodeVerifier();
    const url = new URL(issuer.authorization_endpoint!);
    const params = {
      client_id: this.config.clientId,
      redirect_uri: this.config.redirectUri.href,
      response_type: "code",
      scope: this.config.scopes,
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return { location: url.href, pending: `${state}.${nonce}.${verifier}` };
  }

  /** The callback's query checked against the sign-in it ends (`pending`), the code exchanged: the access token. */
  async finish(callback: URLSearchParams, pending: string | undefined): Promise<string> {
    const kept = PENDING.exec(pending ?? "");
    if (!kept) throw new OidcSignInError("mismatch", "no sign-in was started in this browser, or it took too long");
    const [, state, nonce, verifier] = kept;
    const issuer = await this.discovered();
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(issuer, this.client, callback, state);
    } catch (err) {
      if (err instanceof oauth.AuthorizationResponseError) {
        throw new OidcSignInError("refused", `the issuer answered ${quoted(err.error)}${err.error_description ? `: ${quoted(err.error_description)}` : ""}`);
      }
      throw new OidcSignInError("mismatch", `the callback is not the issuer's answer to this sign-in: ${reasonOf(err)}`);
    }
    try {
      const response = await oauth.authorizationCodeGrantRequest(
        issuer,
        this.client,
        this.clientAuth,
        params,
        this.config.redirectUri.href,
        verifier,
        this.requests,
      );
      const tokens = await oauth.processAuthorizationCodeResponse(issuer, this.client, response, { expectedNonce: nonce, requireIdToken: true });
      return tokens.access_token;
    } catch (err) {
      throw new OidcSignInError("failed", `the code's exchange at the issuer failed: ${reasonOf(err)}`);
    }
  }

  /** The issuer's metadata, fetched once; after a failure, fetched again on the next call. */
  private discovered(): Promise<oauth.AuthorizationServer> {
    this.metadata ??= this.discover().catch((err: OidcSignInError) => {
      this.metadata = undefined;
      this.logger.warn(
        { issuer: this.config.issuer.href, reason: err.reason },
        "the OIDC issuer's metadata cannot be had; the page's sign-in is tried again on the next click",
      );
      throw err;
    });
    return this.metadata;
  }

  private async discover(): Promise<oauth.AuthorizationServer> {
    let issuer: oauth.AuthorizationServer;
    try {
      const response = await oauth.discoveryRequest(this.config.issuer, this.requests);
      issuer = await oauth.processDiscoveryResponse(this.config.issuer, response);
    } catch (err) {
      throw new OidcSignInError("unreachable", `discovery failed: ${reasonOf(err)}`);
    }
    if (!issuer.authorization_endpoint || !issuer.token_endpoint)
      throw new OidcSignInError("unreachable", "the issuer's metadata names no authorization or token endpoint");
    // An issuer that lists its methods and not S256 would ignore the challenge, and the code would go unbound.
    const methods = issuer.code_challenge_methods_supported;
    if (methods && !methods.includes("S256")) throw new OidcSignInError("unreachable", "the issuer does not support PKCE with S256");
    return issuer;
  }
}

/**
 * oauth4webapi's own words and its error code: never the error's cause,
 * which may hold the token endpoint's whole answer, tokens and all.
 */
function reasonOf(err: unknown): string {
  if (err instanceof oauth.ResponseBodyError) return `${err.status} ${quoted(err.error)}${err.error_description ? `: ${quoted(err.error_description)}` : ""}`;
  if (err instanceof oauth.WWWAuthenticateChallengeError) return `${err.status} ${quoted(err.cause.map((c) => c.scheme).join(", "))} challenge`;
  if (err instanceof oauth.OperationProcessingError) return `${err.code}: ${quoted(err.message)}`;
  // fetch's "fetch failed" says why in its cause: a refused connection, a timeout, a certificate.
  if (err instanceof Error)
    return `${quoted(err.message)}${err.cause instanceof Error ? ` (${quoted(String((err.cause as { code?: string }).code ?? err.cause.message))})` : ""}`;
  return "unknown";
}

function quoted(text: string): string {
  return text.slice(0, QUOTED_CHARS);
}
