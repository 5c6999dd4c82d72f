import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import * as m0001 from "./migrations/0001_users_and_events.js";
import * as m0002 from "./migrations/0002_policies_history_revocation_audit.js";
import * as m0003 from "./migrations/0003_signing_keys.js";
import * as m0004 from "./migrations/0004_check_lease_hash_form_audit_count.js";
import * as m0005 from "./migrations/0005_policy_sequence.js";
import * as m0006 from "./migrations/0006_imported_users.js";
import * as m0007 from "./migrations/0007_reset_codes_mail_outbox.js";
import * as m0008 from "./migrations/0008_instance_id.js";
import * as m0009 from "./migrations/0009_sessions.js";
import * as m0010 from "./migrations/0010_preferred_language.js";

/**
 * Every migration, in order, by the name a database records it under: one
 * file each in migrations/, named as here. Never edit or rename one that has
 * shipped; add the next. Portable types only (no autoincrement, booleans as
 * 0/1 integers), so that each runs on SQLite and PostgreSQL alike.
 */
const MIGRATIONS: [name: string, migration: Migration][] = [
  ["0001_users_and_events", m0001],
  ["0002_policies_history_revocation_audit", m0002],
  ["0003_signing_keys", m0003],
  ["0004_check_lease_hash_form_audit_count", m0004],
  ["0005_policy_sequence", m0005],
  ["0006_imported_users", m0006],
  ["0007_reset_codes_mail_outbox", m0007],
  ["0008_instance_id", m0008],
  ["0009_sessions", m0009],
  ["0010_preferred_language", m0010],
];

/** The list above, as Kysely's Migrator asks for it: imported, not read from the folder, so that the sources (tsx) and dist/ run the same. */
class CodeMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(MIGRATIONS);
  }
}

/** Brings the schema up to date, or up to the migration named (for tests of upgrades); safe to run from several processes. */
export async function migrateToLatest(db: Kysely<any>, upTo?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new CodeMigrations() });
  const { error, results } = upTo === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(upTo);
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
