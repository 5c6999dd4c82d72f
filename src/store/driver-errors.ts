import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from "kysely";
import { errors, ServiceError } from "../core/errors.js";

/**
 * Wraps a dialect so that every driver error a caller may act on leaves the
 * store as the service's own error, the same on both backends: a lost or
 * unreachable database as Unavailable, a lost race for a user's next
 * sequence number or a serialisable snapshot as Aborted. Anything else
 * passes through unchanged: another unique key that is taken (an ID, a
 * name) is not a concurrent change of a password, and says so in its own
 * words to the log.
 */
export function translatingErrors(dialect: Dialect): Dialect {
  return {
    createDriver: () => new TranslatingDriver(dialect.createDriver()),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}

/** The translated error keeps the driver's own as `cause`, for logs and startup messages. */
export function translate(err: unknown, connecting = false): unknown {
  if (err instanceof ServiceError) return err;
  if (connecting || isUnavailable(err)) return withCause(errors.databaseUnavailable(), err);
  if (isConflict(err)) return withCause(errors.concurrentChange(), err);
  return err;
}

function withCause(error: ServiceError, cause: unknown): ServiceError {
  return Object.assign(error, { cause });
}

/** PostgreSQL SQLSTATEs and socket codes meaning "no database to talk to now". */
const UNAVAILABLE_CODES = new Set([
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up or shutting down)
  "53300", // too_many_connections
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** pg reports a connection lost mid-query by message alone. */
const UNAVAILABLE_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|Postgres connection has been discarded|timeout exceeded when trying to connect|Query read timeout)/;

function isUnavailable(err: unknown): boolean {
  const code = codeOf(err);
  if (code && (UNAVAILABLE_CODES.has(code) || code.startsWith("08"))) return true; // class 08: connection exception
  // SQLite: another process held the lock past busy_timeout, or the disk failed.
  if (code && /^SQLITE_(BUSY|IOERR|CANTOPEN|FULL)/.test(code)) return true;
  return err instanceof Error && UNAVAILABLE_MESSAGES.test(err.message);
}

/** The key of a user's event log: taken, it means another change of the user committed first. */
const EVENT_KEY = { constraint: "events_user_sequence", sqliteMessage: "UNIQUE constraint failed: events.user_id, events.sequence" };

function isConflict(err: unknown): boolean {
  const code = codeOf(err);
  if (code === "40001" || code === "40P01") return true; // serialization_failure, deadlock_detected
  if (code === "23505") return (err as { constraint?: unknown }).constraint === EVENT_KEY.constraint; // unique_violation
  if (code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE") {
    return err instanceof Error && err.message === EVENT_KEY.sqliteMessage;
  }
  return false;
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

async function translated<T>(work: () => Promise<T>, connecting = false): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw translate(err, connecting);
  }
}

/** Hands the inner driver its own connection objects back; only their errors change. */
class TranslatingDriver implements Driver {
  private readonly inner = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(private readonly driver: Driver) {}

  init() {
    return translated(() => this.driver.init(), true);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // Whatever stops us getting a connection (refused, auth, no such database) is unavailability.
    const connection = await translated(() => this.driver.acquireConnection(), true);
    const wrapped: DatabaseConnection = {
      executeQuery: <R>(query: CompiledQuery) => translated<QueryResult<R>>(() => connection.executeQuery<R>(query)),
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => connection.streamQuery<R>(query, chunkSize),
    };
    this.inner.set(wrapped, connection);
    return wrapped;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    return translated(() => this.driver.beginTransaction(this.unwrap(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection) {
    return translated(() => this.driver.commitTransaction(this.unwrap(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection) {
    return translated(() => this.driver.rollbackTransaction(this.unwrap(connection)));
  }

  releaseConnection(connection: DatabaseConnection) {
    return this.driver.releaseConnection(this.unwrap(connection));
  }

  destroy() {
    return this.driver.destroy();
  }

  private unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.inner.get(connection) ?? connection;
  }
}
