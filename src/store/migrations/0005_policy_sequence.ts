import type { Kysely } from "kysely";

/** The policy read APIs answer ObjectDetails with a sequence; a policy set before counts as set once. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("policies")
    .addColumn("sequence", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
}
