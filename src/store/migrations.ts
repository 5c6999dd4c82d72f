import { type Kysely, type Migration, type MigrationProvider, Migrator, sql, SqliteAdapter } from "kysely";

/** Migrations as code, in order; never edit one that has shipped, add another. */
const migrations: Record<string, Migration> = {
  "0001_users_and_events": {
    async up(db: Kysely<any>) {
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
    },
  },
  // Portable types only (no autoincrement, booleans as 0/1 integers) so that
  // the same migration runs on SQLite and PostgreSQL.
  "0002_policies_history_revocation_audit": {
    async up(db: Kysely<any>) {
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
    },
  },
  "0003_signing_keys": {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("signing_keys")
        .addColumn("name", "varchar(60)", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
    },
  },
  // Hardening: one password check per user at a time (a lease every process
  // sees), the tarpit as a "not before" time, the form each hash was made of,
  // and repeated refusals coalesced into one audit row with a count.
  "0004_check_lease_hash_form_audit_count": {
    async up(db: Kysely<any>) {
      await db.schema.alterTable("users").addColumn("check_lease_until", "bigint", (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable("users").addColumn("check_not_before", "bigint", (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable("users").addColumn("password_nfkc", "integer").execute();
      await db.schema.alterTable("password_history").addColumn("password_nfkc", "integer").execute();
      await db.schema.alterTable("audit_events").addColumn("repeat_count", "integer", (c) => c.notNull().defaultTo(1)).execute();
      await db.schema.alterTable("audit_events").addColumn("last_at", "bigint").execute();
      await db.schema.createIndex("audit_events_user_time").on("audit_events").columns(["user_id", "created_at"]).execute();
    },
  },
  // The policy read APIs answer ObjectDetails with a sequence; a policy set before counts as set once.
  "0005_policy_sequence": {
    async up(db) {
      await db.schema.alterTable("policies").addColumn("sequence", "integer", (c) => c.notNull().defaultTo(1)).execute();
    },
  },
  // Bringing users in: IDs as the issuer writes them (up to 200 bytes),
  // hashes of other families (longer than bcrypt's), an optional email, one
  // default organisation, and usernames unique per organisation without
  // regard to case among users not removed (a removed user's name is free).
  "0006_imported_users": {
    async up(db) {
      if (db.getExecutor().adapter instanceof SqliteAdapter) {
        await rebuildSqliteUsers(db);
      } else {
        const widen = [
          ["orgs", "id"], ["users", "id"], ["users", "org_id"], ["events", "user_id"], ["password_history", "user_id"],
          ["audit_events", "user_id"], ["audit_events", "org_id"], ["policies", "scope"],
        ];
        for (const [table, column] of widen) {
          await db.schema.alterTable(table).alterColumn(column, (c) => c.setDataType("varchar(200)")).execute();
        }
        await db.schema.alterTable("users").alterColumn("password_hash", (c) => c.setDataType("text")).execute();
        await db.schema.alterTable("password_history").alterColumn("password_hash", (c) => c.setDataType("text")).execute();
        await db.schema.alterTable("users").dropConstraint("users_org_username").execute();
        await db.schema.alterTable("users").addColumn("email", "varchar(320)").execute();
      }
      await refuseCaseDuplicates(db);
      await sql`CREATE UNIQUE INDEX users_org_username_key ON users (org_id, lower(username)) WHERE state <> 'deleted'`.execute(db);
      await db.schema.alterTable("orgs").addColumn("is_default", "integer", (c) => c.notNull().defaultTo(0)).execute();
      await sql`CREATE UNIQUE INDEX orgs_one_default ON orgs (is_default) WHERE is_default = 1`.execute(db);
    },
  },
  // Forgotten passwords: one reset code per user (its hash only), the mail
  // outbox every process sends from, and ZITADEL's change_required flag.
  "0007_reset_codes_mail_outbox": {
    async up(db) {
      await db.schema.alterTable("users").addColumn("password_change_required", "integer", (c) => c.notNull().defaultTo(0)).execute();
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
    },
  },
  "0008_instance_id": {
    async up(db) {
      await db.schema
        .createTable("instance")
        .addColumn("slot", "integer", (c) => c.primaryKey())
        .addColumn("id", "varchar(20)", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
    },
  },
  // Sign-in: ZITADEL v2 sessions. The token is kept only as its SHA-256;
  // a session ends by its row's removal (deleted, or its user's password
  // changed, reset, locked or removed).
  "0009_sessions": {
    async up(db) {
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
    },
  },
  // The language of a user's mails (issue 27): a served language's primary subtag, or null.
  "0010_preferred_language": {
    async up(db) {
      await db.schema.alterTable("users").addColumn("preferred_language", "varchar(10)").execute();
    },
  },
};

/** Usernames that differ only in case in one organisation cannot become one name by themselves: say which. */
async function refuseCaseDuplicates(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ org_id: string; name: string }>`SELECT org_id, lower(username) AS name FROM users
    WHERE state <> 'deleted' GROUP BY org_id, lower(username) HAVING count(*) > 1`.execute(db);
  if (rows.length > 0) {
    const which = rows.slice(0, 5).map((r) => `"${r.name}" in organisation ${r.org_id}`).join(", ");
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

class CodeMigrations implements MigrationProvider {
  async getMigrations() {
    return migrations;
  }
}

/** Brings the schema up to date, or up to the migration named (for tests of upgrades); safe to run from several processes. */
export async function migrateToLatest(db: Kysely<any>, upTo?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new CodeMigrations() });
  const { error, results } = upTo === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(upTo);
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
