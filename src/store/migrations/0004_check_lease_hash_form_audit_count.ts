import type { Kysely } from "kysely";

/**
 * Hardening: one password check per user at a time (a lease every process
 * sees), the tarpit as a "not before" time, the form each hash was made of,
 * and repeated refusals coalesced into one audit row with a count.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("check_lease_until", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("users")
    .addColumn("check_not_before", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("users").addColumn("password_nfkc", "integer").execute();
  await db.schema.alterTable("password_history").addColumn("password_nfkc", "integer").execute();
  await db.schema
    .alterTable("audit_events")
    .addColumn("repeat_count", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.alterTable("audit_events").addColumn("last_at", "bigint").execute();
  await db.schema.createIndex("audit_events_user_time").on("audit_events").columns(["user_id", "created_at"]).execute();
}
