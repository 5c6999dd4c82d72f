import type { Logger } from "pino";
import { type Config, type DatabaseConfig, describeRolesClaim } from "../config.js";

/**
 * What this process is set up to do, a line each, at start: an operator
 * reading the log sees whose tokens it takes, whether it mails, whether it
 * serves the page, and which database it uses, without reading the
 * environment. No line holds a password (SMTP_URL and DATABASE_URL may).
 */
export function logStartup(config: Config, logger: Logger): void {
  for (const line of startupLines(config)) logger.info(line);
  logger.info({ rolesClaim: config.auth.rolesClaim ?? null }, describeRolesClaim(config.auth));
}

function startupLines(config: Config): string[] {
  return [
    issuerLine(config.auth),
    mailLine(config.mail?.smtpUrl),
    `page: ${config.webUi ? "on, at /account/" : "off (WEB_UI=false)"}`,
    databaseLine(config.database),
  ];
}

function issuerLine(auth: Config["auth"]): string {
  if (auth.mode === "self") return `tokens: own keys (issuer ${auth.issuer}, audience ${auth.audience}); \`token issue\` signs them`;
  return `tokens: JWKS at ${auth.jwksUrl.origin}${auth.jwksUrl.pathname} (issuer ${auth.issuer}, audience ${auth.audience}, roles claim ${auth.rolesClaim ?? "none"})`;
}

function mailLine(smtpUrl: string | undefined): string {
  return smtpUrl ? `mail: on, through ${new URL(smtpUrl).host}` : "mail: off (SMTP_URL unset)";
}

function databaseLine(database: DatabaseConfig): string {
  if (database.kind === "sqlite") return `database: SQLite at ${database.path}`;
  const url = new URL(database.url);
  return `database: PostgreSQL at ${url.host}${url.pathname}`;
}
