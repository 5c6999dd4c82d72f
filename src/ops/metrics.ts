import http from "node:http";
import type net from "node:net";
import type { Logger } from "pino";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { HashOps } from "../crypto/hash-pool.js";
import { bindPort } from "./bind-port.js";

/**
 * How often the lag percentiles (`nodejs_eventloop_lag_p50_seconds`, …) are
 * sampled: Node's monitorEventLoopDelay wakes the event loop at this
 * interval, busy or not. At prom-client's default of 10 ms those were 100
 * wake-ups a second, about three a sign-in at the bcrypt bound, and each
 * costs the main thread its cold caches: 10 a second cut its CPU a sign-in
 * by about 0.5 ms (docs/performance.md). A stall shorter than this is still
 * caught in proportion to its length; `nodejs_eventloop_lag_seconds` itself
 * is measured at each scrape and is unchanged.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

/** Every metric the service exports, on a registry of its own. */
export class Metrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: "password_service_requests_total",
    help: "Requests answered, by RPC (or HTTP route), protocol and gRPC status code.",
    labelNames: ["rpc", "protocol", "code"] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: "password_service_request_duration_seconds",
    help: "Time from a request's arrival to the end of its response, by RPC and protocol.",
    labelNames: ["rpc", "protocol"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly passwordChanges = new Counter({
    name: "password_service_password_changes_total",
    help: "Password change attempts by outcome: changed, wrong_old_password, policy_refused, locked, overloaded, unavailable (a dependency is down), or another refusal.",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  readonly hashUpgrades = new Counter({
    name: "password_service_hash_upgrades_total",
    help: "Stored hashes replaced by bcrypt at the current cost after a successful sign-in, by the family replaced.",
    labelNames: ["from"] as const,
    registers: [this.registry],
  });

  readonly bcryptDuration = new Histogram({
    name: "password_service_bcrypt_duration_seconds",
    help: "Time a bcrypt hash or verify took once started in the hash pool.",
    labelNames: ["operation"] as const,
    // bcrypt cost 10..16 takes from ~50 ms to several seconds.
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
    registers: [this.registry],
  });

  constructor() {
    // Process metrics (CPU, memory, file descriptors), the event-loop lag, GC and heap.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  }
}

/** The hash pool's queue and running operations, read at each scrape. */
export function watchHashPool(metrics: Metrics, pool: { depth: { active: number; queued: number } }): void {
  new Gauge({
    name: "password_service_hash_queue_depth",
    help: "bcrypt operations waiting for a slot in the hash pool.",
    registers: [metrics.registry],
    collect() {
      this.set(pool.depth.queued);
    },
  });
  new Gauge({
    name: "password_service_hash_active",
    help: "bcrypt operations running on the thread pool.",
    registers: [metrics.registry],
    collect() {
      this.set(pool.depth.active);
    },
  });
}

/** The raw bcrypt operations, each timed (the pool's queue wait not included). */
export function timeBcrypt(ops: HashOps, metrics: Metrics): HashOps {
  const timed = async <T>(operation: "hash" | "verify", run: () => Promise<T>): Promise<T> => {
    const stop = metrics.bcryptDuration.startTimer({ operation });
    try {
      return await run();
    } finally {
      stop();
    }
  };
  return {
    hash: (password) => timed("hash", () => ops.hash(password)),
    verify: (password, hash) => timed("verify", () => ops.verify(password, hash)),
  };
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * `GET /metrics` on a listener of its own, apart from the API's port, so that
 * it is exposed only where the operator chooses.
 */
export async function serveMetrics(metrics: Metrics, port: number, host: string | undefined, logger: Logger): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found; metrics are at /metrics\n");
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
      (err: Error) => {
        logger.error({ err }, "collecting metrics failed");
        res.writeHead(500, { "content-type": "text/plain" }).end("collecting metrics failed\n");
      },
    );
  });
  await bindPort(server, port, host, { setting: "METRICS_PORT", zero: "0 to turn metrics off" });
  const { address, port: bound } = server.address() as net.AddressInfo;
  const shown = address.includes(":") ? `[${address}]` : address;
  logger.info({ address, port: bound }, `metrics on http://${shown}:${bound}/metrics`);
  return {
    port: bound,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
