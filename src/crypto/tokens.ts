import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import {
  createLocalJWKSet,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  type CryptoKey,
  SignJWT,
} from "jose";
import { type AuthConfig, durationSeconds, type JwksTiming } from "../config.js";
import { errors, ServiceError } from "../core/errors.js";
import { isValidId } from "../core/ids.js";
import { tokenFingerprint } from "../core/token-hash.js";
import type { RoleGrants } from "../core/roles.js";
import type { SigningKeyStore } from "../core/signing-keys.js";
import { VerifiedTokens } from "./verified-tokens.js";

const SELF_ALG = "ES256";
/** Algorithms accepted from an external issuer; never "none", never HMAC. */
const EXTERNAL_ALGS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA", "Ed25519"];
/**
 * Least time between two JWKS fetches caused by an unknown kid or an old key
 * set. After an issuer rotates its keys, tokens of the new key are refused
 * until the next fetch; 3 s keeps rotation almost seamless while bounding
 * what tokens with made-up kids can cost: one JWKS request per 3 s at most.
 */
const JWKS_COOLDOWN_MS = 3_000;
/** Least time between two log lines about keys that cannot be fetched. */
const JWKS_LOG_EVERY_MS = 30_000;
/** Seconds of clock skew tolerated on exp, nbf and iat. */
const CLOCK_TOLERANCE_S = 10;
/** Least time between two refused tokens' reasons logged at info; the rest go to debug. */
const REFUSAL_INFO_EVERY_MS = 60_000;
/** How much of a token's iss or aud a log line quotes. */
const QUOTED_CLAIM_CHARS = 200;

export interface Caller {
  userId: string;
  /** The token's iat, in seconds (fractional in our own tokens). */
  issuedAt: number;
  /** The token's exp, in seconds. */
  expiresAt: number;
  /** SHA-256 (hex) of the token: names it without keeping it. */
  fingerprint: string;
  /** Each role the token grants, with the organisations it is granted for. */
  roles: RoleGrants;
  /** Set when the bearer is a session's token (ZITADEL v2): the session's ID. */
  sessionId?: string;
}

/** The sessions whose tokens are bearers too, as ZITADEL's session tokens are. */
export interface SessionBearers {
  /** The session of a token (by its SHA-256) that may authenticate now, if any. */
  bearer(tokenHash: string, nowMs: number): Promise<{ id: string; userId: string; tokenSetAt: number; expiresAt: number | null } | undefined>;
}

/** A session token: 256 random bits in base64url (see core/sessions.ts). */
const SESSION_TOKEN = /^[\w-]{43}$/;

/**
 * How long a token issued in place of a session's (ChangeMyPassword under
 * TOKEN_REVOCATION=all) lives when the session has no lifetime of its own.
 */
const SESSION_CALLER_TTL_S = 3600;

/**
 * Reads ZITADEL's shape of a roles claim, `{ "role": { "orgId": "org domain" } }`.
 * Anything else grants nothing: a malformed claim is no reason to refuse the
 * token, which names its user whatever its roles.
 */
function rolesOf(claim: unknown): RoleGrants {
  const grants = new Map<string, Set<string>>();
  if (!isObject(claim)) return grants;
  for (const [role, orgs] of Object.entries(claim)) {
    if (isObject(orgs)) grants.set(role, new Set(Object.keys(orgs)));
  }
  return grants;
}

/** The grants as `issue` takes them, so that a token issued in place of another keeps its roles. */
export function rolesRecord(grants: RoleGrants): Record<string, string[]> {
  return Object.fromEntries([...grants].map(([role, orgs]) => [role, [...orgs]]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export { tokenFingerprint };

/** A JWS in compact form: three base64url parts. Anything else is refused before jose builds an error for it. */
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** Why a token was refused: the claim or part that failed and how, never the token. */
interface Refusal {
  claim: string;
  reason: string;
  /** For iss and aud: what the service expects, and what the token says (cut short). */
  expected?: string;
  got?: string;
}

/**
 * Tells the operator why tokens are refused (a trailing slash in JWT_ISSUER,
 * another audience), as the caller is told only ZITADEL's "Token is invalid":
 * every refusal at debug, and one a minute at info so that it shows at the
 * default level without a flood of tokens flooding the log.
 */
class RefusalLog {
  private lastInfo = -Infinity;

  constructor(private readonly logger: Logger) {}

  note(refusal: Refusal): void {
    const now = Date.now();
    const atInfo = now - this.lastInfo >= REFUSAL_INFO_EVERY_MS;
    if (atInfo) this.lastInfo = now;
    this.logger[atInfo ? "info" : "debug"]({ refused: refusal }, `token refused: ${refusal.claim}: ${refusal.reason}`);
  }
}

/** Checks `Authorization: Bearer <JWT>` and names the caller. */
export class Authenticator {
  private readonly refusals: RefusalLog;

  constructor(
    private readonly key: CryptoKey | JWTVerifyGetKey,
    private readonly options: { issuer: string; audience: string; algorithms: string[] },
    /** `rolesClaim` undefined: tokens grant no roles. */
    private readonly claims: { rolesClaim?: string; subjectClaim: string },
    private readonly verified: VerifiedTokens<Caller>,
    /** The key set tokens are checked with now; undefined while it is due for a refresh (nothing is taken from the cache then). */
    private readonly currentKeys: () => object | undefined,
    logger: Logger,
    private readonly sessions?: SessionBearers,
  ) {
    this.refusals = new RefusalLog(logger);
  }

  async authenticate(header: string | null | undefined): Promise<Caller> {
    if (!header) throw errors.authHeaderMissing();
    const match = /^Bearer +([^\s]+)$/i.exec(header);
    if (!match) throw errors.invalidAuthHeader();
    const token = match[1];
    if (!COMPACT_JWS.test(token)) return this.sessionCaller(token);
    const fingerprint = tokenFingerprint(token);
    const keys = this.currentKeys();
    const known = keys && this.verified.get(fingerprint, keys, Date.now());
    if (known) return known;
    const caller = await this.verify(token, fingerprint);
    if (keys) this.verified.add(caller, keys, (caller.expiresAt + CLOCK_TOLERANCE_S) * 1000);
    return caller;
  }

  /** A session's token: read on every request, so a deleted, expired or ended session, or a locked user, is refused at once. */
  private async sessionCaller(token: string): Promise<Caller> {
    if (!this.sessions || !SESSION_TOKEN.test(token)) throw errors.tokenInvalid();
    const fingerprint = tokenFingerprint(token);
    const session = await this.sessions.bearer(fingerprint, Date.now());
    if (!session) throw errors.tokenInvalid();
    return {
      userId: session.userId,
      issuedAt: session.tokenSetAt / 1000,
      expiresAt: session.expiresAt === null ? Date.now() / 1000 + SESSION_CALLER_TTL_S : session.expiresAt / 1000,
      fingerprint,
      roles: new Map(),
      sessionId: session.id,
    };
  }

  private async verify(token: string, fingerprint: string): Promise<Caller> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key as JWTVerifyGetKey, {
        ...this.options,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: [this.claims.subjectClaim, "exp", "iat"],
      }));
    } catch (err) {
      if (err instanceof KeysUnavailable) throw errors.issuerKeysUnavailable();
      throw this.refuse(joseRefusal(err, this.options));
    }
    // jose checks that the claim is there, not that it is a string: a number went on
    // to the user lookup as a number, an object made the SQLite driver throw (13).
    const userId = payload[this.claims.subjectClaim];
    if (typeof userId !== "string" || !isValidId(userId)) throw this.refuse({ claim: this.claims.subjectClaim, reason: "not a user ID" });
    // jose checks iat only against a maximum age. One from the future would
    // outlive every revocation cutoff set before that time.
    if (payload.iat! > Date.now() / 1000 + CLOCK_TOLERANCE_S) throw this.refuse({ claim: "iat", reason: "issued in the future" });
    const { rolesClaim } = this.claims;
    return {
      userId,
      issuedAt: payload.iat!,
      expiresAt: payload.exp!,
      fingerprint,
      roles: rolesClaim === undefined ? new Map() : rolesOf(payload[rolesClaim]),
    };
  }

  private refuse(refusal: Refusal): ServiceError {
    this.refusals.note(refusal);
    return errors.tokenInvalid();
  }
}

/** What jose found wrong, in its own words (which quote no value), and for iss and aud both values. */
function joseRefusal(err: unknown, expected: { issuer: string; audience: string }): Refusal {
  if (err instanceof joseErrors.JWTClaimValidationFailed || err instanceof joseErrors.JWTExpired) {
    const refusal: Refusal = { claim: err.claim, reason: err.message };
    if (err.claim === "iss") return { ...refusal, expected: expected.issuer, got: quoted(err.payload.iss) };
    if (err.claim === "aud") return { ...refusal, expected: expected.audience, got: quoted(err.payload.aud) };
    return refusal;
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return { claim: "signature", reason: "does not verify with the issuer's key" };
  if (err instanceof joseErrors.JWKSNoMatchingKey) return { claim: "kid", reason: "no key of the issuer's key set matches" };
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return { claim: "alg", reason: "not an algorithm accepted here" };
  if (err instanceof joseErrors.JOSEError) return { claim: "token", reason: `${err.code}: ${err.message}` };
  return { claim: "token", reason: "cannot be read" };
}

/** A claim's value for a log line: JSON, cut short (the token's author chose it). */
function quoted(value: unknown): string {
  return (JSON.stringify(value) ?? "absent").slice(0, QUOTED_CLAIM_CHARS);
}

/** The issuer's side, not the token's: no usable key set can be had. */
class KeysUnavailable extends Error {}

/**
 * The external issuer's key set: fetched from JWKS_URL, fetched again when
 * it is older than the refresh time or a token names a kid it lacks (a
 * rotation; at most once per cooldown), and kept through an outage of the
 * issuer for at most `maxStaleMs` past its refresh. Failures are logged with
 * the URL and cause, at most once per 30 s.
 */
export class IssuerKeys {
  private keys?: { lookup: JWTVerifyGetKey; fetchedAt: number };
  private fetching?: Promise<void>;
  private lastAttempt = 0;
  private lastLogged = 0;

  constructor(
    private readonly url: URL,
    private readonly timing: JwksTiming,
    private readonly logger: Logger,
  ) {}

  /** jose's key lookup. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const lookup = await this.current();
    try {
      return await lookup(header, token);
    } catch (err) {
      if (!(err instanceof joseErrors.JWKSNoMatchingKey) || Date.now() - this.lastAttempt < JWKS_COOLDOWN_MS) throw err;
      await this.refresh().catch(() => undefined); // logged; the set at hand answers
      return (await this.current())(header, token);
    }
  };

  /** The key set at hand while it is not due for a refresh: a new one (a rotation) has every token checked again. */
  freshKeys(): object | undefined {
    return this.keys && Date.now() - this.keys.fetchedAt < this.timing.refreshMs ? this.keys : undefined;
  }

  /** Whether a key set usable now is at hand (fetching one if one is due): for readiness. */
  async usable(): Promise<boolean> {
    return this.current().then(
      () => true,
      () => false,
    );
  }

  private async current(): Promise<JWTVerifyGetKey> {
    const age = this.keys ? Date.now() - this.keys.fetchedAt : Infinity;
    // Without keys every request may ask (one fetch at a time); with old ones, once per cooldown.
    const retryAfterMs = Math.min(JWKS_COOLDOWN_MS, this.timing.refreshMs);
    const due = !this.keys || (age >= this.timing.refreshMs && Date.now() - this.lastAttempt >= retryAfterMs);
    if (due) {
      const refreshed = this.refresh().catch(() => undefined); // logged
      // With a key set at hand, no request waits for the issuer: it refreshes meanwhile.
      if (!this.keys) await refreshed;
    }
    if (!this.keys || Date.now() - this.keys.fetchedAt > this.timing.refreshMs + this.timing.maxStaleMs) throw new KeysUnavailable();
    return this.keys.lookup;
  }

  private refresh(): Promise<void> {
    this.fetching ??= this.fetchKeys().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private async fetchKeys(): Promise<void> {
    this.lastAttempt = Date.now();
    try {
      const res = await fetch(this.url, { signal: AbortSignal.timeout(this.timing.timeoutMs), headers: { accept: "application/json" } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = await res.json().catch(() => {
        throw new Error("the answer is not JSON");
      });
      // Throws JWKSInvalid for anything that is not a key set.
      this.keys = { lookup: createLocalJWKSet(body), fetchedAt: Date.now() };
    } catch (err) {
      if (Date.now() - this.lastLogged >= JWKS_LOG_EVERY_MS) {
        this.lastLogged = Date.now();
        const stale = this.keys ? "; using the key set fetched before, while it lasts" : "";
        this.logger.warn({ jwksUrl: withoutPassword(this.url), cause: causeOf(err, this.timing.timeoutMs) }, `cannot fetch the token issuer's keys${stale}`);
      }
      throw err;
    }
  }
}

/** The URL for a log line: a password in it stays out. */
function withoutPassword(url: URL): string {
  const shown = new URL(url);
  if (shown.password) shown.password = "***";
  return shown.href;
}

/** A fetch failure in a few words: the network error's code, a timeout, or the message. */
function causeOf(err: unknown, timeoutMs: number): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if ((err as Error).name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  return cause?.message ?? (err as Error).message;
}

/** Signs tokens with this service's own key (the default, self-issuing mode). */
export class TokenIssuer {
  constructor(
    private readonly privateKey: CryptoKey,
    private readonly kid: string,
    private readonly issuer: string,
    private readonly audience: string,
    private readonly claims: { rolesClaim: string; subjectClaim: string },
  ) {}

  /** `ttl` in jose's form: "15m", "1h", "30s". `roles`: role → organisation IDs it is granted for. */
  issue(userId: string, ttl: string, roles: Record<string, string[]> = {}): Promise<string> {
    const now = Date.now();
    return this.issueAt(userId, now, now / 1000 + durationSeconds(ttl), roles);
  }

  /**
   * `iat` is fractional, of millisecond precision (RFC 7519's NumericDate
   * allows it), so that revocation can tell a token from just after a
   * password change from one just before it in the same second.
   */
  issueAt(userId: string, issuedAtMs: number, expiresAtSeconds: number, roles: Record<string, string[]> = {}): Promise<string> {
    const claims: Record<string, unknown> = Object.keys(roles).length === 0 ? {} : { [this.claims.rolesClaim]: zitadelRoles(roles) };
    // Under JWT_SUBJECT_CLAIM the user ID goes where this service will read it, besides `sub`.
    if (this.claims.subjectClaim !== "sub") claims[this.claims.subjectClaim] = userId;
    return new SignJWT(claims)
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

/** ZITADEL's shape: each organisation ID maps to its domain, which nothing here reads. */
function zitadelRoles(roles: Record<string, string[]>): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(roles).map(([role, orgs]) => [role, Object.fromEntries(orgs.map((org) => [org, ""]))]));
}

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
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

/** The self-issuer's key, or the external issuer's key set (`issuerKeys`, for readiness too). */
export async function createAuthenticator(
  auth: AuthConfig,
  keys: SigningKeyStore,
  logger: Logger,
  issuerKeys?: IssuerKeys,
  sessions?: SessionBearers,
): Promise<Authenticator> {
  const { issuer, audience } = auth;
  const verified = new VerifiedTokens<Caller>(auth.tokenCacheSize);
  if (auth.mode === "jwks") {
    if (!issuerKeys) throw new TypeError("an external issuer needs its IssuerKeys");
    return new Authenticator(
      issuerKeys.getKey,
      { issuer, audience, algorithms: EXTERNAL_ALGS },
      auth,
      verified,
      () => issuerKeys.freshKeys(),
      logger,
      sessions,
    );
  }
  const stored = await loadOrCreateSigningKey(keys);
  const publicKey = (await importJWK(stored.publicJwk, SELF_ALG)) as CryptoKey;
  return new Authenticator(publicKey, { issuer, audience, algorithms: [SELF_ALG] }, auth, verified, () => publicKey, logger, sessions);
}

export async function createIssuer(auth: AuthConfig, keys: SigningKeyStore): Promise<TokenIssuer> {
  if (auth.mode !== "self") {
    throw new ServiceError("failed-precondition", undefined, "tokens are issued by JWKS_URL's provider, not by this service");
  }
  const stored = await loadOrCreateSigningKey(keys);
  const privateKey = (await importJWK(stored.privateJwk, SELF_ALG)) as CryptoKey;
  return new TokenIssuer(privateKey, stored.kid, auth.issuer, auth.audience, auth);
}
