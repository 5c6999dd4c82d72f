import type { Logger } from "pino";
import { SessionEndpoint } from "./api/session-endpoint.js";
import { wantsUpgrade } from "./crypto/imported-hash.js";
import { hashFamily } from "./store/user-admin.js";
import { ChangeEndpoint } from "./api/change-endpoint.js";
import { Gate } from "./api/gate.js";
import { PolicyEndpoint } from "./api/policy-endpoint.js";
import { API, apiHandlers } from "./api/services.js";
import { UserEndpoint } from "./api/user-endpoint.js";
import type { Config } from "./config.js";
import { errors } from "./core/errors.js";
import { HashPool, UserAdmission } from "./crypto/hash-pool.js";
import { BcryptHasher } from "./crypto/hashing.js";
import { Health } from "./api/health.js";
import { Metrics, serveMetrics, timeBcrypt, watchHashPool } from "./ops/metrics.js";
import { RangeApiBreachedPasswords } from "./core/breached.js";
import { MailComposer } from "./mail/mail.js";
import { OutboxSender, smtpDeliver } from "./mail/sender.js";
import { CachedPolicies } from "./core/policy.js";
import { PerUserRate } from "./core/rate-limit.js";
import { RevocationCheck } from "./core/revocation.js";
import { createHandler } from "./http/pipeline.js";
import { listen, type RunningServer } from "./http/server.js";
import { exposedFiles } from "./store/open-database.js";
import { openStore } from "./store/open-store.js";
import { sleep } from "./core/tarpit.js";
import { CheckLine } from "./core/check-line.js";
import { logStartup } from "./ops/startup-log.js";
import { createAuthenticator, createIssuer, IssuerKeys } from "./crypto/tokens.js";
import { WebPage } from "./web/page.js";
import { AccountPage, accountSettings } from "./web/account.js";
import { OidcClient } from "./web/oidc.js";

/** One hash at start tells the pool how long an operation takes here, before any load. */
async function createHashPool(config: Config, metrics: Metrics): Promise<HashPool> {
  const bcrypt = new BcryptHasher(config.bcryptCost);
  const started = performance.now();
  await bcrypt.hash("calibration");
  const pool = new HashPool(timeBcrypt(bcrypt, metrics), config.hashConcurrency, config.hashQueueBudgetMs, performance.now() - started);
  watchHashPool(metrics, pool);
  return pool;
}

/** Wires the layers together and starts listening. */
export async function startService(config: Config, logger: Logger): Promise<RunningServer> {
  const store = await openStore(config, logger);
  for (const file of exposedFiles(config.database)) {
    logger.warn({ file }, `${file} can be read or written by other users of this machine: it holds password hashes and the signing key; chmod 600 it`);
  }
  const metrics = new Metrics();
  const hasher = await createHashPool(config, metrics);
  const issuerKeys = config.auth.mode === "jwks" ? new IssuerKeys(config.auth.jwksUrl, config.auth.jwks, logger) : undefined;
  // A session's token is a bearer too, as ZITADEL's are.
  const authenticator = await createAuthenticator(config.auth, store.signingKeys, logger, issuerKeys, store.sessions);
  const revocation = new RevocationCheck(store.users);
  const policies = new CachedPolicies(store.policies, config.policyCacheMs);
  const breached = new RangeApiBreachedPasswords(config.breached.url, config.breached.timeoutMs);
  const sender = config.mail ? new OutboxSender(store.outbox, smtpDeliver(config.mail.smtpUrl), config.mail, logger) : undefined;
  const mail = new MailComposer(config.mail !== undefined, {
    notifyPasswordChanged: config.mail?.notifyPasswordChanged ?? false,
    codeTtlSeconds: config.reset.codeTtlSeconds,
    queued: () => void sender?.wake(),
  });
  const auditFailed = (err: unknown) => logger.warn({ err }, "an audit event of a refused change could not be written");
  const changes = {
    store: store.users,
    audit: store.audit,
    hasher,
    policies,
    breached,
    revocation: config.tokenRevocation,
    now: () => new Date(),
    sleep,
    checkWaitMs: config.hashQueueBudgetMs,
    checkLeaseMs: config.checkLeaseMs,
    checkLine: new CheckLine(),
    auditFailed,
    notices: mail,
  };
  // One admission for every API: a user's limit holds whichever call the requests come by.
  const admission = new UserAdmission(config.userConcurrency, config.tokenConcurrency);
  const gate = new Gate(authenticator, revocation, logger);
  const endpoint = new ChangeEndpoint(
    gate,
    changes,
    admission,
    config.tokenRevocation === "all" && config.auth.mode === "self" ? await createIssuer(config.auth, store.signingKeys) : undefined,
  );
  const { reset } = config;
  // Each reset may mail its user: no caller can flood a mailbox.
  const resetRate = new PerUserRate(reset.rate.perHour / 60, reset.rate.burst, config.rateLimitMaxTracked, Date.now, errors.resetRateLimited);
  const resets = {
    ...changes,
    resetCodes: store.resetCodes,
    mail,
    codes: { ttlMs: reset.codeTtlSeconds * 1000, length: reset.codeLength, urlTemplate: reset.urlTemplate },
    limitResets: (userId: string) => resetRate.take(userId),
  };
  const users = new UserEndpoint(gate, changes, resets, admission);
  const sessionDeps = {
    ...changes,
    sessions: store.sessions,
    wantsUpgrade: (hash: string) => wantsUpgrade(hash, config.bcryptCost),
    familyOf: hashFamily,
    upgraded: (family: string) => metrics.hashUpgrades.inc({ from: family }),
    upgradeFailed: (err: unknown) => logger.warn({ err }, "a successful sign-in's hash could not be upgraded; the old hash stays"),
    admit: (userId: string, key: string) => admission.enter(userId, key),
    maxMetadataKeys: config.sessionLimits.metadataKeys,
  };
  const sessions = new SessionEndpoint(gate, sessionDeps, config.sessionLimits);
  const policyDeps = {
    users: store.users,
    orgs: store.orgs,
    policies,
    breached,
    instancePolicy: () => store.policies.instancePolicy(),
    instanceId: () => store.orgs.instanceId(),
  };
  const policyReads = new PolicyEndpoint(
    gate,
    policyDeps,
    new PerUserRate(config.validateRate.perMinute, config.validateRate.burst, config.rateLimitMaxTracked),
  );
  const health = new Health(
    store.users,
    Object.values(API).map((s) => s.typeName),
    logger,
    config.healthWatchLimit,
    issuerKeys,
  );
  // Metrics first: a port taken there stops the start before the API is exposed.
  const metricsServer = config.metricsPort ? await serveMetrics(metrics, config.metricsPort, config.metricsHost, logger) : undefined;
  const page = config.webUi
    ? new WebPage(logger, (headers) => {
        const oidc = config.oidc && new OidcClient(config.oidc, logger);
        return new AccountPage({ gate, change: endpoint, sessions: sessionDeps, resets, policies: policyDeps, logger, oidc }, accountSettings(config), headers);
      })
    : undefined;
  logStartup(config, logger);
  const handlers = apiHandlers({ change: endpoint, policies: policyReads, users, sessions });
  const handler = createHandler({ handlers, health, page, config, logger, metrics });
  const server = await listen(
    config,
    handler,
    logger.child({
      bcryptCost: config.bcryptCost,
      threadPoolSize: config.threadPoolSize,
      hashConcurrency: config.hashConcurrency,
    }),
  );
  sender?.start();
  return {
    port: server.port,
    async close() {
      health.beginShutdown(); // probes and health watchers learn it first
      await server.close();
      await sender?.stop(); // a mail on its way is marked before the database closes
      await metricsServer?.close();
      await store.close();
    },
  };
}
