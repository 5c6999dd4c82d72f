import type { Kysely } from "kysely";

/** Password policies, the history of replaced hashes, the token cutoff of revocation, and the audit trail. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("policies")
    .addColumn("scope", "varchar(20)", (c) => c.primaryKey())
    .addColumn("profile", "varchar(10)", (c) => c.notNull())
    .addColumn("min_length", "integer", (c) => c.notNull())
    .addColumn("has_lowercase", "integer", (c) => c.notNull())
    .addColumn("has_uppercase", "integer", (c) => c.notNull())
    .addColumn("has_number", "integer", (c) => c.notNull())
    .addColumn("has_symbol", "integer", (c) => c.notNull())
    .addColumn("max_password_attempts", "integer", (c) => c.notNull())
    .addColumn("history_count", "integer", (c) => c.notNull())
    .addColumn("blocklist", "integer", (c) => c.notNull())
    .addColumn("breached_check", "varchar(12)", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.alterTable("users").addColumn("tokens_valid_after", "bigint").execute();
  await db.schema.alterTable("users").addColumn("token_exempt", "varchar(64)").execute();
  await db.schema
    .createTable("password_history")
    .addColumn("user_id", "varchar(20)", (c) => c.notNull().references("users.id"))
    .addColumn("sequence", "bigint", (c) => c.notNull())
    .addColumn("password_hash", "varchar(100)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("password_history_user_sequence", ["user_id", "sequence"])
    .execute();
  await db.schema
    .createTable("audit_events")
    .addColumn("id", "varchar(20)", (c) => c.primaryKey())
    .addColumn("user_id", "varchar(20)")
    .addColumn("org_id", "varchar(20)")
    .addColumn("type", "varchar(60)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("user_agent", "varchar(300)")
    .addColumn("remote_address", "varchar(100)")
    .addColumn("payload", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_events_user").on("audit_events").columns(["user_id", "id"]).execute();
}
