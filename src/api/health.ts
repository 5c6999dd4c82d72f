import { EventEmitter, on } from "node:events";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import type { Logger } from "pino";
import { Health as HealthService, HealthCheckResponse_ServingStatus as Status } from "../../gen/grpc/health/v1/health_pb.js";
import type { UserStore } from "../core/user-store.js";
import type { NodeResponse } from "./node-types.js";

/** How often the Watch poller re-checks; a status change reaches watchers within this time. */
const WATCH_INTERVAL_MS = 1_000;
/** A user ID no user has (IDs are time-ordered and far larger): looking it up only asks the database to answer. */
const PROBE_USER_ID = "0";

export interface Readiness {
  ready: boolean;
  reason?: "shutting down" | "database not answering" | "token issuer's keys cannot be fetched";
}

/**
 * Liveness and readiness, for Kubernetes-style probes (`/healthz`,
 * `/readyz`) and for gRPC's standard health service. Ready means the
 * database answers and the service is not shutting down.
 */
export class Health {
  private readonly shutdown = new AbortController();
  /** One poller for every Watch: it emits "change" when readiness changes. */
  private readonly changes = new EventEmitter().setMaxListeners(0);
  private watchers = 0;
  private poller?: NodeJS.Timeout;
  private lastReady?: boolean;

  constructor(
    private readonly store: Pick<UserStore, "findUser">,
    /** Names a health check may ask about; "" is the server as a whole. */
    private readonly services: string[],
    private readonly logger: Logger,
    /** Watch streams open at once at most; more are refused with 8. */
    private readonly maxWatchers: number,
    /** An external token issuer's keys: without them no request can be served. */
    private readonly issuerKeys?: { usable(): Promise<boolean> },
  ) {}

  /** From now on the service reports not ready, and every Watch ends after saying so. */
  beginShutdown(): void {
    this.shutdown.abort();
    this.stopPolling();
  }

  async readiness(): Promise<Readiness> {
    if (this.shutdown.signal.aborted) return { ready: false, reason: "shutting down" };
    try {
      await this.store.findUser(PROBE_USER_ID);
    } catch (err) {
      this.logger.warn({ err }, "readiness: the database does not answer");
      return { ready: false, reason: "database not answering" };
    }
    if (this.issuerKeys && !(await this.issuerKeys.usable())) return { ready: false, reason: "token issuer's keys cannot be fetched" };
    return { ready: true };
  }

  /** Every service is served by this one process and its one database, so each has the overall status. */
  private async status(service: string): Promise<Status> {
    if (service !== "" && !this.services.includes(service)) return Status.SERVICE_UNKNOWN;
    return this.statusOf(service, (await this.readiness()).ready);
  }

  private statusOf(service: string, ready: boolean): Status {
    if (service !== "" && !this.services.includes(service)) return Status.SERVICE_UNKNOWN;
    return ready ? Status.SERVING : Status.NOT_SERVING;
  }

  /** grpc.health.v1.Health: Check, List and Watch. */
  routes(router: ConnectRouter): void {
    router.service(HealthService, {
      check: async (req) => {
        const status = await this.status(req.service);
        if (status === Status.SERVICE_UNKNOWN) throw new ConnectError(`unknown service ${req.service}`, Code.NotFound);
        return { status };
      },
      list: async () => {
        const statuses: Record<string, { status: Status }> = {};
        for (const name of ["", ...this.services]) statuses[name] = { status: await this.status(name) };
        return { statuses };
      },
      watch: (req, ctx) => this.watch(req.service, ctx.signal),
    });
  }

  /**
   * Streams the status at once and then each change of it. However many
   * watch, one poller asks the database, once a second, and only while
   * someone watches.
   */
  private async *watch(service: string, clientGone: AbortSignal) {
    if (this.watchers >= this.maxWatchers) {
      throw new ConnectError(`at most ${this.maxWatchers} health watches at once`, Code.ResourceExhausted);
    }
    this.watchers++;
    this.startPolling();
    const stop = AbortSignal.any([clientGone, this.shutdown.signal]);
    try {
      // While others watch, the poller's last answer; a first watcher asks once itself.
      let last = this.lastReady === undefined ? await this.status(service) : this.statusOf(service, this.lastReady);
      yield { status: last };
      try {
        for await (const [ready] of on(this.changes, "change", { signal: stop })) {
          const status = this.statusOf(service, ready as boolean);
          if (status !== last) yield { status };
          last = status;
        }
      } catch {
        // stopped: the client left or the service is shutting down
      }
      const final = this.statusOf(service, false);
      if (this.shutdown.signal.aborted && !clientGone.aborted && last !== final) yield { status: final };
    } finally {
      if (--this.watchers === 0) this.stopPolling();
    }
  }

  private startPolling(): void {
    if (this.poller || this.shutdown.signal.aborted) return;
    this.poller = setInterval(async () => {
      const { ready } = await this.readiness();
      if (ready !== this.lastReady) this.changes.emit("change", ready);
      this.lastReady = ready;
    }, WATCH_INTERVAL_MS);
  }

  private stopPolling(): void {
    clearInterval(this.poller);
    this.poller = undefined;
    this.lastReady = undefined;
  }

  /** `GET /healthz`: the process is alive and answers. */
  liveness(res: NodeResponse): void {
    sendJson(res, 200, { status: "ok" });
  }

  /** `GET /readyz`: 200 when ready, 503 with the reason when not. */
  async readinessProbe(res: NodeResponse): Promise<void> {
    const { ready, reason } = await this.readiness();
    sendJson(res, ready ? 200 : 503, ready ? { status: "ready" } : { status: "not ready", reason });
  }
}

export function sendJson(res: NodeResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json), "cache-control": "no-store" });
  res.end(json);
}
