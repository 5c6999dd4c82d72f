/**
 * Every variable `serve` reads, its default and what it does, for
 * `serve --help`. README.md's configuration table says the same at more
 * length; test/cli.test.ts fails when the two name different variables or
 * defaults, or when src/config.ts reads one that is not here.
 */
export const ENVIRONMENT: [name: string, fallback: string, meaning: string][] = [
  ["PORT", "8080", "the one port for every protocol (0: any free port)"],
  ["HOST", "every interface", "address to listen on, e.g. 127.0.0.1"],
  ["DATA_DIR", "./data", "where the SQLite database is kept by default"],
  ["DATABASE_URL", "$DATA_DIR/password-service.db", "postgres://… for PostgreSQL; otherwise the SQLite file (sqlite:PATH, file:PATH or a path)"],
  ["BCRYPT_COST", "12", "cost of new hashes: 10..16; 4..9 only for tests"],
  ["JWKS_URL", "unset", "verify an external OIDC provider's tokens with this JWKS instead of issuing them"],
  ["JWT_ISSUER", "password-service", "the iss tokens must carry (required with JWKS_URL)"],
  ["JWT_AUDIENCE", "password-service", "an aud tokens must carry (required with JWKS_URL)"],
  ["JWT_SUBJECT_CLAIM", "sub", "the claim that carries the user ID"],
  ["TOKEN_MAX_TTL", "24h", "the longest --ttl that token issue gives"],
  ["JWT_PROJECT_ID", "unset", "roles come only from ZITADEL's claim of this project's roles, urn:zitadel:iam:org:project:ID:roles"],
  ["JWT_ROLES_CLAIM", "urn:zitadel:iam:org:project:roles; none with JWKS_URL", "the claim that carries the caller's roles (not with JWT_PROJECT_ID)"],
  ["TOKEN_CACHE_SIZE", "10000", "checked tokens a process keeps, so that a token's signature is checked once; 0: every request"],
  ["VALIDATE_RATE_PER_MINUTE", "60", "ValidateMyNewPassword calls per user and process, refilled at this rate"],
  ["VALIDATE_BURST", "20", "… and at most this many at once"],
  ["TLS_CERT_FILE", "unset", "with TLS_KEY_FILE: the port speaks TLS (h2 and http/1.1 by ALPN)"],
  ["TLS_KEY_FILE", "unset", "the certificate's private key"],
  ["MAX_BODY_BYTES", "65536", "largest request body on any protocol"],
  ["LOG_LEVEL", "info", "trace, debug, info, warn, error, fatal or silent"],
  ["LOG_FORMAT", "pretty at a terminal, else json", "json: one JSON object a line; pretty: coloured lines for people"],
  ["METRICS_PORT", "9464", "port of the separate Prometheus listener (/metrics); 0 turns it off"],
  ["METRICS_HOST", "as HOST", "address of the metrics listener"],
  ["CORS_ALLOWED_ORIGINS", "none", "comma-separated origins browsers may call from, or * for any"],
  ["WEB_UI", "true unless JWKS_URL is set", "serve the change-password page at /"],
  ["WEB_UI_API_ORIGINS", "none", "origins besides its own that the page may send to"],
  ["JWKS_ALLOW_HTTP", "false", "allow a plain-http JWKS_URL off this machine"],
  ["JWKS_REFRESH_MS", "300000", "the issuer's key set is fetched again when older than this"],
  ["JWKS_MAX_STALE_MS", "600000", "how long past its refresh the last key set serves while the issuer is away"],
  ["UV_THREADPOOL_SIZE", "CPU count + 2", "libuv's threads: bcrypt keeps all but two busy, one is kept for everything else"],
  ["HASH_QUEUE_BUDGET_MS", "3000", "longest a password check may wait for bcrypt; past it, refused with 8 at once"],
  ["USER_CONCURRENCY_LIMIT", "3", "requests of one user that may hold or wait for bcrypt at once, per process"],
  ["TOKEN_CONCURRENCY_LIMIT", "1", "… of which one token's at most (a recovery by code or by an administrator is never counted)"],
  ["CHECK_LEASE_MS", "10000", "a password check's hold on its user, renewed while it runs; frees a dead process's after this"],
  ["SESSION_METADATA_MAX_KEYS", "20", "metadata keys one session keeps"],
  ["SESSION_METADATA_MAX_VALUE_BYTES", "1024", "bytes of one session metadata value"],
  ["SESSION_HEADER_MAX_COUNT", "20", "header values of one session's user agent"],
  ["MAX_CONNECTIONS", "1000", "open connections at most"],
  ["MAX_CONNECTIONS_PER_CLIENT", "100", "open connections from one address at most"],
  ["H2_MAX_CONCURRENT_STREAMS", "100", "HTTP/2 streams in flight per connection"],
  ["MAX_HEADER_BYTES", "16384", "largest header list a request may send"],
  ["IDLE_TIMEOUT_MS", "65000", "a connection idle this long is closed"],
  ["REQUEST_BODY_TIMEOUT_MS", "10000", "a request whose body has not arrived this long after it began is cancelled"],
  ["HEALTH_WATCH_LIMIT", "100", "grpc.health.v1 Watch streams open at once at most"],
  ["TOKEN_REVOCATION", "others", "which tokens a password change revokes: others, all or none"],
  ["POLICY_CACHE_MS", "2000", "how long a process uses a policy it read before reading it again"],
  ["BREACHED_API_URL", "https://api.pwnedpasswords.com", "a Have I Been Pwned style range API, for policies with breached_check"],
  ["BREACHED_TIMEOUT_MS", "2000", "how long the breached check waits for that API"],
  ["SMTP_URL", "unset", "smtp:// or smtps://: mail reset codes and change notices through this server"],
  ["SMTP_FROM", "password-service@localhost", "the sender of every mail"],
  ["NOTIFY_PASSWORD_CHANGED", "true with SMTP_URL", "mail a user with an email address after every change of their password"],
  ["RESET_URL_TEMPLATE", "unset", "the link a reset mail gives, with {{.UserID}}, {{.Code}}, {{.OrgID}}"],
  ["RESET_CODE_TTL", "1h", "how long a reset code works"],
  ["RESET_CODE_LENGTH", "6", "characters in a reset code, 6..20"],
  ["RESET_BURST", "3", "PasswordReset calls per user and process at once"],
  ["RESET_RATE_PER_HOUR", "10", "… refilled at this rate"],
  ["MAIL_RETRY_MAX_INTERVAL", "10m", "the longest wait between two tries of a mail"],
  ["MAIL_GIVE_UP_AFTER", "24h", "when a mail not delivered is given up"],
  ["MAIL_POLL_INTERVAL_MS", "2000", "how often each process looks for mail another queued"],
];

/** The list as `serve --help` prints it: one variable a line, in columns. */
export function environmentHelp(): string {
  const width = Math.max(...ENVIRONMENT.map(([name]) => name.length)) + 2;
  return ENVIRONMENT.map(([name, fallback, meaning]) => `  ${name.padEnd(width)}${meaning} (default: ${fallback})`).join("\n");
}
