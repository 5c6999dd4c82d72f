import { setTimeout as sleep } from "node:timers/promises";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import type { Logger } from "pino";
import { Health as HealthService, HealthCheckResponse_ServingStatus as Status } from "../gen/grpc/health/v1/health_pb.js";
import type { UserStore } from "./change-password.js";
import type { NodeResponse } from "./http-types.js";

/** How often a Watch re-checks; a status change reaches watchers within this time. */
const WATCH_INTERVAL_MS = 1_000;
/** A user ID no user has (IDs are time-ordered and far larger): looking it up only asks the database to answer. */
const PROBE_USER_ID = "0";

export interface Readiness {
  ready: boolean;
  reason?: "shutting down" | "database not answering";
}

/**
 * Liveness and readiness, for Kubernetes-style probes (`/healthz`,
 * `/readyz`) and for gRPC's standard health service. Ready means the
 * database answers and the service is not shutting down.
 */
export class Health {
  private readonly shutdown = new AbortController();

  constructor(
    private readonly store: Pick<UserStore, "findUser">,
    /** Names a health check may ask about; "" is the server as a whole. */
    private readonly services: string[],
    private readonly logger: Logger,
  ) {}

  /** From now on the service reports not ready, and every Watch ends after saying so. */
  beginShutdown(): void {
    this.shutdown.abort();
  }

  async readiness(): Promise<Readiness> {
    if (this.shutdown.signal.aborted) return { ready: false, reason: "shutting down" };
    try {
      await this.store.findUser(PROBE_USER_ID);
      return { ready: true };
    } catch (err) {
      this.logger.warn({ err }, "readiness: the database does not answer");
      return { ready: false, reason: "database not answering" };
    }
  }

  /** Every service is served by this one process and its one database, so each has the overall status. */
  private async status(service: string): Promise<Status> {
    if (service !== "" && !this.services.includes(service)) return Status.SERVICE_UNKNOWN;
    return (await this.readiness()).ready ? Status.SERVING : Status.NOT_SERVING;
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

  private async *watch(service: string, clientGone: AbortSignal) {
    const stop = AbortSignal.any([clientGone, this.shutdown.signal]);
    let last: Status | undefined;
    for (;;) {
      const status = await this.status(service);
      if (status !== last) yield { status };
      last = status;
      if (stop.aborted) return;
      await sleep(WATCH_INTERVAL_MS, undefined, { signal: stop }).catch(() => undefined);
    }
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
