import { type Kysely, sql, SqliteAdapter } from "kysely";

/**
 * Bringing users in: IDs as the issuer writes them (up to 200 bytes),
 * hashes of other families (longer than bcrypt's), an optional email, one
 * default organisation, and usernames unique per organisation without
 * regard to case among users not removed (a removed user's name is free).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Before any change: SQLite runs this outside a transaction, so a refusal after the rebuild would leave it done.
  await refuseCaseDuplicates(db);
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await rebuildSqliteUsers(db);
  } else {
    const widen = [
      ["orgs", "id"],
      ["users", "id"],
      ["users", "org_id"],
      ["events", "user_id"],
      ["password_history", "user_id"],
      ["audit_events", "user_id"],
      ["audit_events", "org_id"],
      ["policies", "scope"],
    ];
    for (const [table, column] of widen) {
      await db.schema
        .alterTable(table)
        .alterColumn(column, (c) => c.setDataType("varchar(200)"))
        .execute();
    }
    await db.schema
      .alterTable("users")
      .alterColumn("password_hash", (c) => c.setDataType("text"))
      .execute();
    await db.schema
      .alterTable("password_history")
      .alterColumn("password_hash", (c) => c.setDataType("text"))
      .execute();
    await db.schema.alterTable("users").dropConstraint("users_org_username").execute();
    await db.schema.alterTable("users").addColumn("email", "varchar(320)").execute();
  }
  await sql`CREATE UNIQUE INDEX users_org_username_key ON users (org_id, lower(username)) WHERE state <> 'deleted'`.execute(db);
  await db.schema
    .alterTable("orgs")
    .addColumn("is_default", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`CREATE UNIQUE INDEX orgs_one_default ON orgs (is_default) WHERE is_default = 1`.execute(db);
}

/** Usernames that differ only in case in one organisation cannot become one name by themselves: say which. */
async function refuseCaseDuplicates(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ org_id: string; name: string }>`SELECT org_id, lower(username) AS name FROM users
    WHERE state <> 'deleted' GROUP BY org_id, lower(username) HAVING count(*) > 1`.execute(db);
  if (rows.length > 0) {
    const which = rows
      .slice(0, 5)
      .map((r) => `"${r.name}" in organisation ${r.org_id}`)
      .join(", ");
    throw new Error(`usernames become unique without regard to case, but these are taken more than once: ${which}; rename or remove all but one`);
  }
}

/**
 * SQLite cannot drop a table's UNIQUE constraint: the users table is made
 * anew without it (SQLite's documented way, foreign keys off meanwhile), with
 * the email column. Its column types take no lengths, so nothing to widen.
 * Kysely runs SQLite's migrations outside a transaction; this one is its own.
 */
async function rebuildSqliteUsers(db: Kysely<any>): Promise<void> {
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  try {
    await db.transaction().execute(async (tx) => {
      await tx.schema
        .createTable("users_new")
        .addColumn("id", "varchar(200)", (c) => c.primaryKey())
        .addColumn("org_id", "varchar(200)", (c) => c.notNull().references("orgs.id"))
        .addColumn("username", "varchar(200)", (c) => c.notNull())
        .addColumn("kind", "varchar(10)", (c) => c.notNull())
        .addColumn("state", "varchar(10)", (c) => c.notNull())
        .addColumn("password_hash", "text")
        .addColumn("sequence", "bigint", (c) => c.notNull())
        .addColumn("failed_attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("changed_at", "bigint", (c) => c.notNull())
        .addColumn("tokens_valid_after", "bigint")
        .addColumn("token_exempt", "varchar(64)")
        .addColumn("check_lease_until", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("check_not_before", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("password_nfkc", "integer")
        .addColumn("email", "varchar(320)")
        .execute();
      await sql`INSERT INTO users_new (id, org_id, username, kind, state, password_hash, sequence, failed_attempts, created_at,
        changed_at, tokens_valid_after, token_exempt, check_lease_until, check_not_before, password_nfkc)
        SELECT id, org_id, username, kind, state, password_hash, sequence, failed_attempts, created_at,
        changed_at, tokens_valid_after, token_exempt, check_lease_until, check_not_before, password_nfkc FROM users`.execute(tx);
      await tx.schema.dropTable("users").execute();
      await tx.schema.alterTable("users_new").renameTo("users").execute();
      const broken = await sql`PRAGMA foreign_key_check`.execute(tx);
      if (broken.rows.length > 0) throw new Error(`rebuilding users would break ${broken.rows.length} references`);
    });
  } finally {
    await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
}
