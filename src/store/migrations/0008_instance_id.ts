import type { Kysely } from "kysely";

/** The instance's one ID, made once like an organisation's. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("instance")
    .addColumn("slot", "integer", (c) => c.primaryKey())
    .addColumn("id", "varchar(20)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
}
