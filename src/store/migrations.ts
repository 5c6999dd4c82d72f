import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";

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
};

class CodeMigrations implements MigrationProvider {
  async getMigrations() {
    return migrations;
  }
}

/** Brings the schema up to date; safe to run from several processes. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new CodeMigrations() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
