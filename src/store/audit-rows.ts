import type { Kysely } from "kysely";
import type { AuditEntry } from "../core/audit.js";
import type { IdGenerator } from "../core/ids.js";
import type { Database } from "./schema.js";

/** Writes one audit event, in whatever transaction `db` is. */
export async function insertAudit(db: Kysely<Database>, ids: IdGenerator, entry: AuditEntry, at: Date): Promise<void> {
  await db
    .insertInto("audit_events")
    .values({
      id: ids.next(),
      user_id: entry.userId ?? null,
      org_id: entry.orgId ?? null,
      type: entry.type,
      created_at: at.getTime(),
      user_agent: entry.context.userAgent?.slice(0, 300) ?? null,
      remote_address: entry.context.remoteAddress?.slice(0, 100) ?? null,
      payload: JSON.stringify(entry.payload ?? {}),
    })
    .execute();
}
