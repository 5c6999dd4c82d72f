import assert from "node:assert/strict";
import { it } from "node:test";
import { ON_POSTGRES } from "./support/database.js";
import { assertNothingLost, count, createUsers, runLoad, summary } from "./support/load.js";
import { Service, TestDatabase } from "./support/service.js";

it(`loses no answered change when a server process is killed mid-load and restarted (${ON_POSTGRES ? "PostgreSQL" : "SQLite"})`, async (t) => {
  const database = await TestDatabase.create();
  // Eight clients share three users' tokens: the subject is durability, not one token's admission (flood.test.ts).
  const env = { TOKEN_CONCURRENCY_LIMIT: "3" };
  // The survivor serves from the test's own process: the process killed and the one started again are the subject.
  const survivor = await Service.start(env, database);
  const victim = await Service.spawn(env, database);
  let restarted: Service | undefined;
  let restarting: Promise<void> | undefined;
  const addresses = [survivor.address, victim.address];
  try {
    const users = await createUsers(survivor, 3);
    const attempts = await runLoad({
      addresses: () => addresses,
      users,
      database,
      requests: 150,
      clients: 8,
      beforeRequest: () => restarting ?? Promise.resolve(),
      onProgress(answered) {
        if (answered !== 40) return;
        // Other clients have requests in flight on the victim: they die with it.
        // New requests wait for the restart, as behind a load balancer.
        restarting = (async () => {
          assert.equal(await victim.terminate("SIGKILL"), null, "killed by the signal");
          restarted = await Service.spawn(env, database);
          addresses[1] = restarted.address;
        })();
        return restarting;
      },
    });
    t.diagnostic(summary(attempts));
    assert.equal(count(attempts, "unavailable"), 0);
    const lost = attempts.filter((a) => a.verdict === "lost");
    assert.ok(
      lost.every((a) => a.address === victim.address),
      "only requests to the killed process went unanswered",
    );
    assert.ok(
      attempts.some((a) => a.address === restarted!.address && a.verdict === "success"),
      "the restarted process serves",
    );
    await assertNothingLost(database, users, attempts);
  } finally {
    await Promise.all([survivor.stop(), victim.stop(), restarted?.stop()]);
    await database.drop();
  }
});
