import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bearer, type Outcome, PROTOCOLS, restRequest } from "./support/clients.js";
import { assertNoSecrets, auditEvents, MOST_PROTOCOLS, setPolicy } from "./support/policy.js";
import { Service, type TestUser } from "./support/service.js";

type Failure = Extract<Outcome, { ok: false }>;

function wrong(user: TestUser) {
  return { oldPassword: "Wrong-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(user.token) };
}

describe("lockout", () => {
  let service: Service;
  let second: Service;

  before(async () => {
    // Parallel guesses from one token, three per process as from three tokens: the subject here is the count, not the admission (flood.test.ts).
    const env = { POLICY_CACHE_MS: "0", TOKEN_CONCURRENCY_LIMIT: "3" };
    service = await Service.start(env);
    // A second server process on the same database: counting must be exact across processes too.
    second = await Service.start(env, service.database);
  });
  after(async () => {
    await second.stop();
    await service.stop();
  });

  it("checks parallel wrong passwords one at a time across two processes, counting each check once, and never locks by default", async () => {
    const user = await service.createUser("Right-Passw0rd!");
    const n = 8;
    const outcomes = (await Promise.all(
      Array.from({ length: n }, (_, i) => (i % 2 ? PROTOCOLS.REST : PROTOCOLS["grpc-js (h2c)"])(i % 2 ? service.address : second.address, wrong(user))),
    )) as Failure[];
    const checked = outcomes.filter((o) => o.detail?.id === "COMMAND-3M0fs");
    // Past USER_CONCURRENCY_LIMIT (3) on a process, a request is refused at the door.
    for (const o of outcomes.filter((o) => o.detail?.id !== "COMMAND-3M0fs")) assert.equal(o.detail?.id, "PWSVC-BUSY2", JSON.stringify(o));
    assert.ok(checked.length >= 2, "each process let some in");
    // Each answer carries its own count: 1..k, each once.
    assert.deepEqual(
      checked.map((o) => o.detail!.failedAttempts).sort((a, b) => a! - b!),
      checked.map((_, i) => i + 1),
    );
    const row = await service.userRow(user.userId);
    assert.equal(row.failed_attempts, checked.length);
    assert.equal(row.state, "active", "max_password_attempts 0 never locks");
    assert.equal(row.sequence, 1, "failures are not events of the user's sequence");
    const failed = (await auditEvents(service, user.userId)).filter((e) => e.type === "password.check.failed");
    assert.equal(failed.length, checked.length, "one audit event per failure");
  });

  it("checks no more wrong passwords in a row than the maximum when guesses and the right password race, and the right one is not told apart", async () => {
    const user = await service.createUser("Right-Passw0rd!", { orgName: "race" });
    await setPolicy(service, ["--org", user.resourceOwner, "--max-password-attempts", "3"]);
    const guesses = [...Array.from({ length: 11 }, (_, i) => `Wrong-Passw0rd-${i}!`), "Right-Passw0rd!"];
    const outcomes = await Promise.all(
      guesses.map((oldPassword, i) =>
        (i % 3 ? PROTOCOLS.REST : PROTOCOLS["grpc-js (h2c)"])(i % 2 ? service.address : second.address, { ...wrong(user), oldPassword }),
      ),
    );
    const row = await service.userRow(user.userId);
    // Each failure's count, in the order they were recorded. A change that
    // wins the race clears the count, and the guesses after it are checked
    // against the new password, with a token the change left valid
    // (TOKEN_REVOCATION=others): they count from 1 again.
    const counts = (await auditEvents(service, user.userId)).filter((e) => e.type === "password.check.failed").map((e) => Number(e.payload!.failedAttempts));
    const changes = outcomes.filter((o) => o.ok).length;
    const runs = counts.filter((c) => c === 1).length;
    assert.ok(
      runs <= 1 + changes && counts.every((c, i) => c === 1 || c === counts[i - 1] + 1) && counts.every((c) => c <= 3),
      `wrong passwords checked, each with its count: ${counts.join(", ")}; the right one ${changes ? "changed the password" : "did not"}`,
    );
    for (const [i, o] of outcomes.entries()) {
      if (o.ok) {
        assert.equal(guesses[i], "Right-Passw0rd!", "only a real success answers 200");
        continue;
      }
      assert.ok(["COMMAND-3M0fs", "COMMAND-JLK35", "PWSVC-BUSY2", "PWSVC-BUSY3"].includes(o.detail?.id ?? ""), JSON.stringify(o));
      assert.notEqual(o.code, 10, "no answer tells the right password apart");
    }
    if (!outcomes.at(-1)!.ok) assert.equal(row.state, "locked");
  });

  it("keeps the tarpit against parallel guesses: early ones are refused with 8 and Retry-After before any hash", async () => {
    const user = await service.createUser("Right-Passw0rd!");
    await service.database.db.updateTable("users").set({ failed_attempts: 10 }).where("id", "=", user.userId).execute();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        restRequest(i % 2 ? service.address : second.address, { body: JSON.stringify(wrong(user)), authorization: bearer(user.token) }),
      ),
    );
    const checked = answers.filter((a) => a.json.details?.[0]?.id === "COMMAND-3M0fs");
    // Failure 11 sets 2 s before the next check may start; a request waits at
    // most HASH_QUEUE_BUDGET_MS (3 s), so at most one more gets its turn per process.
    assert.ok(checked.length >= 1 && checked.length <= 3, `${checked.length} of 30 were checked`);
    assert.equal((await service.userRow(user.userId)).failed_attempts, 10 + checked.length);
    const early = answers.filter((a) => a.json.details?.[0]?.id === "PWSVC-BUSY3");
    assert.ok(early.length > 0, "some came while a check was in flight or too soon after one");
    for (const a of answers.filter((a) => !checked.includes(a))) {
      assert.equal(a.status, 429, JSON.stringify(a.json));
      assert.ok(["PWSVC-BUSY2", "PWSVC-BUSY3"].includes(a.json.details[0].id), JSON.stringify(a.json));
      assert.ok(Number(a.headers.get("retry-after")) >= 1);
    }
  });

  it("locks at the maximum under concurrency, not later; then User is locked on every protocol; unlock clears it", async () => {
    const user = await service.createUser("Right-Passw0rd!", { orgName: "lockout" });
    await setPolicy(service, ["--org", user.resourceOwner, "--max-password-attempts", "3"]);
    const outcomes = (await Promise.all(
      Array.from({ length: 8 }, (_, i) => PROTOCOLS.REST(i % 2 ? service.address : second.address, wrong(user))),
    )) as Failure[];
    const invalid = outcomes.filter((o) => o.detail?.id === "COMMAND-3M0fs");
    const locked = outcomes.filter((o) => o.detail?.id === "COMMAND-JLK35");
    assert.deepEqual(invalid.map((o) => o.detail!.failedAttempts).sort(), [1, 2, 3], "the third failure locks and still answers Password is invalid");
    assert.equal(locked.length + outcomes.filter((o) => o.detail?.id === "PWSVC-BUSY2").length, 5);
    for (const o of locked) assert.equal(o.detail!.failedAttempts, 3);
    const row = await service.userRow(user.userId);
    assert.equal(row.state, "locked");
    assert.equal(row.failed_attempts, 3, "the user locks at the maximum, and nothing counts after");

    for (const [name, call] of Object.entries(MOST_PROTOCOLS)) {
      // Even the right password: a locked user cannot change it.
      const outcome = (await call(service.address, { ...wrong(user), oldPassword: "Right-Passw0rd!" })) as Failure;
      assert.equal(outcome.code, 9, name);
      assert.equal(outcome.message, "User is locked (COMMAND-JLK35)", name);
      assert.deepEqual(outcome.detail, { type: "zitadel.v1.CredentialsCheckError", id: "COMMAND-JLK35", message: "User is locked", failedAttempts: 3 }, name);
    }

    await service.setUserState(user.userId, "active");
    assert.deepEqual(
      { state: (await service.userRow(user.userId)).state, failed: (await service.userRow(user.userId)).failed_attempts },
      { state: "active", failed: 0 },
    );
    const changed = await PROTOCOLS.REST(service.address, { ...wrong(user), oldPassword: "Right-Passw0rd!" });
    assert.equal(changed.ok, true, JSON.stringify(changed));

    const types = (await auditEvents(service, user.userId)).map((e) => e.type);
    assert.equal(types.filter((t) => t === "user.locked").length, 1, "locked once");
    assert.ok(types.includes("user.unlocked"));
    assert.equal(types.at(-1), "password.changed");
    const unlocked = (await auditEvents(service, user.userId)).find((e) => e.type === "user.unlocked")!;
    assert.equal(unlocked.userAgent, "password-service-cli");
    assert.deepEqual(unlocked.payload, { sequence: 2, clearedFailedAttempts: 3 });
    await assertNoSecrets(service, ["Right-Passw0rd!", "Wrong-Passw0rd!", "New-Passw0rd!", user.token]);
  });

  it("a successful change resets the count", async () => {
    const user = await service.createUser("Right-Passw0rd!");
    await PROTOCOLS.REST(service.address, wrong(user));
    await PROTOCOLS.REST(service.address, wrong(user));
    assert.equal((await service.userRow(user.userId)).failed_attempts, 2);
    const changed = await PROTOCOLS.REST(service.address, { ...wrong(user), oldPassword: "Right-Passw0rd!" });
    assert.equal(changed.ok, true);
    assert.equal((await service.userRow(user.userId)).failed_attempts, 0);
  });
});
