import type { Kysely } from "kysely";

/**
 * Forgotten passwords: one reset code per user (its hash only), the mail
 * outbox every process sends from, and ZITADEL's change_required flag.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("password_change_required", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable("password_reset_codes")
    .addColumn("user_id", "varchar(200)", (c) => c.primaryKey().references("users.id"))
    .addColumn("code_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable("mail_outbox")
    .addColumn("id", "varchar(20)", (c) => c.primaryKey())
    .addColumn("kind", "varchar(40)", (c) => c.notNull())
    .addColumn("user_id", "varchar(200)", (c) => c.notNull())
    .addColumn("org_id", "varchar(200)", (c) => c.notNull())
    .addColumn("recipient", "varchar(320)", (c) => c.notNull())
    .addColumn("subject", "varchar(200)", (c) => c.notNull())
    .addColumn("body", "text")
    .addColumn("state", "varchar(10)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
    .addColumn("lease_until", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("done_at", "bigint")
    .addColumn("last_error", "varchar(300)")
    .execute();
  await db.schema.createIndex("mail_outbox_due").on("mail_outbox").columns(["state", "next_attempt_at"]).execute();
}
