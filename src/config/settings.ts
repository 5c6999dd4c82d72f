import { checkUrlTemplate } from "../core/url-template.js";

/** Bad configuration: the process stops with this one line and exit code 2. */
export class ConfigError extends Error {}

/**
 * One environment variable: its default, the values it accepts and what it
 * is for, in Markdown (docs/configuration.md's table and `serve --help` are
 * written from them), and how a value that is set becomes the service's.
 * `fallback` is the value when it is unset or empty, where that does not hang
 * on other variables; src/config.ts decides the others.
 */
export interface Setting<T> {
  default: string;
  accepts: string;
  doc: string;
  parse(raw: string, name: string): T;
  fallback?: T;
}

function whole(fallback: number, min: number, max: number) {
  return {
    default: `\`${fallback}\``,
    accepts: `${min}..${max}`,
    fallback,
    parse(raw: string, name: string): number {
      if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
        throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
      }
      return Number(raw);
    },
  };
}

function oneOf<const T extends string>(allowed: T[]) {
  return {
    accepts: allowed.map((a) => `\`${a}\``).join(", "),
    parse(raw: string, name: string): T {
      if (!allowed.includes(raw as T)) throw new ConfigError(`${name} must be one of ${allowed.join(", ")}, not "${raw}"`);
      return raw as T;
    },
  };
}

function flag() {
  return {
    accepts: "`true`, `false` (or `1`, `0`)",
    parse(raw: string, name: string): boolean {
      if (raw === "true" || raw === "1") return true;
      if (raw === "false" || raw === "0") return false;
      throw new ConfigError(`${name} must be true or false, not "${raw}"`);
    },
  };
}

/** A value taken as it is; unset unless `default` says otherwise. */
function text(accepts: string) {
  return { default: "unset", accepts, parse: (raw: string) => raw };
}

function httpUrl(raw: string, name: string): URL {
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

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "30s", "15m", "1h", "1d" in seconds; throws TypeError for anything else. */
export function durationSeconds(text: string): number {
  const match = /^(\d{1,9})\s*(s|m|h|d)$/.exec(text);
  if (!match) throw new TypeError(`not a duration: "${text}"`);
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}

/** A duration such as 30m, in seconds; more than none. */
function duration(fallback: string) {
  const parse = (raw: string, name: string): number => {
    try {
      const seconds = durationSeconds(raw);
      if (seconds > 0) return seconds;
    } catch {
      // said below
    }
    throw new ConfigError(`${name} must be a duration such as 30m, 24h or 7d, not "${raw}"`);
  };
  return { default: `\`${fallback}\``, accepts: "a duration: `30s`, `15m`, `1h`, `1d`", fallback: durationSeconds(fallback), parse };
}

/** Comma-separated origins (scheme://host[:port]), each checked. */
export function origins(raw: string, name: string): string[] {
  const items = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const origin of items) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new ConfigError(`${name}: "${origin}" is not an origin like https://app.example.com (scheme, host, optional port, no path)`);
    }
  }
  return items;
}

/** Comma-separated origins as browsers send them, or "*" for any. */
function corsOrigins(raw: string, name: string): string[] | "*" {
  const items = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!items.includes("*")) return origins(raw, name);
  if (items.length > 1) throw new ConfigError(`${name}: "*" allows every origin and stands alone, not "${raw}"`);
  return "*";
}

function smtpUrl(raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  // The URL may hold a password: the messages name only its scheme and host.
  if (!url?.hostname) throw new ConfigError("SMTP_URL is not a URL such as smtp://user:password@mail.example.com:587");
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new ConfigError(`SMTP_URL must be smtp:// or smtps://, not "${url.protocol}//"`);
  return raw;
}

function sender(raw: string): string {
  if (!/^([^<>\r\n]*<)?[^\s@<>]+@[^\s@<>]+>?$/.test(raw))
    throw new ConfigError(`SMTP_FROM must be an address such as "Accounts <accounts@example.com>", not "${raw}"`);
  return raw;
}

/** An absolute http(s) URL without query, fragment or credentials, its path ending in "/" so that relative paths resolve under it. */
function baseUrl(raw: string, name: string): URL {
  const url = httpUrl(raw, name);
  if (url.search || url.hash || url.username || url.password)
    throw new ConfigError(`${name} must be a base URL with no query, fragment or credentials, not "${raw}"`);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

/** An issuer URL: https, or http on this machine, with no query, fragment or credentials. */
function issuerUrl(raw: string, name: string): URL {
  const url = httpUrl(raw, name);
  // Tokens and codes in clear text can be read on the way, and the issuer's metadata swapped.
  if (url.protocol === "http:" && !isLoopback(url.hostname)) throw new ConfigError(`${name} must be https unless it is on this machine, not "${url.origin}"`);
  if (url.search || url.hash || url.username || url.password)
    throw new ConfigError(`${name} must be an issuer URL with no query, fragment or credentials, not "${url.origin}…"`);
  return url;
}

/** A scope token as RFC 6749 (3.3) allows it. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Scopes separated by spaces, openid among them (the sign-in is OpenID Connect's). */
function scopes(raw: string, name: string): string {
  const list = raw.trim().split(/ +/);
  const bad = list.find((scope) => !SCOPE_TOKEN.test(scope));
  if (bad !== undefined) throw new ConfigError(`${name} must be scopes separated by spaces, not "${bad}"`);
  if (!list.includes("openid")) throw new ConfigError(`${name} must include openid (the sign-in is OpenID Connect's), not "${list.join(" ")}"`);
  return list.join(" ");
}

export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function urlTemplate(raw: string): string {
  try {
    checkUrlTemplate(raw);
  } catch (err) {
    throw new ConfigError(`RESET_URL_TEMPLATE is invalid: ${(err as Error).message}`);
  }
  return raw;
}

function projectId(raw: string): string {
  if (!/^[\w-]{1,200}$/.test(raw)) throw new ConfigError(`JWT_PROJECT_ID must be a project ID such as 287593748912455693, not "${raw.slice(0, 40)}"`);
  return raw;
}

/** ZITADEL's claim of the roles of the project that asked for the token: whichever project that is. */
export const DEFAULT_ROLES_CLAIM = "urn:zitadel:iam:org:project:roles";

/** libuv's thread pool size when UV_THREADPOOL_SIZE is unset. */
const LIBUV_POOL_SIZE = 4;

/** Every variable the service reads, in the order the documentation lists them. */
export const SETTINGS = {
  PORT: { ...whole(8080, 0, 65535), doc: "the one port for every protocol (`0`: any free port)" },
  HOST: { ...text("an address or host name"), default: "every interface", doc: "address to listen on, e.g. `127.0.0.1`" },
  DATA_DIR: { ...text("a folder"), default: "`./data`", fallback: "./data", doc: "where the SQLite database is kept by default" },
  DATABASE_URL: {
    ...text("a URL or a path"),
    default: "`$DATA_DIR/password-service.db`",
    doc: "`postgres://USER:PASSWORD@HOST:PORT/DB` (or `postgresql://`) for PostgreSQL; otherwise the SQLite file, as `sqlite:PATH`, `file:PATH` or a path",
  },
  BCRYPT_COST: { ...whole(12, 4, 16), doc: "cost of new hashes: 10..16; 4..9 only for tests (warns)" },
  JWKS_URL: { ...text("an `http(s)` URL"), parse: httpUrl, doc: "verify tokens of an external OIDC provider with this JWKS instead of issuing them" },
  JWT_ISSUER: { ...text("text"), default: "`password-service`", doc: "the `iss` tokens must carry (required with `JWKS_URL`)" },
  JWT_AUDIENCE: { ...text("text"), default: "`password-service`", doc: "an `aud` tokens must carry (required with `JWKS_URL`)" },
  JWT_SUBJECT_CLAIM: { ...text("a claim name"), default: "`sub`", fallback: "sub", doc: "the claim that carries the user ID" },
  TOKEN_MAX_TTL: { ...duration("24h"), doc: "the longest `--ttl` that `token issue` gives" },
  JWT_PROJECT_ID: {
    ...text("a project ID"),
    parse: projectId,
    doc:
      "the ZITADEL project of this service: roles come only from ZITADEL's claim of that project's roles, `urn:zitadel:iam:org:project:ID:roles`, " +
      "which no other project's token carries; not with `JWT_ROLES_CLAIM`. See [Roles](api.md#roles)",
  },
  JWT_ROLES_CLAIM: {
    ...text("a claim name"),
    default: `\`${DEFAULT_ROLES_CLAIM}\`; none with \`JWKS_URL\``,
    doc:
      "the claim that carries the caller's roles, in ZITADEL's shape. With `JWKS_URL`, no claim grants roles unless this or `JWT_PROJECT_ID` is set: " +
      "ZITADEL's generic claim holds the roles of whichever project asked for the token, and the start warns when it is the one named; see [Roles](api.md#roles)",
  },
  TOKEN_CACHE_SIZE: {
    ...whole(10_000, 0, 1_000_000),
    doc:
      "tokens whose signature and claims a process has checked and keeps (least recently used go first), so that a client's token is checked once " +
      "and not on every request (0: every request). A kept token still expires at its `exp`, is checked again under a new key set of the issuer, " +
      "and meets the user's state and revocation cutoff on every request, so a password change refuses old tokens at once",
  },
  VALIDATE_RATE_PER_MINUTE: {
    ...whole(60, 1, 100_000),
    doc: "`ValidateMyNewPassword` calls per user and process, refilled at this rate; more are refused with 8",
  },
  VALIDATE_BURST: { ...whole(20, 1, 100_000), doc: "… and at most this many at once" },
  RATE_LIMIT_MAX_TRACKED: {
    ...whole(10_000, 100, 1_000_000),
    doc:
      "users (or login names, or client addresses) whose buckets each per-user rate (`VALIDATE_*`, `RESET_*`, `FORGOT_*`) keeps per process; " +
      "past it the buckets that have filled up again are dropped, then the one closest to full (of those, the least recently used)",
  },
  TLS_CERT_FILE: { ...text("a PEM file"), doc: "with `TLS_KEY_FILE`: the port speaks TLS (h2 and http/1.1 by ALPN)" },
  TLS_KEY_FILE: { ...text("a PEM file"), doc: "the certificate's private key" },
  MAX_BODY_BYTES: { ...whole(64 * 1024, 1024, 16 * 1024 * 1024), doc: "largest request body on any protocol" },
  LOG_LEVEL: {
    ...oneOf(["trace", "debug", "info", "warn", "error", "fatal", "silent"]),
    default: "`info`",
    fallback: "info",
    doc: "`trace`, `debug`, `info`, `warn`, `error`, `fatal`, `silent`",
  },
  LOG_FORMAT: {
    ...oneOf(["json", "pretty"]),
    default: "`pretty` at a terminal, else `json`",
    doc: "`json`: one JSON object a line; `pretty`: coloured lines for people",
  },
  METRICS_PORT: { ...whole(9464, 0, 65535), doc: "port of the separate Prometheus listener (`/metrics`); `0` turns it off" },
  METRICS_HOST: { ...text("an address or host name"), default: "as `HOST`", doc: "address of the metrics listener; its log line names the address it bound" },
  CORS_ALLOWED_ORIGINS: {
    default: "none",
    accepts: "origins, or `*`",
    fallback: [] as string[] | "*",
    parse: corsOrigins,
    doc: "comma-separated origins browsers may call from (`https://app.example.com`), or `*` for any",
  },
  WEB_UI: {
    ...flag(),
    default: "`true` unless `JWKS_URL` is set",
    doc: "serve the account page (sign in, change, sign out, forgot, reset) at `/account/`; `/` leads there",
  },
  PUBLIC_URL: {
    ...text("an `http(s)` base URL"),
    parse: baseUrl,
    doc: "the service's public base URL (no query); with `WEB_UI`, mailed reset links land on the page's reset form. Never derived from a request's `Host`",
  },
  WEB_UI_SESSION_TTL: { ...duration("1h"), doc: "how long a sign-in on the page lasts" },
  FORGOT_NAME_RATE_PER_HOUR: { ...whole(5, 1, 100_000), doc: "the page's forgot-password requests per login name and process, refilled at this rate" },
  FORGOT_NAME_BURST: { ...whole(3, 1, 1000), doc: "… and at most this many at once" },
  FORGOT_ADDRESS_RATE_PER_HOUR: {
    ...whole(60, 1, 100_000),
    doc: "the page's forgot-password requests per client address and process (a proxy in front counts as one address), refilled at this rate",
  },
  FORGOT_ADDRESS_BURST: { ...whole(10, 1, 1000), doc: "… and at most this many at once" },
  OIDC_ISSUER: {
    ...text("an `http(s)` URL"),
    parse: issuerUrl,
    doc:
      "the page signs in at this OpenID Connect issuer (`https`, or `http` on this machine), the one `JWKS_URL` trusts, instead of with a login name and password; " +
      "needs `JWKS_URL`, `WEB_UI=true` and `PUBLIC_URL`. See [Sign-in at an outside issuer](operations.md#sign-in-at-an-outside-issuer)",
  },
  OIDC_CLIENT_ID: {
    ...text("text"),
    doc: "the page's client at `OIDC_ISSUER` (required with it), registered with the redirect URI `PUBLIC_URL/account/oidc/callback`",
  },
  OIDC_CLIENT_SECRET: {
    ...text("text"),
    doc: "the client's secret, sent by `client_secret_basic`; unset, the page is a public client and PKCE alone binds the code. Never logged",
  },
  OIDC_SCOPES: {
    default: "`openid`",
    accepts: "scopes separated by spaces",
    fallback: "openid",
    parse: scopes,
    doc: "the scopes the page asks for; `openid` must be one",
  },
  OIDC_SIGN_IN_TTL: {
    ...duration("10m"),
    doc: "how long a sign-in started at the issuer may take to come back to the callback (the life of its `ps_oidc` cookie)",
  },
  OIDC_TIMEOUT_MS: {
    ...whole(5000, 100, 60_000),
    doc: "how long each request of the page to `OIDC_ISSUER` (discovery, the code's exchange) may take; past it the sign-in fails as the issuer out of reach",
  },
  JWKS_ALLOW_HTTP: { ...flag(), default: "`false`", fallback: false, doc: "allow a plain-`http` `JWKS_URL` off this machine (loopback is always allowed)" },
  JWKS_REFRESH_MS: {
    ...whole(300_000, 1000, 86_400_000),
    doc: "the issuer's key set is fetched again when older than this (and for a token of an unknown key ID, at most every 3 s)",
  },
  JWKS_MAX_STALE_MS: { ...whole(600_000, 0, 86_400_000), doc: "how long past its refresh the last key set is still used while the issuer cannot be reached" },
  JWKS_TIMEOUT_MS: {
    ...whole(5000, 100, 60_000),
    doc: "how long one fetch of `JWKS_URL` may take; past it the fetch has failed (tokens answer 14 until a key set is had, or the last one is used while `JWKS_MAX_STALE_MS` allows)",
  },
  // The service's default (cores + 2) is set by bin/password-service.cjs,
  // the only place that can set it before libuv starts its pool. A process
  // started another way has the pool libuv gives it: 4 threads when unset.
  UV_THREADPOOL_SIZE: {
    ...whole(LIBUV_POOL_SIZE, 1, 1024),
    default: "CPU count + 2",
    doc:
      "libuv's threads, set before anything else runs: bcrypt keeps this many less two cores busy, with one operation more in flight so that " +
      "no core waits for the next; the last thread is kept for token signature checks, files and DNS, so that they never wait behind a hash",
  },
  HASH_QUEUE_BUDGET_MS: {
    ...whole(3000, 0, 600_000),
    doc: "longest a password check may wait for a bcrypt thread; past it the request is refused at once with 8 ResourceExhausted (REST 429 with `Retry-After`)",
  },
  USER_CONCURRENCY_LIMIT: {
    ...whole(3, 1, 1000),
    doc: "requests of one user that may hold or wait for bcrypt work at once, per process; more are refused with 8",
  },
  TOKEN_CONCURRENCY_LIMIT: {
    ...whole(1, 1, 1000),
    doc:
      "of those, the requests of one token: a stolen token's flood leaves the rest of its user's admission to the user's other tokens. " +
      "A set by reset code or by an administrator is never counted against its user",
  },
  CHECK_LEASE_MS: {
    ...whole(10_000, 1000, 600_000),
    doc:
      "a password check's hold on its user's check slot; renewed while the check runs (however long its hash takes to verify), " +
      "so it is only how long a process that died holding it delays that user",
  },
  SESSION_METADATA_MAX_KEYS: {
    ...whole(20, 0, 1000),
    doc: "metadata keys one sign-in session keeps (CreateSession, SetSession); more are refused with 3 (`PWSVC-SES02`)",
  },
  SESSION_METADATA_MAX_VALUE_BYTES: { ...whole(1024, 1, 65_536), doc: "bytes of one session metadata value, and of a metadata key; larger are refused with 3" },
  SESSION_HEADER_MAX_COUNT: { ...whole(20, 0, 1000), doc: "header values in a session's `user_agent` (all headers together); more are refused with 3" },
  MAX_CONNECTIONS: { ...whole(1000, 1, 1_000_000), doc: "open connections at most; more are closed as they come" },
  MAX_CONNECTIONS_PER_CLIENT: { ...whole(100, 1, 1_000_000), doc: "open connections from one address at most (a proxy in front counts as one)" },
  H2_MAX_CONCURRENT_STREAMS: { ...whole(100, 1, 10_000), doc: "HTTP/2 streams in flight per connection" },
  MAX_HEADER_BYTES: { ...whole(16 * 1024, 1024, 1024 * 1024), doc: "largest header list a request may send, HTTP/2 and HTTP/1.1" },
  IDLE_TIMEOUT_MS: { ...whole(65_000, 1000, 3_600_000), doc: "a connection with nothing going on for this long is closed" },
  REQUEST_BODY_TIMEOUT_MS: { ...whole(10_000, 100, 600_000), doc: "a request whose body has not fully arrived this long after it began is cancelled" },
  HEALTH_WATCH_LIMIT: { ...whole(100, 0, 100_000), doc: "`grpc.health.v1.Health/Watch` streams open at once at most; more are refused with 8" },
  TOKEN_REVOCATION: {
    ...oneOf(["others", "all", "none"]),
    default: "`others`",
    fallback: "others",
    doc: "which tokens a password change revokes: `others`, `all` or `none`; see [Revocation](policies.md#revocation)",
  },
  POLICY_CACHE_MS: { ...whole(2000, 0, 10_000), doc: "how long a server process uses a policy it read before reading it again (0: every request)" },
  BREACHED_API_URL: {
    default: "`https://api.pwnedpasswords.com`",
    accepts: "an `http(s)` URL",
    fallback: new URL("https://api.pwnedpasswords.com"),
    parse: httpUrl,
    doc: "a Have I Been Pwned style range API (`GET <url>/range/<5 hex digits>`), for policies with `breached_check`",
  },
  BREACHED_TIMEOUT_MS: { ...whole(2000, 100, 10_000), doc: "how long the breached check waits for that API before it counts as unavailable" },
  SMTP_URL: {
    ...text("an `smtp://` or `smtps://` URL"),
    parse: smtpUrl,
    doc:
      "`smtp://[user:password@]host[:port]` (STARTTLS when offered) or `smtps://`: mail reset codes and change notices through this server; " +
      "unset, nothing is mailed. See [Forgotten passwords and notices](resets.md)",
  },
  SMTP_FROM: {
    ...text("an address"),
    default: "`password-service@localhost`",
    fallback: "password-service@localhost",
    parse: sender,
    doc: "the sender of every mail, `addr@host` or `Name <addr@host>`",
  },
  NOTIFY_PASSWORD_CHANGED: { ...flag(), default: "`true` with `SMTP_URL`", doc: "mail a user with an email address after every change of their password" },
  RESET_URL_TEMPLATE: {
    ...text("a URL template"),
    parse: urlTemplate,
    default: "the page's reset form with `WEB_UI` and `PUBLIC_URL`, else unset",
    doc: "the link a reset mail gives when the request names no `urlTemplate`, with `{{.UserID}}`, `{{.Code}}`, `{{.OrgID}}`; unset, the mail gives the code alone",
  },
  RESET_CODE_TTL: { ...duration("1h"), doc: "how long a reset code works (`30m`, `1h`, `1d`…)" },
  // ZITADEL's verification_code takes at most 20 characters.
  RESET_CODE_LENGTH: { ...whole(6, 6, 20), doc: "characters in a reset code" },
  RESET_BURST: { ...whole(3, 1, 1000), doc: "`PasswordReset` calls per user and process at once" },
  RESET_RATE_PER_HOUR: { ...whole(10, 1, 100_000), doc: "… refilled at this rate" },
  MAIL_RETRY_MAX_INTERVAL: { ...duration("10m"), doc: "the longest wait between two tries of a mail (the wait doubles from 1 s up to it)" },
  MAIL_GIVE_UP_AFTER: { ...duration("24h"), doc: "a mail not delivered this long after it was queued is given up, and that is audited" },
  MAIL_POLL_INTERVAL_MS: { ...whole(2000, 100, 600_000), doc: "how often each process looks for mail to send that another process queued" },
} satisfies Record<string, Setting<unknown>>;

export type SettingName = keyof typeof SETTINGS;

type Env = Record<string, string | undefined>;

type Value<K extends SettingName> = ReturnType<(typeof SETTINGS)[K]["parse"]>;

/** The settings whose unset value is their own, not another's. */
type WithFallback = { [K in SettingName]: (typeof SETTINGS)[K] extends { fallback: unknown } ? K : never }[SettingName];

/** Whether the variable is set to something: empty counts as unset. */
export function isSet(env: Env, name: SettingName): boolean {
  return (env[name] ?? "") !== "";
}

/** The variable's value if it is set, else undefined. */
export function given<K extends SettingName>(env: Env, name: K): Value<K> | undefined {
  const raw = env[name];
  return raw === undefined || raw === "" ? undefined : (SETTINGS[name].parse(raw, name) as Value<K>);
}

/** The variable's value, or its default when it is unset. */
export function value<K extends WithFallback>(env: Env, name: K): Value<K> {
  return given(env, name) ?? (SETTINGS[name].fallback as Value<K>);
}
