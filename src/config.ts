import fs from "node:fs";
import path from "node:path";
import type { RevocationMode } from "./core/revocation.js";
import { checkUrlTemplate } from "./core/url-template.js";
import { ConfigError, DEFAULT_ROLES_CLAIM, given, isLoopback, isSet, value } from "./config/settings.js";

/** What one session may keep: metadata keys, each value's bytes, and user agent header values. */
export interface SessionLimits {
  metadataKeys: number;
  metadataValueBytes: number;
  userAgentHeaders: number;
}

/** Everything the service reads from its environment, validated once (the variables: src/config/settings.ts). */
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
  /** Keys (users, login names, client addresses) whose buckets each per-user rate keeps, per process. */
  rateLimitMaxTracked: number;
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
  /** How long each request to the issuer (discovery, the code's exchange) may take. */
  timeoutMs: number;
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
  /** How long one fetch of the key set may take. */
  timeoutMs: number;
}

// Re-exported: the modules that stop on bad configuration, or read a duration, import them from here.
export { ConfigError, DEFAULT_ROLES_CLAIM, durationSeconds } from "./config/settings.js";

export const SELF_ISSUER = "password-service";
export const SELF_AUDIENCE = "password-service";

type Env = Record<string, string | undefined>;

export interface LoadedConfig {
  config: Config;
  warnings: string[];
}

/** `isTerminal`: whether stdout is a terminal, which picks the default log format. */
export function loadConfig(env: Env, isTerminal = false): LoadedConfig {
  const warnings: string[] = [];
  const bcryptCost = value(env, "BCRYPT_COST");
  const threadPoolSize = value(env, "UV_THREADPOOL_SIZE");
  // With an outside issuer, users sign in there: the page is the operator's choice then.
  const webUi = given(env, "WEB_UI") ?? !isSet(env, "JWKS_URL");
  const publicUrl = given(env, "PUBLIC_URL");
  if (bcryptCost < 10) {
    warnings.push(`BCRYPT_COST=${bcryptCost} is below 10: for tests only, never in production`);
  }
  const host = given(env, "HOST");
  const config: Config = {
    port: value(env, "PORT"),
    host,
    database: databaseConfig(env),
    bcryptCost,
    auth: authConfig(env, warnings),
    tls: tlsConfig(env),
    maxBodyBytes: value(env, "MAX_BODY_BYTES"),
    limits: {
      maxConnections: value(env, "MAX_CONNECTIONS"),
      maxConnectionsPerClient: value(env, "MAX_CONNECTIONS_PER_CLIENT"),
      maxStreamsPerConnection: value(env, "H2_MAX_CONCURRENT_STREAMS"),
      maxHeaderBytes: value(env, "MAX_HEADER_BYTES"),
      idleTimeoutMs: value(env, "IDLE_TIMEOUT_MS"),
      requestBodyTimeoutMs: value(env, "REQUEST_BODY_TIMEOUT_MS"),
    },
    logLevel: value(env, "LOG_LEVEL"),
    tokenRevocation: value(env, "TOKEN_REVOCATION"),
    breached: { url: value(env, "BREACHED_API_URL"), timeoutMs: value(env, "BREACHED_TIMEOUT_MS") },
    policyCacheMs: value(env, "POLICY_CACHE_MS"),
    hashQueueBudgetMs: value(env, "HASH_QUEUE_BUDGET_MS"),
    userConcurrency: value(env, "USER_CONCURRENCY_LIMIT"),
    tokenConcurrency: value(env, "TOKEN_CONCURRENCY_LIMIT"),
    checkLeaseMs: value(env, "CHECK_LEASE_MS"),
    tokenMaxTtlSeconds: value(env, "TOKEN_MAX_TTL"),
    sessionLimits: {
      metadataKeys: value(env, "SESSION_METADATA_MAX_KEYS"),
      metadataValueBytes: value(env, "SESSION_METADATA_MAX_VALUE_BYTES"),
      userAgentHeaders: value(env, "SESSION_HEADER_MAX_COUNT"),
    },
    validateRate: { perMinute: value(env, "VALIDATE_RATE_PER_MINUTE"), burst: value(env, "VALIDATE_BURST") },
    rateLimitMaxTracked: value(env, "RATE_LIMIT_MAX_TRACKED"),
    threadPoolSize,
    hashConcurrency: Math.max(1, threadPoolSize - 2),
    logFormat: given(env, "LOG_FORMAT") ?? (isTerminal ? "pretty" : "json"),
    metricsPort: value(env, "METRICS_PORT"),
    metricsHost: given(env, "METRICS_HOST") ?? host,
    corsAllowedOrigins: value(env, "CORS_ALLOWED_ORIGINS"),
    healthWatchLimit: value(env, "HEALTH_WATCH_LIMIT"),
    webUi,
    publicUrl,
    page: {
      sessionTtlSeconds: value(env, "WEB_UI_SESSION_TTL"),
      forgotRate: {
        perName: { perHour: value(env, "FORGOT_NAME_RATE_PER_HOUR"), burst: value(env, "FORGOT_NAME_BURST") },
        perAddress: { perHour: value(env, "FORGOT_ADDRESS_RATE_PER_HOUR"), burst: value(env, "FORGOT_ADDRESS_BURST") },
      },
    },
    reset: resetConfig(env, webUi ? publicUrl : undefined),
    mail: mailConfig(env),
    oidc: oidcConfig(env, webUi, publicUrl),
  };
  return { config, warnings };
}

/**
 * DATABASE_URL takes `postgres://` or `postgresql://` URLs, or a SQLite file
 * as `sqlite:PATH`, `file:PATH` or a plain path; unset, the file in DATA_DIR.
 */
function databaseConfig(env: Env): DatabaseConfig {
  const url = given(env, "DATABASE_URL");
  if (!url) {
    const dataDir = path.resolve(value(env, "DATA_DIR"));
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
  const claims = { subjectClaim: value(env, "JWT_SUBJECT_CLAIM"), tokenCacheSize: value(env, "TOKEN_CACHE_SIZE") };
  const rolesClaim = namedRolesClaim(env);
  const issuer = given(env, "JWT_ISSUER");
  const audience = given(env, "JWT_AUDIENCE");
  const jwksUrl = given(env, "JWKS_URL");
  if (!jwksUrl) {
    return { mode: "self", issuer: issuer ?? SELF_ISSUER, audience: audience ?? SELF_AUDIENCE, rolesClaim: rolesClaim ?? DEFAULT_ROLES_CLAIM, ...claims };
  }
  if (rolesClaim === DEFAULT_ROLES_CLAIM) {
    warnings.push(
      `JWT_ROLES_CLAIM=${DEFAULT_ROLES_CLAIM} takes roles from any project of the issuer that asks for a token for this audience: set JWT_PROJECT_ID to take them from this service's project only`,
    );
  }
  // Keys fetched in clear text can be swapped on the way for an attacker's, who then signs any token.
  if (jwksUrl.protocol === "http:" && !isLoopback(jwksUrl.hostname) && !value(env, "JWKS_ALLOW_HTTP")) {
    throw new ConfigError(`JWKS_URL must be https unless it is on this machine (or JWKS_ALLOW_HTTP=true), not "${jwksUrl.origin}"`);
  }
  if (!issuer || !audience) {
    throw new ConfigError("JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE too: tokens of another issuer are checked against both");
  }
  const jwks = { refreshMs: value(env, "JWKS_REFRESH_MS"), maxStaleMs: value(env, "JWKS_MAX_STALE_MS"), timeoutMs: value(env, "JWKS_TIMEOUT_MS") };
  return { mode: "jwks", jwksUrl, issuer, audience, jwks, rolesClaim, ...claims };
}

/**
 * The roles claim the operator named: ZITADEL's claim of the project
 * JWT_PROJECT_ID names, or JWT_ROLES_CLAIM; undefined when neither is set.
 * Roles come from one claim only, so the two do not go together.
 */
function namedRolesClaim(env: Env): string | undefined {
  if (!isSet(env, "JWT_PROJECT_ID")) return given(env, "JWT_ROLES_CLAIM");
  if (isSet(env, "JWT_ROLES_CLAIM")) throw new ConfigError("JWT_PROJECT_ID and JWT_ROLES_CLAIM both name the claim that grants roles: set one");
  return projectRolesClaim(given(env, "JWT_PROJECT_ID")!);
}

/** Which claim grants roles, or that none does, for the start-up log. */
export function describeRolesClaim(auth: AuthConfig): string {
  if (auth.rolesClaim) return `roles are granted by the token claim ${auth.rolesClaim}`;
  return "no token claim grants roles (set JWT_PROJECT_ID or JWT_ROLES_CLAIM): callers may change their own password, and nobody administers";
}

const OIDC_NAMES = ["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_SCOPES", "OIDC_SIGN_IN_TTL", "OIDC_TIMEOUT_MS"] as const;

/**
 * The page's sign-in at the outside issuer. The access token it gets is the
 * change's bearer, so the issuer must be the one JWKS_URL trusts; the
 * redirect URI is made from PUBLIC_URL, never from a request's Host.
 */
function oidcConfig(env: Env, webUi: boolean, publicUrl: URL | undefined): OidcConfig | undefined {
  const issuer = given(env, "OIDC_ISSUER");
  if (!issuer) {
    const stray = OIDC_NAMES.find((name) => isSet(env, name));
    if (stray) throw new ConfigError(`${stray} needs OIDC_ISSUER: without it the page does not sign in at an outside issuer`);
    return undefined;
  }
  const clientId = given(env, "OIDC_CLIENT_ID");
  if (!clientId) throw new ConfigError("OIDC_ISSUER needs OIDC_CLIENT_ID: the client registered at the issuer for the page");
  if (!isSet(env, "JWKS_URL")) throw new ConfigError("OIDC_ISSUER needs JWKS_URL: the issuer's access tokens are checked with its key set");
  if (!webUi) throw new ConfigError("OIDC_ISSUER signs in on the account page: it needs WEB_UI=true");
  if (!publicUrl) throw new ConfigError("OIDC_ISSUER needs PUBLIC_URL: the redirect URI registered at the issuer is PUBLIC_URL/account/oidc/callback");
  return {
    issuer,
    clientId,
    redirectUri: new URL("account/oidc/callback", publicUrl),
    clientSecret: given(env, "OIDC_CLIENT_SECRET"),
    scopes: value(env, "OIDC_SCOPES"),
    signInTtlSeconds: value(env, "OIDC_SIGN_IN_TTL"),
    allowHttp: issuer.protocol === "http:",
    timeoutMs: value(env, "OIDC_TIMEOUT_MS"),
  };
}

function tlsConfig(env: Env): Config["tls"] {
  const certFile = given(env, "TLS_CERT_FILE");
  const keyFile = given(env, "TLS_KEY_FILE");
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    throw new ConfigError("TLS_CERT_FILE and TLS_KEY_FILE go together: set both or neither");
  }
  return { certFile: path.resolve(certFile), keyFile: path.resolve(keyFile) };
}

/** The account page's reset form under the public base URL: where a mailed link lands (see src/web/account.ts). */
export function pageResetTemplate(publicUrl: URL): string {
  return `${new URL("account/reset", publicUrl)}?user={{.UserID}}&code={{.Code}}`;
}

/** The page's reset form as the default link, checked as RESET_URL_TEMPLATE is. */
function pageTemplate(pageUrl: URL): string {
  const template = pageResetTemplate(pageUrl);
  try {
    checkUrlTemplate(template);
  } catch (err) {
    throw new ConfigError(`the reset link made from PUBLIC_URL is invalid: ${(err as Error).message}`);
  }
  return template;
}

/** `pageUrl`: the public base URL when the page is on; its reset form is then the default link. */
function resetConfig(env: Env, pageUrl: URL | undefined): ResetConfig {
  return {
    codeTtlSeconds: value(env, "RESET_CODE_TTL"),
    codeLength: value(env, "RESET_CODE_LENGTH"),
    rate: { perHour: value(env, "RESET_RATE_PER_HOUR"), burst: value(env, "RESET_BURST") },
    urlTemplate: given(env, "RESET_URL_TEMPLATE") ?? (pageUrl && pageTemplate(pageUrl)),
  };
}

function mailConfig(env: Env): MailConfig | undefined {
  const smtpUrl = given(env, "SMTP_URL");
  if (!smtpUrl) {
    if (given(env, "NOTIFY_PASSWORD_CHANGED"))
      throw new ConfigError("NOTIFY_PASSWORD_CHANGED=true needs SMTP_URL: there is no mail server to send the notices");
    return undefined;
  }
  return {
    smtpUrl,
    from: value(env, "SMTP_FROM"),
    notifyPasswordChanged: given(env, "NOTIFY_PASSWORD_CHANGED") ?? true,
    giveUpAfterSeconds: value(env, "MAIL_GIVE_UP_AFTER"),
    maxRetryIntervalSeconds: value(env, "MAIL_RETRY_MAX_INTERVAL"),
    pollMs: value(env, "MAIL_POLL_INTERVAL_MS"),
  };
}
