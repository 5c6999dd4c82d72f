import fs from "node:fs";
import path from "node:path";
import type { RevocationMode } from "./core/revocation.js";
import { checkUrlTemplate } from "./core/url-template.js";

/** Everything the service reads from its environment, validated once. */
/** What one session may keep: metadata keys, each value's bytes, and user agent header values. */
export interface SessionLimits {
  metadataKeys: number;
  metadataValueBytes: number;
  userAgentHeaders: number;
}

export interface Config {
  port: number;
  /** Undefined: every interface, IPv6 and IPv4 where the machine has both. */
  host?: string;
  database: DatabaseConfig;
  bcryptCost: number;
  auth: AuthConfig;
  tls?: { certFile: string; keyFile: string };
  /** Largest request body any protocol accepts. */
  maxBodyBytes: number;
  /** Limits of connections and requests, against floods and slow clients. */
  limits: ConnectionLimits;
  logLevel: string;
  /** Which tokens a password change revokes. */
  tokenRevocation: RevocationMode;
  /** The Have I Been Pwned style range API, used by policies with a breached check. */
  breached: { url: URL; timeoutMs: number };
  /** How long a process may use a policy it read before reading it again. */
  policyCacheMs: number;
  /** Longest a password check may wait for a bcrypt slot before it is refused with 8. */
  hashQueueBudgetMs: number;
  /** Requests of one user that may hold or wait for bcrypt work at once, per process; more are refused with 8. */
  userConcurrency: number;
  /** Of those, the requests of one token: one token may not take all of its user's admission. */
  tokenConcurrency: number;
  /** The password-check slot's lease, renewed while its check runs: how long a process that died holding it delays its user. */
  checkLeaseMs: number;
  /** The longest lifetime `token issue` gives a token. */
  tokenMaxTtlSeconds: number;
  /** Bounds on what a session keeps of a login application's request (metadata and user agent). */
  sessionLimits: SessionLimits;
  /** ValidateMyNewPassword calls per user and process: a burst, refilled at a rate per minute; more are refused with 8. */
  validateRate: { perMinute: number; burst: number };
  /** libuv's thread pool, where bcrypt runs, as UV_THREADPOOL_SIZE sizes it (bin/password-service.cjs sets it: cores + 2). */
  threadPoolSize: number;
  /**
   * Cores bcrypt keeps busy: the pool's threads but two. The hash pool keeps
   * one operation more than this in flight (see HashPool). WebCrypto (each
   * token's signature check), file and DNS work share libuv's pool and queue
   * first in, first out: the last thread is theirs, or a request that needs
   * no hash would wait up to a whole bcrypt operation for its token check.
   */
  hashConcurrency: number;
  /** "pretty" for a person at a terminal, "json" for log pipelines. */
  logFormat: "json" | "pretty";
  /** Port of the separate /metrics listener; 0: no metrics. */
  metricsPort: number;
  /** Interface of the /metrics listener; undefined: every interface, as HOST. */
  metricsHost?: string;
  /** Origins browsers may call from; "*" for any, empty for none. */
  corsAllowedOrigins: string[] | "*";
  /** grpc.health.v1.Health/Watch streams open at once at most. */
  healthWatchLimit: number;
  /** Serve the account page at `/account/`. */
  webUi: boolean;
  /** The service's public base URL, for links it mails (never derived from a request's Host). */
  publicUrl?: URL;
  /** The account page's sessions and its forgot-password form's limits. */
  page: PageConfig;
  /** The page signs in at this outside issuer instead of with a login name and password; undefined: it does not. */
  oidc?: OidcConfig;
  /** Password reset codes, and the link a mailed one goes in. */
  reset: ResetConfig;
  /** Undefined without SMTP_URL: no mail is sent, and send_link answers 9. */
  mail?: MailConfig;
}

export interface PageConfig {
  /** How long a sign-in on the page lasts (its session's lifetime). */
  sessionTtlSeconds: number;
  /** Forgot-password requests per login name, and per client address: each a burst, refilled at a rate per hour. */
  forgotRate: { perName: HourlyRate; perAddress: HourlyRate };
}

/** The account page as an OpenID Connect client of the outside issuer (authorization code flow with PKCE). */
export interface OidcConfig {
  issuer: URL;
  clientId: string;
  /** PUBLIC_URL/account/oidc/callback: registered at the issuer. */
  redirectUri: URL;
  /** Sent by client_secret_basic; undefined: a public client, PKCE alone. Never logged. */
  clientSecret?: string;
  /** Space-separated, with openid among them. */
  scopes: string;
  /** How long a sign-in started at the issuer may take to come back. */
  signInTtlSeconds: number;
  /** Plain http to the issuer: only on loopback, as OIDC_ISSUER allows it. */
  allowHttp: boolean;
}

export interface HourlyRate {
  perHour: number;
  burst: number;
}

export interface ResetConfig {
  /** How long a reset code may be used. */
  codeTtlSeconds: number;
  /** Characters in a code: upper-case letters and digits. */
  codeLength: number;
  /** PasswordReset calls per user and process, each of which may send a mail: a burst, refilled at a rate per hour. */
  rate: { perHour: number; burst: number };
  /** The link mailed when a reset names no url_template; undefined: the mail gives the code alone. */
  urlTemplate?: string;
}

export interface MailConfig {
  /** smtp:// or smtps://, with user and password if the server asks for them; never logged. */
  smtpUrl: string;
  from: string;
  /** Mail a user with an email address after every change of their password. */
  notifyPasswordChanged: boolean;
  /** A mail not delivered this long after it was queued is given up, and that is audited. */
  giveUpAfterSeconds: number;
  /** The longest wait between two tries of one mail (the wait doubles from 1 s up to it). */
  maxRetryIntervalSeconds: number;
  /** How often each process looks for mail to send that another process queued. */
  pollMs: number;
}

export interface ConnectionLimits {
  /** Open connections at most; more are closed as they come. */
  maxConnections: number;
  /** Open connections from one address at most (a proxy in front counts as one). */
  maxConnectionsPerClient: number;
  /** HTTP/2 streams in flight per connection (SETTINGS_MAX_CONCURRENT_STREAMS). */
  maxStreamsPerConnection: number;
  /** Largest header list a request may send, HTTP/2 and HTTP/1.1. */
  maxHeaderBytes: number;
  /** A connection with nothing going on for this long is closed. */
  idleTimeoutMs: number;
  /** A request whose body has not fully arrived this long after it began is cancelled. */
  requestBodyTimeoutMs: number;
}

/** The embedded SQLite file, or a PostgreSQL server that several processes share. */
export type DatabaseConfig = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

export type AuthConfig = (
  | {
      mode: "self";
      issuer: string;
      audience: string;
      /** The claim that carries the caller's roles, in ZITADEL's shape: `{ role: { orgId: … } }`. */
      rolesClaim: string;
    }
  | {
      mode: "jwks";
      jwksUrl: URL;
      issuer: string;
      audience: string;
      jwks: JwksTiming;
      /** The claim that carries the caller's roles; undefined: no claim does, and tokens grant no roles. */
      rolesClaim?: string;
    }
) & {
  /** The claim that carries the user ID: `sub` unless the issuer puts it elsewhere. */
  subjectClaim: string;
  /** How many checked tokens a process keeps, so that a token's signature is checked once, not on every request (0: none). */
  tokenCacheSize: number;
};

/**
 * ZITADEL's claim of the roles of the project that asked for the token:
 * whichever project that is. The default only for the service's own tokens.
 */
export const DEFAULT_ROLES_CLAIM = "urn:zitadel:iam:org:project:roles";

/** ZITADEL's claim of one project's roles, whichever project asked for the token. */
export function projectRolesClaim(projectId: string): string {
  return `urn:zitadel:iam:org:project:${projectId}:roles`;
}

/** How the issuer's key set is kept. */
export interface JwksTiming {
  /** A key set older than this is fetched again (sooner for a token of an unknown kid). */
  refreshMs: number;
  /** How long past its refresh a key set is still used while the issuer cannot be reached. */
  maxStaleMs: number;
}

/** Bad configuration: the process stops with this one line and exit code 2. */
export class ConfigError extends Error {}

export const SELF_ISSUER = "password-service";
export const SELF_AUDIENCE = "password-service";

type Env = Record<string, string | undefined>;

export interface LoadedConfig {
  config: Config;
  warnings: string[];
}

/** libuv's thread pool size when UV_THREADPOOL_SIZE is unset. */
const LIBUV_POOL_SIZE = 4;

/** `isTerminal`: whether stdout is a terminal, which picks the default log format. */
export function loadConfig(env: Env, isTerminal = false): LoadedConfig {
  const warnings: string[] = [];
  const dataDir = path.resolve(env.DATA_DIR || "./data");
  const bcryptCost = intVar(env, "BCRYPT_COST", 12, 4, 16);
  // The service's default (cores + 2) is set by bin/password-service.cjs,
  // the only place that can set it before libuv starts its pool. A process
  // started another way has the pool libuv gives it: 4 threads when unset.
  const threadPoolSize = intVar(env, "UV_THREADPOOL_SIZE", LIBUV_POOL_SIZE, 1, 1024);
  const webUi = booleanVar(env, "WEB_UI", !env.JWKS_URL);
  const publicUrl = env.PUBLIC_URL ? baseUrl(env, "PUBLIC_URL") : undefined;
  if (bcryptCost < 10) {
    warnings.push(`BCRYPT_COST=${bcryptCost} is below 10: for tests only, never in production`);
  }
  const config: Config = {
    port: intVar(env, "PORT", 8080, 0, 65535),
    host: env.HOST || undefined,
    database: databaseConfig(env.DATABASE_URL, dataDir),
    bcryptCost,
    auth: authConfig(env, warnings),
    tls: tlsConfig(env),
    maxBodyBytes: intVar(env, "MAX_BODY_BYTES", 64 * 1024, 1024, 16 * 1024 * 1024),
    limits: {
      maxConnections: intVar(env, "MAX_CONNECTIONS", 1000, 1, 1_000_000),
      maxConnectionsPerClient: intVar(env, "MAX_CONNECTIONS_PER_CLIENT", 100, 1, 1_000_000),
      maxStreamsPerConnection: intVar(env, "H2_MAX_CONCURRENT_STREAMS", 100, 1, 10_000),
      maxHeaderBytes: intVar(env, "MAX_HEADER_BYTES", 16 * 1024, 1024, 1024 * 1024),
      idleTimeoutMs: intVar(env, "IDLE_TIMEOUT_MS", 65_000, 1000, 3_600_000),
      requestBodyTimeoutMs: intVar(env, "REQUEST_BODY_TIMEOUT_MS", 10_000, 100, 600_000),
    },
    logLevel: oneOf(env, "LOG_LEVEL", ["trace", "debug", "info", "warn", "error", "fatal", "silent"], "info"),
    tokenRevocation: oneOf(env, "TOKEN_REVOCATION", ["others", "all", "none"], "others"),
    breached: {
      url: httpUrl(env, "BREACHED_API_URL", "https://api.pwnedpasswords.com"),
      timeoutMs: intVar(env, "BREACHED_TIMEOUT_MS", 2000, 100, 10_000),
    },
    policyCacheMs: intVar(env, "POLICY_CACHE_MS", 2000, 0, 10_000),
    hashQueueBudgetMs: intVar(env, "HASH_QUEUE_BUDGET_MS", 3000, 0, 600_000),
    userConcurrency: intVar(env, "USER_CONCURRENCY_LIMIT", 3, 1, 1000),
    tokenConcurrency: intVar(env, "TOKEN_CONCURRENCY_LIMIT", 1, 1, 1000),
    checkLeaseMs: intVar(env, "CHECK_LEASE_MS", 10_000, 1000, 600_000),
    tokenMaxTtlSeconds: durationVar(env, "TOKEN_MAX_TTL", "24h"),
    sessionLimits: {
      metadataKeys: intVar(env, "SESSION_METADATA_MAX_KEYS", 20, 0, 1000),
      metadataValueBytes: intVar(env, "SESSION_METADATA_MAX_VALUE_BYTES", 1024, 1, 65_536),
      userAgentHeaders: intVar(env, "SESSION_HEADER_MAX_COUNT", 20, 0, 1000),
    },
    validateRate: {
      perMinute: intVar(env, "VALIDATE_RATE_PER_MINUTE", 60, 1, 100_000),
      burst: intVar(env, "VALIDATE_BURST", 20, 1, 100_000),
    },
    threadPoolSize,
    hashConcurrency: Math.max(1, threadPoolSize - 2),
    logFormat: logFormat(env, isTerminal),
    metricsPort: intVar(env, "METRICS_PORT", 9464, 0, 65535),
    metricsHost: env.METRICS_HOST || env.HOST || undefined,
    corsAllowedOrigins: corsOrigins(env.CORS_ALLOWED_ORIGINS),
    healthWatchLimit: intVar(env, "HEALTH_WATCH_LIMIT", 100, 0, 100_000),
    // With an outside issuer, users sign in there: the page is the operator's choice then.
    webUi,
    publicUrl,
    page: {
      sessionTtlSeconds: durationVar(env, "WEB_UI_SESSION_TTL", "1h"),
      forgotRate: {
        perName: { perHour: intVar(env, "FORGOT_NAME_RATE_PER_HOUR", 5, 1, 100_000), burst: intVar(env, "FORGOT_NAME_BURST", 3, 1, 1000) },
        perAddress: { perHour: intVar(env, "FORGOT_ADDRESS_RATE_PER_HOUR", 60, 1, 100_000), burst: intVar(env, "FORGOT_ADDRESS_BURST", 10, 1, 1000) },
      },
    },
    reset: resetConfig(env, webUi ? publicUrl : undefined),
    mail: mailConfig(env),
    oidc: oidcConfig(env, webUi, publicUrl),
  };
  return { config, warnings };
}

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return Number(raw);
}

function oneOf<T extends string>(env: Env, name: string, allowed: T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!allowed.includes(raw as T)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(", ")}, not "${raw}"`);
  }
  return raw as T;
}

function httpUrl(env: Env, name: string, fallback: string): URL {
  const raw = env[name] || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL: "${raw}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(`${name} must be an http(s) URL, not "${url.protocol}"`);
  }
  return url;
}

/** An absolute http(s) URL without query or fragment, its path ending in "/" so that relative paths resolve under it. */
function baseUrl(env: Env, name: string): URL {
  const url = httpUrl(env, name, "");
  if (url.search || url.hash || url.username || url.password) throw new ConfigError(`${name} must be a base URL with no query, fragment or credentials, not "${env[name]}"`);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

function booleanVar(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw new ConfigError(`${name} must be true or false, not "${raw}"`);
}

function logFormat(env: Env, isTerminal: boolean): Config["logFormat"] {
  return oneOf(env, "LOG_FORMAT", ["json", "pretty"], isTerminal ? "pretty" : "json");
}

/** Comma-separated origins as browsers send them (scheme://host[:port]), or "*". */
function corsOrigins(raw: string | undefined): Config["corsAllowedOrigins"] {
  const items = (raw ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (items.includes("*")) {
    if (items.length > 1) throw new ConfigError(`CORS_ALLOWED_ORIGINS: "*" allows every origin and stands alone, not "${raw}"`);
    return "*";
  }
  return origins("CORS_ALLOWED_ORIGINS", raw);
}

/** Comma-separated origins (scheme://host[:port]), each checked. */
function origins(name: string, raw: string | undefined): string[] {
  const items = (raw ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  for (const origin of items) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || url.origin !== origin) {
      throw new ConfigError(`${name}: "${origin}" is not an origin like https://app.example.com (scheme, host, optional port, no path)`);
    }
  }
  return items;
}

/**
 * DATABASE_URL takes `postgres://` or `postgresql://` URLs, or a SQLite file
 * as `sqlite:PATH`, `file:PATH` or a plain path.
 */
function databaseConfig(url: string | undefined, dataDir: string): DatabaseConfig {
  if (!url) {
    checkDataDir(dataDir);
    return { kind: "sqlite", path: path.join(dataDir, "password-service.db") };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    if (!URL.canParse(url)) throw new ConfigError("DATABASE_URL is not a valid postgres:// URL");
    return { kind: "postgres", url };
  }
  const match = /^(?:sqlite|file):(?:\/\/)?(.+)$/.exec(url);
  if (match) return { kind: "sqlite", path: path.resolve(match[1]) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new ConfigError(`DATABASE_URL: only SQLite (sqlite:PATH) and PostgreSQL (postgres://) are supported, not "${url.split(":")[0]}:"`);
  }
  return { kind: "sqlite", path: path.resolve(url) };
}

/**
 * DATA_DIR is created on first start: it, or the nearest folder above it
 * that exists, must be a folder. Otherwise SQLite's or mkdir's error would
 * name a path and not the setting that made it.
 */
function checkDataDir(dataDir: string): void {
  let existing = dataDir;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  if (!fs.statSync(existing).isDirectory()) {
    const what = existing === dataDir ? "is a file" : `is under ${existing}, which is a file`;
    throw new ConfigError(`DATA_DIR ${dataDir} ${what}, not a folder (set DATA_DIR to a folder, or DATABASE_URL)`);
  }
}

/** The database for messages: a PostgreSQL URL without its password. */
export function describeDatabase(database: DatabaseConfig): string {
  if (database.kind === "sqlite") return database.path;
  const url = new URL(database.url);
  if (url.password) url.password = "***";
  return url.toString();
}

function authConfig(env: Env, warnings: string[]): AuthConfig {
  const claims = {
    subjectClaim: env.JWT_SUBJECT_CLAIM || "sub",
    tokenCacheSize: intVar(env, "TOKEN_CACHE_SIZE", 10_000, 0, 1_000_000),
  };
  const rolesClaim = namedRolesClaim(env);
  if (!env.JWKS_URL) {
    return { mode: "self", issuer: env.JWT_ISSUER || SELF_ISSUER, audience: env.JWT_AUDIENCE || SELF_AUDIENCE, rolesClaim: rolesClaim ?? DEFAULT_ROLES_CLAIM, ...claims };
  }
  if (rolesClaim === DEFAULT_ROLES_CLAIM) {
    warnings.push(`JWT_ROLES_CLAIM=${DEFAULT_ROLES_CLAIM} takes roles from any project of the issuer that asks for a token for this audience: set JWT_PROJECT_ID to take them from this service's project only`);
  }
  let jwksUrl: URL;
  try {
    jwksUrl = new URL(env.JWKS_URL);
  } catch {
    throw new ConfigError(`JWKS_URL is not a URL: "${env.JWKS_URL}"`);
  }
  if (jwksUrl.protocol !== "https:" && jwksUrl.protocol !== "http:") {
    throw new ConfigError(`JWKS_URL must be an http(s) URL, not "${jwksUrl.protocol}"`);
  }
  // Keys fetched in clear text can be swapped on the way for an attacker's, who then signs any token.
  if (jwksUrl.protocol === "http:" && !isLoopback(jwksUrl.hostname) && !booleanVar(env, "JWKS_ALLOW_HTTP", false)) {
    throw new ConfigError(`JWKS_URL must be https unless it is on this machine (or JWKS_ALLOW_HTTP=true), not "${jwksUrl.origin}"`);
  }
  if (!env.JWT_ISSUER || !env.JWT_AUDIENCE) {
    throw new ConfigError("JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE too: tokens of another issuer are checked against both");
  }
  const jwks = {
    refreshMs: intVar(env, "JWKS_REFRESH_MS", 300_000, 1000, 86_400_000),
    maxStaleMs: intVar(env, "JWKS_MAX_STALE_MS", 600_000, 0, 86_400_000),
  };
  return { mode: "jwks", jwksUrl, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, jwks, rolesClaim, ...claims };
}

/**
 * The roles claim the operator named: ZITADEL's claim of the project
 * JWT_PROJECT_ID names, or JWT_ROLES_CLAIM; undefined when neither is set.
 * Roles come from one claim only, so the two do not go together.
 */
function namedRolesClaim(env: Env): string | undefined {
  const projectId = env.JWT_PROJECT_ID;
  if (!projectId) return env.JWT_ROLES_CLAIM || undefined;
  if (env.JWT_ROLES_CLAIM) throw new ConfigError("JWT_PROJECT_ID and JWT_ROLES_CLAIM both name the claim that grants roles: set one");
  if (!/^[\w-]{1,200}$/.test(projectId)) throw new ConfigError(`JWT_PROJECT_ID must be a project ID such as 287593748912455693, not "${projectId.slice(0, 40)}"`);
  return projectRolesClaim(projectId);
}

/** Which claim grants roles, or that none does, for the start-up log. */
export function describeRolesClaim(auth: AuthConfig): string {
  if (auth.rolesClaim) return `roles are granted by the token claim ${auth.rolesClaim}`;
  return "no token claim grants roles (set JWT_PROJECT_ID or JWT_ROLES_CLAIM): callers may change their own password, and nobody administers";
}

const OIDC_NAMES = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_SCOPES", "OIDC_SIGN_IN_TTL"];
/** A scope token as RFC 6749 (3.3) allows it. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * The page's sign-in at the outside issuer. The access token it gets is the
 * change's bearer, so the issuer must be the one JWKS_URL trusts; the
 * redirect URI is made from PUBLIC_URL, never from a request's Host.
 */
function oidcConfig(env: Env, webUi: boolean, publicUrl: URL | undefined): OidcConfig | undefined {
  if (!env.OIDC_ISSUER) {
    const stray = OIDC_NAMES.find((name) => env[name]);
    if (stray) throw new ConfigError(`${stray} needs OIDC_ISSUER: without it the page does not sign in at an outside issuer`);
    return undefined;
  }
  const issuer = httpUrl(env, "OIDC_ISSUER", "");
  // Tokens and codes in clear text can be read on the way, and the issuer's metadata swapped.
  if (issuer.protocol === "http:" && !isLoopback(issuer.hostname)) throw new ConfigError(`OIDC_ISSUER must be https unless it is on this machine, not "${issuer.origin}"`);
  if (issuer.search || issuer.hash || issuer.username || issuer.password) throw new ConfigError(`OIDC_ISSUER must be an issuer URL with no query, fragment or credentials, not "${issuer.origin}…"`);
  if (!env.OIDC_CLIENT_ID) throw new ConfigError("OIDC_ISSUER needs OIDC_CLIENT_ID: the client registered at the issuer for the page");
  if (!env.JWKS_URL) throw new ConfigError("OIDC_ISSUER needs JWKS_URL: the issuer's access tokens are checked with its key set");
  if (!webUi) throw new ConfigError("OIDC_ISSUER signs in on the account page: it needs WEB_UI=true");
  if (!publicUrl) throw new ConfigError("OIDC_ISSUER needs PUBLIC_URL: the redirect URI registered at the issuer is PUBLIC_URL/account/oidc/callback");
  const scopes = (env.OIDC_SCOPES || "openid").trim().split(/ +/);
  const bad = scopes.find((scope) => !SCOPE_TOKEN.test(scope));
  if (bad !== undefined) throw new ConfigError(`OIDC_SCOPES must be scopes separated by spaces, not "${bad}"`);
  if (!scopes.includes("openid")) throw new ConfigError(`OIDC_SCOPES must include openid (the sign-in is OpenID Connect's), not "${scopes.join(" ")}"`);
  return {
    issuer,
    clientId: env.OIDC_CLIENT_ID,
    redirectUri: new URL("account/oidc/callback", publicUrl),
    clientSecret: env.OIDC_CLIENT_SECRET || undefined,
    scopes: scopes.join(" "),
    signInTtlSeconds: durationVar(env, "OIDC_SIGN_IN_TTL", "10m"),
    allowHttp: issuer.protocol === "http:",
  };
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function tlsConfig(env: Env): Config["tls"] {
  const certFile = env.TLS_CERT_FILE;
  const keyFile = env.TLS_KEY_FILE;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    throw new ConfigError("TLS_CERT_FILE and TLS_KEY_FILE go together: set both or neither");
  }
  return { certFile: path.resolve(certFile), keyFile: path.resolve(keyFile) };
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "30s", "15m", "1h", "1d" in seconds; throws TypeError for anything else. */
export function durationSeconds(text: string): number {
  const match = /^(\d{1,9})\s*(s|m|h|d)$/.exec(text);
  if (!match) throw new TypeError(`not a duration: "${text}"`);
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}

function durationVar(env: Env, name: string, fallback: string): number {
  const text = env[name] || fallback;
  try {
    const seconds = durationSeconds(text);
    if (seconds > 0) return seconds;
  } catch {
    // said below
  }
  throw new ConfigError(`${name} must be a duration such as 30m, 24h or 7d, not "${text}"`);
}

/** The account page's reset form under the public base URL: where a mailed link lands (see src/web/account.ts). */
export function pageResetTemplate(publicUrl: URL): string {
  return `${new URL("account/reset", publicUrl)}?user={{.UserID}}&code={{.Code}}`;
}

/** `pageUrl`: the public base URL when the page is on; its reset form is then the default link. */
function resetConfig(env: Env, pageUrl: URL | undefined): ResetConfig {
  const urlTemplate = env.RESET_URL_TEMPLATE || (pageUrl && pageResetTemplate(pageUrl));
  if (urlTemplate !== undefined) {
    try {
      checkUrlTemplate(urlTemplate);
    } catch (err) {
      const name = env.RESET_URL_TEMPLATE ? "RESET_URL_TEMPLATE" : "the reset link made from PUBLIC_URL";
      throw new ConfigError(`${name} is invalid: ${(err as Error).message}`);
    }
  }
  return {
    codeTtlSeconds: durationVar(env, "RESET_CODE_TTL", "1h"),
    // ZITADEL's verification_code takes at most 20 characters.
    codeLength: intVar(env, "RESET_CODE_LENGTH", 6, 6, 20),
    rate: { perHour: intVar(env, "RESET_RATE_PER_HOUR", 10, 1, 100_000), burst: intVar(env, "RESET_BURST", 3, 1, 1000) },
    urlTemplate,
  };
}

function mailConfig(env: Env): MailConfig | undefined {
  if (!env.SMTP_URL) {
    if (booleanVar(env, "NOTIFY_PASSWORD_CHANGED", false)) throw new ConfigError("NOTIFY_PASSWORD_CHANGED=true needs SMTP_URL: there is no mail server to send the notices");
    return undefined;
  }
  let url: URL | undefined;
  try {
    url = new URL(env.SMTP_URL);
  } catch {
    url = undefined;
  }
  // The URL may hold a password: the messages name only its scheme and host.
  if (!url || !url.hostname) throw new ConfigError("SMTP_URL is not a URL such as smtp://user:password@mail.example.com:587");
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new ConfigError(`SMTP_URL must be smtp:// or smtps://, not "${url.protocol}//"`);
  const from = env.SMTP_FROM || "password-service@localhost";
  if (!/^([^<>\r\n]*<)?[^\s@<>]+@[^\s@<>]+>?$/.test(from)) throw new ConfigError(`SMTP_FROM must be an address such as "Accounts <accounts@example.com>", not "${from}"`);
  return {
    smtpUrl: env.SMTP_URL,
    from,
    notifyPasswordChanged: booleanVar(env, "NOTIFY_PASSWORD_CHANGED", true),
    giveUpAfterSeconds: durationVar(env, "MAIL_GIVE_UP_AFTER", "24h"),
    maxRetryIntervalSeconds: durationVar(env, "MAIL_RETRY_MAX_INTERVAL", "10m"),
    pollMs: intVar(env, "MAIL_POLL_INTERVAL_MS", 2000, 100, 600_000),
  };
}
