import type { Logger } from "pino";
import { ChangeEndpoint } from "./api/change-endpoint.js";
import type { Config } from "./config.js";
import { HashPool } from "./hash-pool.js";
import { BcryptHasher } from "./hashing.js";
import { IdGenerator } from "./ids.js";
import { RangeApiBreachedPasswords } from "./breached.js";
import { CachedPolicies } from "./policy.js";
import { RevocationCheck } from "./revocation.js";
import { createHandler, listen, type RunningServer } from "./server.js";
import { openSqliteStore, type Store } from "./store/store.js";
import { sleep } from "./tarpit.js";
import { createAuthenticator, createIssuer } from "./tokens.js";

/** Opens the store and brings its schema up to date. */
export async function openStore(config: Config): Promise<Store> {
  const store = openSqliteStore(config.sqlitePath, new IdGenerator());
  await store.migrate();
  return store;
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
    await createAuthenticator(config.auth, config.dataDir),
    {
      store,
      audit: store,
      hasher,
      policies: new CachedPolicies(store, config.policyCacheMs),
      breached: new RangeApiBreachedPasswords(config.breached.url, config.breached.timeoutMs),
      revocation: config.tokenRevocation,
      now: () => new Date(),
      sleep,
    },
    logger,
    new RevocationCheck(store),
    config.tokenRevocation === "all" && config.auth.mode === "self" ? await createIssuer(config.auth, config.dataDir) : undefined,
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
