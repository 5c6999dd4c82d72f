import type { Kysely } from "kysely";

/** The language of a user's mails (issue 27): a served language's primary subtag, or null. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").addColumn("preferred_language", "varchar(10)").execute();
}
