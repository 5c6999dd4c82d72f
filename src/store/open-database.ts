import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import SQLite from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase,
  type SqliteDialectConfig,
  SqliteDriver,
} from "kysely";
import type pg from "pg";
import { ConfigError, type DatabaseConfig } from "../config.js";
import { translatingErrors } from "./driver-errors.js";
import type { Database } from "./schema.js";

/** Bounds on waiting for PostgreSQL, so a lost server answers Unavailable instead of hanging. */
const PG_CONNECT_TIMEOUT_MS = 5_000;
const PG_QUERY_TIMEOUT_MS = 10_000;
const PG_POOL_SIZE = 10;
const PG_INT8_OID = 20;
/** Distinct SQL texts kept compiled; the store has a few dozen. */
const MAX_CACHED_STATEMENTS = 500;

/**
 * The Kysely instance for either backend; nothing is sent to the database
 * yet. `connectionLost` hears of PostgreSQL connections that fail between queries.
 */
export function openDatabase(database: DatabaseConfig, connectionLost: (err: Error) => void = () => {}): Kysely<Database> {
  const dialect = database.kind === "sqlite" ? sqliteDialect(database.path) : postgresDialect(database.url, connectionLost);
  return new Kysely<Database>({ dialect: translatingErrors(dialect) });
}

/**
 * Opens (creating if needed) the SQLite file in WAL mode. It holds hashes and
 * the self-issuer's private key: a folder it creates is 0700 and the file
 * 0600, and SQLite gives its -wal and -shm files the database file's mode.
 */
function sqliteDialect(file: string): Dialect {
  makeFolders(path.dirname(file));
  fs.closeSync(fs.openSync(file, "a", 0o600));
  const database = new SQLite(file);
  database.pragma("journal_mode = WAL");
  // better-sqlite3 runs on the event loop: an fsync on every commit would
  // stall every request behind it. In WAL mode NORMAL still survives a
  // crash of the process (kill -9); only a power loss can lose the last
  // commits before a checkpoint.
  database.pragma("synchronous = NORMAL");
  // Other processes (the CLI beside a running server) wait for a lock instead of failing.
  database.pragma("busy_timeout = 5000");
  database.pragma("foreign_keys = ON");
  return new ImmediateSqliteDialect({ database: cachingStatements(database) });
}

/**
 * Makes a folder and its missing parents, 0700, one level at a time: Node's
 * recursive mkdir loops forever, at full CPU, under a parent where no folder
 * can be made (/proc/x), where each level here fails with its own code.
 */
function makeFolders(dir: string): void {
  if (fs.existsSync(dir)) return;
  makeFolders(path.dirname(dir)); // ends at the root, which exists
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return; // another process made it meanwhile
    throw new ConfigError(`cannot make the folder ${dir} for the database (${code}): DATA_DIR or DATABASE_URL names a place where folders cannot be made`);
  }
}

/**
 * Kysely prepares every query anew, and better-sqlite3 compiles SQL on each
 * prepare, on the event loop: the same text gets the statement compiled for
 * it before. Safe because Kysely runs one query at a time on the connection.
 */
function cachingStatements(database: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= MAX_CACHED_STATEMENTS) statements.clear();
        statement = database.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Every transaction here writes. Taking the write lock at BEGIN lets
 * busy_timeout queue writers of other processes; a deferred BEGIN that reads
 * first would fail at once (SQLITE_BUSY_SNAPSHOT) if another process wrote
 * in between.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly config: SqliteDialectConfig) {
    super(config);
  }

  createDriver() {
    return new ImmediateSqliteDriver(this.config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

/** The SQLite files that users other than the owner may read or write. */
export function exposedFiles(database: DatabaseConfig): string[] {
  if (database.kind !== "sqlite") return [];
  const file = database.path;
  return [file, `${file}-wal`, `${file}-shm`].filter((p) => {
    try {
      return (fs.statSync(p).mode & 0o077) !== 0;
    } catch {
      return false; // not there
    }
  });
}

/**
 * pg is loaded here, not at import: about 30 modules and 0.1 s of CPU that a
 * SQLite process (each CLI command on a laptop among them) does not need.
 */
function loadPg(): typeof pg {
  return createRequire(import.meta.url)("pg") as typeof pg;
}

function postgresDialect(url: string, connectionLost: (err: Error) => void): Dialect {
  const { Pool, types } = loadPg();
  const pool = new Pool({
    connectionString: url,
    max: PG_POOL_SIZE,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    query_timeout: PG_QUERY_TIMEOUT_MS,
    keepAlive: true,
    // bigint columns hold epoch milliseconds and sequences, far below 2^53:
    // read them as numbers, as SQLite gives them, not pg's default strings.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === PG_INT8_OID ? Number : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
    },
  });
  // A connection the server drops (restart, outage) errors as an event, idle
  // or between a transaction's statements; unheard, it would end the process.
  // The query in flight fails on its own, the pool discards the connection
  // when it comes back, and the next query reconnects. The operator hears of it.
  pool.on("error", connectionLost);
  pool.on("connect", (client) => client.on("error", connectionLost));
  return new PostgresDialect({ pool });
}
