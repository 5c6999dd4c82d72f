import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, it } from "node:test";
import { getMetricsFromIterator, type PromMetrics } from "prom2javascript";
import { bearer, connectJson, grpcJs, grpcWeb, rest } from "./support/clients.js";
import { setPolicy } from "./support/policy.js";
import { Service } from "./support/service.js";
import { freePort } from "./support/tools.js";
import { ManualOps } from "./support/manual-ops.js";
import { HashPool } from "../src/crypto/hash-pool.js";
import { Metrics, watchHashPool } from "../src/ops/metrics.js";

/** Scrapes /metrics and parses it with a Prometheus text-format parser. */
async function scrape(port: number): Promise<PromMetrics> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  const lines = (await res.text()).split("\n");
  // prom2javascript reads no NaN, which Prometheus does (Go's ParseFloat, any case). Only the
  // event-loop lag may be NaN: its monitor has no sample yet when scrapes come this close.
  const nan = lines.filter((line) => /\sNaN$/i.test(line));
  for (const line of nan) assert.match(line, /^nodejs_eventloop_lag_\w+ Nan$/);
  return getMetricsFromIterator(lines.filter((line) => !nan.includes(line))[Symbol.iterator]());
}

/** A sample's value, or a histogram's count, for the labels given; 0 when there is none. */
function sample(metrics: PromMetrics, name: string, labels: Record<string, string> = {}): number {
  const family = metrics[name];
  assert.ok(family, `${name} is exported`);
  const found = (family.data as { labels: Record<string, string>; value?: number; count?: number }[]).find((m) =>
    Object.entries(labels).every(([k, v]) => m.labels[k] === v),
  );
  return found ? (found.value ?? found.count ?? 0) : 0;
}

describe("metrics on their own port", () => {
  let service: Service;
  let metricsPort: number;
  before(async () => {
    metricsPort = await freePort();
    // Nothing listens there: a breached check answers unavailable.
    const breachedApi = `http://127.0.0.1:${await freePort()}`;
    service = await Service.start({ METRICS_PORT: String(metricsPort), BREACHED_API_URL: breachedApi, POLICY_CACHE_MS: "0" });
  });
  after(() => service.stop());

  it("says in its log line the address it bound, METRICS_HOST defaulting to HOST", () => {
    assert.ok(
      service.logs.some((l) => l.includes(`"metrics on http://127.0.0.1:${metricsPort}/metrics"`)),
      service.logs.join("\n"),
    );
  });

  it("counts requests by RPC, protocol and code, and changes by outcome", async () => {
    const user = await service.createUser("Old-Passw0rd!");
    const auth = bearer(user.token);
    const rpc = "zitadel.auth.v1.AuthService/UpdateMyPassword";
    assert.equal((await grpcJs(service.address, { oldPassword: "Old-Passw0rd!", newPassword: "New-Passw0rd!", authorization: auth })).ok, true);
    await rest(service.address, { oldPassword: "wrong", newPassword: "Other-Passw0rd!", authorization: auth });
    await connectJson(service.address, { oldPassword: "New-Passw0rd!", newPassword: "short", authorization: auth });
    await grpcWeb(service.address, { oldPassword: "a", newPassword: "b", authorization: "Bearer nope" });
    await service.setUserState(user.userId, "locked");
    await rest(service.address, { oldPassword: "New-Passw0rd!", newPassword: "Other-Passw0rd!", authorization: auth });

    const m = await scrape(metricsPort);
    const requests = "password_service_requests_total";
    assert.equal(sample(m, requests, { rpc, protocol: "grpc", code: "0" }), 1);
    assert.equal(sample(m, requests, { rpc, protocol: "rest", code: "3" }), 1);
    assert.equal(sample(m, requests, { rpc, protocol: "rest", code: "9" }), 1);
    assert.equal(sample(m, requests, { rpc, protocol: "connect", code: "3" }), 1);
    assert.equal(sample(m, requests, { rpc, protocol: "grpc-web", code: "16" }), 1);
    const changes = "password_service_password_changes_total";
    assert.equal(sample(m, changes, { outcome: "changed" }), 1);
    assert.equal(sample(m, changes, { outcome: "wrong_old_password" }), 1);
    assert.equal(sample(m, changes, { outcome: "policy_refused" }), 1);
    assert.equal(sample(m, changes, { outcome: "locked" }), 1);
    assert.equal(sample(m, changes, { outcome: "unauthenticated" }), 1);
    assert.equal(sample(m, "password_service_request_duration_seconds", { rpc, protocol: "grpc" }), 1);
  });

  it("times bcrypt, shows the hash queue, the event-loop lag and the process", async () => {
    const m = await scrape(metricsPort);
    // Above: three old passwords checked (the change, the wrong one, the policy refusal); the change's
    // new password hashed, and the wrong one's too if a core was idle to hash it alongside.
    assert.equal(sample(m, "password_service_bcrypt_duration_seconds", { operation: "verify" }), 3);
    const hashes = sample(m, "password_service_bcrypt_duration_seconds", { operation: "hash" });
    assert.ok(hashes >= 1 && hashes <= 2, `${hashes} hashes`);
    assert.equal(m.password_service_bcrypt_duration_seconds.type, "histogram");
    assert.equal(sample(m, "password_service_hash_queue_depth"), 0, "nothing waits once all answered");
    assert.equal(sample(m, "password_service_hash_active"), 0, "nothing runs once all answered");
    assert.ok("nodejs_eventloop_lag_seconds" in m);
    assert.ok("nodejs_eventloop_lag_p99_seconds" in m);
    assert.ok(sample(m, "process_cpu_seconds_total") > 0);
    assert.ok(sample(m, "process_resident_memory_bytes") > 0);
  });

  it("counts a change refused for a dependency that is down as unavailable, not overloaded", async () => {
    const user = await service.createUser("Old-Passw0rd!");
    await setPolicy(service, ["--org", user.resourceOwner, "--breached-check", "fail-closed"]);
    const outcome = await rest(service.address, { oldPassword: "Old-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(user.token) });
    assert.ok(!outcome.ok && outcome.code === 14 && outcome.httpStatus === 503, JSON.stringify(outcome));
    const m = await scrape(metricsPort);
    assert.equal(sample(m, "password_service_password_changes_total", { outcome: "unavailable" }), 1);
    assert.equal(sample(m, "password_service_password_changes_total", { outcome: "overloaded" }), 0);
  });

  it("are not on the API's port", async () => {
    const res = await fetch(`${service.url}/metrics`);
    assert.equal(res.status, 404);
    const other = await fetch(`http://127.0.0.1:${metricsPort}/`);
    assert.equal(other.status, 404);
  });
});

describe("METRICS_HOST", () => {
  it("binds the metrics listener there, and its log line says the address it bound", async () => {
    const metricsPort = await freePort();
    const service = await Service.start({ METRICS_PORT: String(metricsPort), METRICS_HOST: "127.0.0.2" });
    try {
      assert.ok(
        service.logs.some((l) => l.includes(`"metrics on http://127.0.0.2:${metricsPort}/metrics"`)),
        service.logs.join("\n"),
      );
      assert.equal((await fetch(`http://127.0.0.2:${metricsPort}/metrics`)).status, 200);
    } finally {
      await service.stop();
    }
  });
});

describe("METRICS_PORT=0", () => {
  it("turns the metrics listener off: the server listens on the API's port alone", async () => {
    const metricsPort = await freePort();
    // The servers run in this process: what each start adds to its listeners is the server's.
    const before = listeningPorts(process.pid);
    const on = await Service.start({ METRICS_PORT: String(metricsPort) });
    const withOn = listeningPorts(process.pid);
    const off = await Service.start({ METRICS_PORT: "0" }, on.database);
    try {
      // The same count made of a server that has the listener shows that the count can see it.
      assert.deepEqual(withOn.filter((p) => !before.includes(p)).sort(), [on.port, metricsPort].sort());
      assert.deepEqual(
        listeningPorts(process.pid).filter((p) => !withOn.includes(p)),
        [off.port],
      );
      assert.ok(!off.logs.some((l) => l.includes("/metrics")), off.logs.join("\n"));
    } finally {
      await off.stop();
      await on.stop();
    }
  });
});

/** The TCP ports a process listens on, from /proc: its sockets' inodes, looked up in the kernel's tables. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set(
    fs.readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      const match = /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`));
      return match ? [match[1]] : [];
    }),
  );
  const ports = new Set<number>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of fs.readFileSync(table, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // State 0A is LISTEN; column 9 is the socket's inode.
      if (cols[3] === "0A" && inodes.has(cols[9])) ports.add(parseInt(cols[1].split(":")[1], 16));
    }
  }
  return [...ports];
}

function safeReadlink(file: string): string {
  try {
    return fs.readlinkSync(file);
  } catch {
    return ""; // closed meanwhile
  }
}

describe("the hash queue", () => {
  it("shows bcrypt operations running and waiting, and empties", async () => {
    // A stand-in for bcrypt that holds each operation until the test ends it:
    // the queue is certain, whatever the machine's speed or load.
    const ops = new ManualOps();
    const pool = new HashPool(ops, 2, 60_000, 10);
    const metrics = new Metrics();
    watchHashPool(metrics, pool);
    const value = async (name: string) => (await metrics.registry.getSingleMetric(name)!.get()).values[0].value;
    const gauges = async () => ({ active: await value("password_service_hash_active"), queued: await value("password_service_hash_queue_depth") });
    const checks = ["a", "b", "c", "d", "e"].map((p) => pool.admit().verify(p, "hash"));
    assert.deepEqual(await gauges(), { active: 3, queued: 2 }, "two cores and one more in flight; the rest wait");
    for (const p of ["a", "b", "c"]) ops.finish(`verify:${p}`);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(await gauges(), { active: 2, queued: 0 });
    for (const p of ["d", "e"]) ops.finish(`verify:${p}`);
    await Promise.all(checks);
    assert.deepEqual(await gauges(), { active: 0, queued: 0 });
  });
});
