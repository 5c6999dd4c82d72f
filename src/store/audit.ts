import type { Kysely } from "kysely";
import type { AuditEntry, AuditLog } from "../core/audit.js";
import type { IdGenerator } from "../core/ids.js";
import { insertAudit } from "./audit-rows.js";
import { Prepared } from "./prepared.js";
import type { Database } from "./schema.js";

/** Refusals repeated within this window of the first share its audit row. */
const AUDIT_COALESCE_MS = 60_000;

/** The audit trail: events with no other effect to commit with, and reading it back. */
export class AuditRepository implements AuditLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
  ) {}

  /**
   * An audit event with no other effect to commit with: a refused change.
   * Refusals of one kind for one user within a minute of the first share its
   * row, counted, so that one token cannot grow the table at will.
   */
  async record(entry: AuditEntry, at: Date): Promise<void> {
    if (entry.userId) {
      const repeated = await countRepeat.run(this.db, {
        userId: entry.userId,
        type: entry.type,
        payload: JSON.stringify(entry.payload ?? {}),
        atMs: at.getTime(),
        sinceMs: at.getTime() - AUDIT_COALESCE_MS,
      });
      if (repeated.numAffectedRows! > 0n) return;
    }
    await insertAudit(this.db, this.ids, entry, at);
  }

  async list(of: { userId: string } | { orgId: string }): Promise<AuditRecord[]> {
    const [column, value] = "userId" in of ? (["user_id", of.userId] as const) : (["org_id", of.orgId] as const);
    const rows = await this.db.selectFrom("audit_events").selectAll().where(column, "=", value).orderBy("id").execute();
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      at: new Date(Number(r.created_at)).toISOString(),
      userId: r.user_id,
      orgId: r.org_id,
      userAgent: r.user_agent,
      remoteAddress: r.remote_address,
      payload: JSON.parse(r.payload),
      count: r.repeat_count,
      lastAt: r.last_at === null ? null : new Date(Number(r.last_at)).toISOString(),
    }));
  }
}

const countRepeat = new Prepared((db, p: { userId: string; type: string; payload: string; atMs: number; sinceMs: number }) =>
  db
    .updateTable("audit_events")
    .set((eb) => ({ repeat_count: eb("repeat_count", "+", 1), last_at: p.atMs }))
    .where("user_id", "=", p.userId)
    .where("created_at", ">", p.sinceMs)
    .where("type", "=", p.type)
    .where("payload", "=", p.payload),
);

export interface AuditRecord {
  id: string;
  type: string;
  at: string;
  userId: string | null;
  orgId: string | null;
  userAgent: string | null;
  remoteAddress: string | null;
  payload: Record<string, unknown>;
  /** How many refusals this row stands for (see record), and when the last came. */
  count: number;
  lastAt: string | null;
}
