import http from "node:http";
import type net from "node:net";
import type { Logger } from "pino";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { PasswordHasher } from "./change-password.js";

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
    help: "Password change attempts by outcome: changed, wrong_old_password, policy_refused, locked, overloaded, or another refusal.",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  readonly bcryptDuration = new Histogram({
    name: "password_service_bcrypt_duration_seconds",
    help: "Time a bcrypt hash or verify took, waiting for a thread-pool slot included.",
    labelNames: ["operation"] as const,
    // bcrypt cost 10..16 takes from ~50 ms to several seconds.
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
    registers: [this.registry],
  });

  readonly hashQueueDepth = new Gauge({
    name: "password_service_hash_queue_depth",
    help: "bcrypt operations started and not yet finished: running on the thread pool or waiting for it.",
    registers: [this.registry],
  });

  constructor() {
    // Process metrics (CPU, memory, file descriptors), the event-loop lag, GC and heap.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
  }
}

/** The hasher, timing each operation and counting those in flight. */
export function instrumentHasher(hasher: PasswordHasher, metrics: Metrics): PasswordHasher {
  const timed = async <T>(operation: "hash" | "verify", run: () => Promise<T>): Promise<T> => {
    metrics.hashQueueDepth.inc();
    const stop = metrics.bcryptDuration.startTimer({ operation });
    try {
      return await run();
    } finally {
      stop();
      metrics.hashQueueDepth.dec();
    }
  };
  return {
    hash: (password) => timed("hash", () => hasher.hash(password)),
    verify: (password, hash) => timed("verify", () => hasher.verify(password, hash)),
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
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as net.AddressInfo).port;
  logger.info({ port: bound }, `metrics on http://${host ?? "localhost"}:${bound}/metrics`);
  return {
    port: bound,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
