import type { Kysely } from "kysely";

/**
 * Sign-in: ZITADEL v2 sessions. The token is kept only as its SHA-256;
 * a session ends by its row's removal (deleted, or its user's password
 * changed, reset, locked or removed).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("sessions")
    .addColumn("id", "varchar(64)", (c) => c.primaryKey())
    .addColumn("token_hash", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("token_set_at", "bigint", (c) => c.notNull())
    .addColumn("creator_id", "varchar(200)", (c) => c.notNull())
    .addColumn("user_id", "varchar(200)", (c) => c.references("users.id"))
    .addColumn("user_checked_at", "bigint")
    .addColumn("password_checked_at", "bigint")
    .addColumn("sequence", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("changed_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint")
    .addColumn("metadata", "text", (c) => c.notNull())
    .addColumn("user_agent", "text", (c) => c.notNull())
    .addColumn("fingerprint_id", "varchar(200)")
    .execute();
  await db.schema.createIndex("sessions_user").on("sessions").columns(["user_id"]).execute();
  await db.schema.createIndex("sessions_created").on("sessions").columns(["created_at", "id"]).execute();
}
