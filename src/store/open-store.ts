import fs from "node:fs";
import type { Logger } from "pino";
import { type Config, ConfigError, type DatabaseConfig, describeDatabase } from "../config.js";
import { ServiceError } from "../core/errors.js";
import { IdGenerator } from "../core/ids.js";
import { openDatabase } from "./open-database.js";
import { Store } from "./store.js";

/**
 * Opens the store and brings its schema up to date. A database that cannot
 * be reached or logged into stops the start with one line naming it. Without
 * `create`, a SQLite file that is not there is such a database too.
 */
export async function openStore(config: Config, logger?: Logger, { create = true } = {}): Promise<Store> {
  return (await openMigrated(config, logger, { create })).store;
}

/** As openStore, with the names of the migrations this opening applied. */
export async function openMigrated(config: Config, logger?: Logger, { create = true } = {}): Promise<{ store: Store; applied: string[] }> {
  if (!create) requireExisting(config.database);
  const connectionLost = (err: Error) => logger?.warn({ err }, "a PostgreSQL connection failed; the pool opens a new one");
  const store = new Store(openDatabase(config.database, connectionLost), new IdGenerator());
  try {
    return { store, applied: await store.migrate() };
  } catch (err) {
    await store.close().catch(() => {});
    if (err instanceof ServiceError && err.kind === "unavailable") {
      throw new ConfigError(`cannot open the database ${describeDatabase(config.database)}: ${reason(err.cause)}`);
    }
    throw err;
  }
}

/**
 * SQLite makes the file it is asked to open: a mistyped DATA_DIR, or a
 * command run from another folder, would read an empty database and print
 * nothing. PostgreSQL refuses a database that is not there by itself.
 */
function requireExisting(database: DatabaseConfig): void {
  if (database.kind === "sqlite" && !fs.existsSync(database.path)) {
    throw new ConfigError(`no database at ${database.path}: check DATA_DIR or DATABASE_URL, or run \`password-service migrate\` to make one`);
  }
}

/** The driver's own words; a refused "localhost" is an AggregateError of one per address, with no message. */
function reason(err: unknown): string {
  const first = err instanceof AggregateError ? err.errors[0] : err;
  return (first as Error | undefined)?.message || String((first as NodeJS.ErrnoException | undefined)?.code ?? first);
}
