import type { Kysely, Selectable } from "kysely";
import type { AuditEntry } from "../core/audit.js";
import type { IdGenerator } from "../core/ids.js";
import { Prepared } from "./prepared.js";
import type { AuditEventTable, Database } from "./schema.js";

/** Writes one audit event, in whatever transaction `db` is. */
export async function insertAudit(db: Kysely<Database>, ids: IdGenerator, entry: AuditEntry, at: Date): Promise<void> {
  await insert.run(db, {
    id: ids.next(),
    user_id: entry.userId ?? null,
    org_id: entry.orgId ?? null,
    type: entry.type,
    created_at: at.getTime(),
    user_agent: entry.context.userAgent?.slice(0, 300) ?? null,
    remote_address: entry.context.remoteAddress?.slice(0, 100) ?? null,
    payload: JSON.stringify(entry.payload ?? {}),
  });
}

/** The columns a new event sets; its count and last repeat keep their defaults. */
type AuditRow = Omit<Selectable<AuditEventTable>, "repeat_count" | "last_at">;

const insert = new Prepared((db, p: AuditRow) =>
  db.insertInto("audit_events").values({
    id: p.id,
    user_id: p.user_id,
    org_id: p.org_id,
    type: p.type,
    created_at: p.created_at,
    user_agent: p.user_agent,
    remote_address: p.remote_address,
    payload: p.payload,
  }),
);
