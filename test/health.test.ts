import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { Health } from "../src/api/health.js";
import { Service } from "./support/service.js";
import { bufCurlGrpc, spawnBuf } from "./support/tools.js";

describe("health: gRPC's standard service and the HTTP probes", () => {
  let service: Service;
  before(async () => {
    service = await Service.start();
  });
  after(() => service.stop());

  it("answers /healthz and /readyz", async () => {
    const live = await fetch(`${service.url}/healthz`);
    assert.equal(live.status, 200);
    assert.deepEqual(await live.json(), { status: "ok" });
    const ready = await fetch(`${service.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: "ready" });
  });

  it("answers Check for the server and for each service, found by reflection (buf curl)", async () => {
    for (const name of [
      "",
      "zitadel.auth.v1.AuthService",
      "zitadel.settings.v2.SettingsService",
      "zitadel.session.v2.SessionService",
      "passwordservice.v1.PasswordService",
    ]) {
      const run = await bufCurlGrpc(["-d", JSON.stringify({ service: name }), `${service.url}/grpc.health.v1.Health/Check`]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), { status: "SERVING" }, name || "overall");
    }
  });

  it("answers NOT_FOUND for an unknown service, as the health protocol says", async () => {
    const run = await bufCurlGrpc(["-d", '{"service":"no.such.Service"}', `${service.url}/grpc.health.v1.Health/Check`]);
    assert.notEqual(run.code, 0);
    assert.equal(JSON.parse(run.stderr).code, "not_found");
  });

  it("lists every service's status", async () => {
    const run = await bufCurlGrpc(["-d", "{}", `${service.url}/grpc.health.v1.Health/List`]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      statuses: {
        "": { status: "SERVING" },
        "zitadel.auth.v1.AuthService": { status: "SERVING" },
        "zitadel.settings.v2.SettingsService": { status: "SERVING" },
        "zitadel.user.v2.UserService": { status: "SERVING" },
        "zitadel.session.v2.SessionService": { status: "SERVING" },
        "passwordservice.v1.PasswordService": { status: "SERVING" },
      },
    });
  });
});

describe("Watch while the service shuts down", () => {
  it("streams SERVING, then NOT_SERVING when the service is told to stop, then ends", async () => {
    const service = await Service.start();
    try {
      const overall = spawnBuf(["curl", "--protocol", "grpc", "--http2-prior-knowledge", "-d", "{}", `${service.url}/grpc.health.v1.Health/Watch`]);
      const unknown = spawnBuf([
        "curl",
        "--protocol",
        "grpc",
        "--http2-prior-knowledge",
        "-d",
        '{"service":"nope"}',
        `${service.url}/grpc.health.v1.Health/Watch`,
      ]);
      await overall.next(/"SERVING"/);
      await unknown.next(/"SERVICE_UNKNOWN"/);
      const ended = new Promise((resolve) => overall.child.once("exit", resolve));
      await service.stop();
      assert.equal(await ended, 0, "the stream ends with OK");
      assert.deepEqual(
        overall.lines.filter((l) => l.includes('"status"')).map((l) => l.trim()),
        ['"status": "SERVING"', '"status": "NOT_SERVING"'],
      );
      unknown.child.kill();
    } finally {
      await service.stop();
    }
  });
});

describe("readiness", () => {
  const logger = pino({ level: "silent" });

  it("is not ready while shutting down", async () => {
    const health = new Health({ findUser: async () => undefined }, [], logger, 10);
    assert.deepEqual(await health.readiness(), { ready: true });
    health.beginShutdown();
    assert.deepEqual(await health.readiness(), { ready: false, reason: "shutting down" });
  });

  it("is not ready when the database does not answer", async () => {
    const health = new Health({ findUser: async () => Promise.reject(new Error("SQLITE_BUSY")) }, [], logger, 10);
    assert.deepEqual(await health.readiness(), { ready: false, reason: "database not answering" });
  });
});

describe("Watch", () => {
  const logger = pino({ level: "silent" });

  /** Health's Watch handler, as connect-node calls it. */
  function watch(health: Health, signal: AbortSignal): AsyncGenerator<{ status: number }> {
    return (health as unknown as { watch(service: string, signal: AbortSignal): AsyncGenerator<{ status: number }> }).watch("", signal);
  }

  it("asks the database once a second for all watchers together, and caps how many watch", { timeout: 20_000 }, async () => {
    let queries = 0;
    const health = new Health({ findUser: async () => void queries++ }, [], logger, 20);
    const stop = new AbortController();
    const watchers = Array.from({ length: 20 }, () => watch(health, stop.signal));
    for (const w of watchers) assert.deepEqual((await w.next()).value, { status: 1 }, "SERVING at once");
    await assert.rejects(watch(health, stop.signal).next(), (err: Error) => /at most 20 health watches/.test(err.message));
    const before = queries;
    await new Promise((resolve) => setTimeout(resolve, 3500));
    // One poller: about three more queries in 3.5 s, where a poll per watcher would be sixty.
    assert.ok(queries - before <= 5, `${queries - before} queries`);
    stop.abort();
    for (const w of watchers) await w.return(undefined);
    health.beginShutdown();
  });
});
