import type { Logger } from "pino";
import { ChangeEndpoint } from "./api/change-endpoint.js";
import { type Config, ConfigError, describeDatabase } from "./config.js";
import { ServiceError } from "./errors.js";
import { HashPool } from "./hash-pool.js";
import { BcryptHasher } from "./hashing.js";
import { IdGenerator } from "./ids.js";
import { DEFAULT_POLICY } from "./policy.js";
import { createHandler, listen, type RunningServer } from "./server.js";
import { openDatabase } from "./store/open-database.js";
import { Store } from "./store/store.js";
import { createAuthenticator } from "./tokens.js";

/**
 * Opens the store and brings its schema up to date. A database that cannot
 * be reached or logged into stops the start with one line naming it.
 */
export async function openStore(config: Config): Promise<Store> {
  const store = new Store(openDatabase(config.database), new IdGenerator());
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => {});
    if (err instanceof ServiceError && err.kind === "unavailable") {
      throw new ConfigError(`cannot open the database ${describeDatabase(config.database)}: ${reason(err.cause)}`);
    }
    throw err;
  }
  return store;
}

/** The driver's own words; a refused "localhost" is an AggregateError of one per address, with no message. */
function reason(err: unknown): string {
  const first = err instanceof AggregateError ? err.errors[0] : err;
  return (first as Error | undefined)?.message || String((first as NodeJS.ErrnoException | undefined)?.code ?? first);
}

/** One hash at start tells the pool how long an operation takes here, before any load. */
async function createHashPool(config: Config): Promise<HashPool> {
  const bcrypt = new BcryptHasher(config.bcryptCost);
  const started = performance.now();
  await bcrypt.hash("calibration");
  return new HashPool(bcrypt, config.threadPoolSize, config.hashQueueBudgetMs, performance.now() - started);
}

/** Wires the layers together and starts listening. */
export async function startService(config: Config, logger: Logger): Promise<RunningServer> {
  const store = await openStore(config);
  const hasher = await createHashPool(config);
  const endpoint = new ChangeEndpoint(
    await createAuthenticator(config.auth, store),
    { store, hasher, policy: DEFAULT_POLICY, now: () => new Date() },
    logger,
  );
  const server = await listen(config, createHandler(endpoint, config.maxBodyBytes), logger.child({
    bcryptCost: config.bcryptCost,
    threadPoolSize: config.threadPoolSize,
  }));
  return {
    port: server.port,
    async close() {
      await server.close();
      await store.close();
    },
  };
}
