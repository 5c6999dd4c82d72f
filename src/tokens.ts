import { createHash, randomUUID } from "node:crypto";
import {
  createRemoteJWKSet,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  jwtVerify,
  type CryptoKey,
  SignJWT,
} from "jose";
import type { AuthConfig } from "./config.js";
import { errors, ServiceError } from "./errors.js";

const SELF_ALG = "ES256";
/** Algorithms accepted from an external issuer; never "none", never HMAC. */
const EXTERNAL_ALGS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA", "Ed25519"];
/** Least time between two JWKS fetches caused by an unknown kid. */
const JWKS_COOLDOWN_MS = 3_000;
/** Seconds of clock skew tolerated on exp and nbf. */
const CLOCK_TOLERANCE_S = 10;

export interface Caller {
  userId: string;
  /** The token's iat, in seconds (fractional in our own tokens). */
  issuedAt: number;
  /** The token's exp, in seconds. */
  expiresAt: number;
  /** SHA-256 (hex) of the token: names it without keeping it. */
  fingerprint: string;
}

export function tokenFingerprint(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Checks `Authorization: Bearer <JWT>` and names the caller. */
export class Authenticator {
  constructor(
    private readonly key: CryptoKey | JWTVerifyGetKey,
    private readonly options: { issuer: string; audience: string; algorithms: string[] },
  ) {}

  async authenticate(header: string | null | undefined): Promise<Caller> {
    if (!header) throw errors.authHeaderMissing();
    const match = /^Bearer +([^\s]+)$/i.exec(header);
    if (!match) throw errors.invalidAuthHeader();
    try {
      const { payload } = await jwtVerify(match[1], this.key as JWTVerifyGetKey, {
        ...this.options,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ["sub", "exp", "iat"],
      });
      // jose checks that sub is there, not that it is a string: a number went on
      // to the user lookup as a number, an object made the SQLite driver throw (13).
      if (typeof payload.sub !== "string" || payload.sub === "") throw errors.tokenInvalid();
      return { userId: payload.sub, issuedAt: payload.iat!, expiresAt: payload.exp!, fingerprint: tokenFingerprint(match[1]) };
    } catch (err) {
      if (err instanceof ServiceError) throw err;
      if (isKeySourceFailure(err)) {
        throw new ServiceError("unavailable", "AUTH-JWKS1", "The token issuer's keys cannot be fetched");
      }
      throw errors.tokenInvalid();
    }
  }
}

function isKeySourceFailure(err: unknown): boolean {
  // The issuer's side, not the token's: the JWKS endpoint timed out, or sent a
  // body that is no key set (JWKSInvalid), or answered other than 200 OK or
  // with something that is not JSON (the only plain JOSEErrors jose throws).
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) return true;
  if (err instanceof joseErrors.JOSEError) return err.code === joseErrors.JOSEError.code;
  // A JWKS endpoint that is down surfaces as fetch's own error, not a JOSEError.
  return err instanceof TypeError;
}

/** Signs tokens with this service's own key (the default, self-issuing mode). */
export class TokenIssuer {
  constructor(
    private readonly privateKey: CryptoKey,
    private readonly kid: string,
    private readonly issuer: string,
    private readonly audience: string,
  ) {}

  /** `ttl` in jose's form: "15m", "1h", "30s". */
  issue(userId: string, ttl: string): Promise<string> {
    const now = Date.now();
    return this.issueAt(userId, now, now / 1000 + secondsOf(ttl));
  }

  /**
   * `iat` is fractional, of millisecond precision (RFC 7519's NumericDate
   * allows it), so that revocation can tell a token from just after a
   * password change from one just before it in the same second.
   */
  issueAt(userId: string, issuedAtMs: number, expiresAtSeconds: number): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: SELF_ALG, kid: this.kid, typ: "JWT" })
      .setSubject(userId)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt(issuedAtMs / 1000)
      .setExpirationTime(expiresAtSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "30s", "15m", "1h", "1d" in seconds. */
function secondsOf(ttl: string): number {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(ttl);
  if (!match) throw new TypeError(`not a duration: "${ttl}"`);
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Where the self-issuer's key lives: the database, so that every process shares it. */
export interface SigningKeyStore {
  signingKey(name: string, create: () => Promise<string>): Promise<string>;
}

const SELF_KEY_NAME = "self-issuer";

/** The self-issuer's key pair, created on first use by whichever process comes first. */
async function loadOrCreateSigningKey(keys: SigningKeyStore): Promise<StoredKey> {
  const json = await keys.signingKey(SELF_KEY_NAME, async () => {
    const { privateKey, publicKey } = await generateKeyPair(SELF_ALG, { extractable: true });
    const stored: StoredKey = { kid: randomUUID(), privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
    return JSON.stringify(stored);
  });
  return JSON.parse(json) as StoredKey;
}

export async function createAuthenticator(auth: AuthConfig, keys: SigningKeyStore): Promise<Authenticator> {
  const { issuer, audience } = auth;
  if (auth.mode === "jwks") {
    // jose refetches the key set for an unknown kid only once the cooldown since
    // the last fetch is over (30 s by default). After an issuer rotates its
    // keys, every token of the new key is refused until then, and a client
    // that logs in again gets another one of the same key. 3 s keeps rotation
    // almost seamless while still bounding what tokens with made-up kids can
    // cost: one JWKS request per 3 s at most.
    const keys = createRemoteJWKSet(auth.jwksUrl, { cooldownDuration: JWKS_COOLDOWN_MS });
    return new Authenticator(keys, { issuer, audience, algorithms: EXTERNAL_ALGS });
  }
  const stored = await loadOrCreateSigningKey(keys);
  const publicKey = (await importJWK(stored.publicJwk, SELF_ALG)) as CryptoKey;
  return new Authenticator(publicKey, { issuer, audience, algorithms: [SELF_ALG] });
}

export async function createIssuer(auth: AuthConfig, keys: SigningKeyStore): Promise<TokenIssuer> {
  if (auth.mode !== "self") {
    throw new ServiceError("failed-precondition", undefined, "tokens are issued by JWKS_URL's provider, not by this service");
  }
  const stored = await loadOrCreateSigningKey(keys);
  const privateKey = (await importJWK(stored.privateJwk, SELF_ALG)) as CryptoKey;
  return new TokenIssuer(privateKey, stored.kid, auth.issuer, auth.audience);
}
