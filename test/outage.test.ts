import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { it } from "node:test";
import { bearer, type Caller, connectJson, grpcJs, type Outcome, rest } from "./support/clients.js";
import { ON_POSTGRES } from "./support/database.js";
import { assertNothingLost, count, createUsers, runLoad, summary } from "./support/load.js";
import { ROOT, Service, TestDatabase, type TestUser } from "./support/service.js";

/** The cluster .ci/postgres made, which this test may stop and start. */
const CLUSTER = process.env.TEST_POSTGRES_DIR;

const skip = !ON_POSTGRES
  ? "SQLite is embedded: there is no database server to lose (runs with TEST_DATABASE_URL)"
  : !CLUSTER
    ? "needs TEST_POSTGRES_DIR, a cluster of .ci/postgres that the test may stop and start"
    : false;

function postgres(command: "start" | "stop"): Promise<unknown> {
  return promisify(execFile)("bash", [path.join(ROOT, ".ci/postgres"), command, CLUSTER!]);
}

const PROBES: [string, Caller][] = [
  ["REST", rest],
  ["grpc-js", grpcJs],
  ["Connect", connectJson],
];
/** A bound on waiting for recovery, so a broken service fails the test instead of hanging it. */
const RECOVERY_TRIES = 300;

it("answers 14 Unavailable while PostgreSQL is down and resumes by itself when it returns", { skip }, async (t) => {
  const database = await TestDatabase.create();
  // Six clients share three users' tokens: the subject is the outage, not one token's admission (flood.test.ts).
  const env = { TOKEN_CONCURRENCY_LIMIT: "3" };
  const servers = [await Service.spawn(env, database)];
  servers.push(await Service.spawn(env, database));
  let recovered: Promise<void> | undefined;
  try {
    const users = await createUsers(servers[0], 3);
    const [probeUser] = await createUsers(servers[0], 1);
    const attempts = await runLoad({
      addresses: () => servers.map((s) => s.address),
      users,
      database,
      requests: 120,
      clients: 6,
      // A client that met the outage waits for it to end, as a client backing off would.
      afterUnavailable: () => recovered ?? Promise.resolve(),
      onProgress(answered) {
        if (answered !== 30) return;
        recovered = outage(servers, probeUser);
        return recovered;
      },
    });
    t.diagnostic(summary(attempts));
    assert.equal(count(attempts, "lost"), 0, "every request was answered");
    assert.ok(
      attempts.slice(-20).some((a) => a.verdict === "success"),
      "changes commit again after the outage",
    );
    // Idle pool connections that the stop broke are logged, not swallowed.
    assert.ok(
      servers.some((s) => s.logs.some((l) => l.includes("a PostgreSQL connection failed"))),
      "the lost connections were logged",
    );
    await assertNothingLost(database, users, attempts);
  } finally {
    await postgres("start");
    await Promise.all(servers.map((s) => s.stop()));
    await database.drop();
  }
});

/** Stops PostgreSQL under the running servers, checks what they answer, starts it again and waits for recovery. */
async function outage(servers: Service[], user: TestUser): Promise<void> {
  await postgres("stop");
  let password = user.password;
  const change = (caller: Caller, server: Service, n: number) =>
    caller(server.address, { oldPassword: password, newPassword: `Outage-Passw0rd-${n}!`, authorization: bearer(user.token) });
  for (const server of servers) {
    for (const [name, caller] of PROBES) {
      assertUnavailable(await change(caller, server, 0), name);
    }
  }
  for (const server of servers) assert.equal(server.process.exitCode, null, "the servers stay up");

  await postgres("start");
  // No restart: each server's pool reconnects on its own. Until it has, the answer stays 14.
  let n = 0;
  for (const server of servers) {
    for (let tries = 1; ; tries++) {
      assert.ok(tries <= RECOVERY_TRIES, "the service resumes");
      const outcome = await change(rest, server, ++n);
      if (outcome.ok) {
        password = `Outage-Passw0rd-${n}!`;
        break;
      }
      assertUnavailable(outcome, "REST during recovery");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function assertUnavailable(outcome: Outcome, name: string): void {
  assert.ok(!outcome.ok, `${name}: no change while the database is down`);
  assert.equal(outcome.code, 14, `${name}: ${JSON.stringify(outcome)}`);
  assert.equal(outcome.detail?.id, "PWSVC-DB001", name);
  assert.equal(outcome.message, "The database is unavailable; try again (PWSVC-DB001)", name);
  if (outcome.httpStatus !== undefined) assert.equal(outcome.httpStatus, 503, name);
}
