import type { Kysely } from "kysely";

/** Organisations, users, and each user's append-only events. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("orgs")
    .addColumn("id", "varchar(20)", (c) => c.primaryKey())
    .addColumn("name", "varchar(200)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("users")
    .addColumn("id", "varchar(20)", (c) => c.primaryKey())
    .addColumn("org_id", "varchar(20)", (c) => c.notNull().references("orgs.id"))
    .addColumn("username", "varchar(200)", (c) => c.notNull())
    .addColumn("kind", "varchar(10)", (c) => c.notNull())
    .addColumn("state", "varchar(10)", (c) => c.notNull())
    .addColumn("password_hash", "varchar(100)")
    .addColumn("sequence", "bigint", (c) => c.notNull())
    .addColumn("failed_attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("changed_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("users_org_username", ["org_id", "username"])
    .execute();
  await db.schema
    .createTable("events")
    .addColumn("user_id", "varchar(20)", (c) => c.notNull().references("users.id"))
    .addColumn("sequence", "bigint", (c) => c.notNull())
    .addColumn("type", "varchar(60)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("events_user_sequence", ["user_id", "sequence"])
    .execute();
}
