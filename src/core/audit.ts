import type { Language } from "./messages.js";

/** Where a request came from, as each protocol adapter reads it: plain data for the audit trail. */
export interface RequestContext {
  userAgent?: string;
  remoteAddress?: string;
  /** The language the caller asked to be answered in (Accept-Language): a reset's mail is in it when its user has none of their own. */
  language?: Language;
}

export type AuditType =
  | "password.changed"
  | "password.check.failed"
  | "password.change.refused"
  | "user.locked"
  | "user.unlocked"
  | "user.removed"
  | "user.updated"
  | "policy.changed"
  | "password.reset.requested"
  | "password.reset.code.refused"
  | "password.reset.used"
  | "password.reset.sent"
  | "password.reset.failed"
  | "password.notice.sent"
  | "password.notice.failed"
  | "password.check.succeeded"
  | "password.hash.upgraded"
  | "session.deleted";

/** One audit event. The payload never holds a password, a hash or a token. */
export interface AuditEntry {
  type: AuditType;
  userId?: string;
  orgId?: string;
  context: RequestContext;
  payload?: Record<string, unknown>;
}

/** For outcomes with no effect of their own to commit with (a refused new password). */
export interface AuditLog {
  record(entry: AuditEntry, at: Date): Promise<void>;
}

/** An audit event of the user, from where the command came. */
export function auditOf(cmd: { context: RequestContext }, user: { id: string; orgId: string }, type: AuditType, payload?: Record<string, unknown>): AuditEntry {
  return { type, userId: user.id, orgId: user.orgId, context: cmd.context, payload };
}

/** Audits a refusal that has no effect to commit with; the caller still gets the refusal when the audit cannot be written. */
export async function recordRefusal(deps: { audit: AuditLog; now: () => Date; auditFailed: (err: unknown) => void }, entry: AuditEntry): Promise<void> {
  await deps.audit.record(entry, deps.now()).catch(deps.auditFailed);
}

/** The context of a command-line administrator. */
export function cliContext(): RequestContext {
  return { userAgent: "password-service-cli" };
}
