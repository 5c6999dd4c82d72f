import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ServiceError } from "../src/core/errors.js";
import { HashPool, UserAdmission } from "../src/crypto/hash-pool.js";
import { ManualOps } from "./support/manual-ops.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("the hash pool", () => {
  it("keeps one operation more than its cores in flight, new-password hashes before new checks", async () => {
    const ops = new ManualOps();
    const pool = new HashPool(ops, 2, 60_000, 10);
    for (const p of ["a", "b", "c", "d"]) void pool.admit().verify(p, "h");
    void pool.admit().hash("x");
    assert.deepEqual(ops.started, ["verify:a", "verify:b", "verify:c"]);
    assert.deepEqual(pool.depth, { active: 3, queued: 2 });
    ops.finish("verify:a");
    await tick();
    assert.deepEqual(ops.started.slice(3), ["hash:x"], "the waiting hash goes first");
    ops.finish("verify:b");
    await tick();
    assert.deepEqual(ops.started.slice(4), ["verify:d"]);
  });

  it("starts a speculative hash only when a core is free and nothing waits", async () => {
    const ops = new ManualOps();
    const pool = new HashPool(ops, 2, 60_000, 10);
    const work = pool.admit();
    void work.verify("a", "h");
    const speculative = work.hashIfIdle("new-a");
    assert.ok(speculative, "one core was free");
    assert.equal(pool.admit().hashIfIdle("new-b"), undefined, "both cores busy, though a slot is free");
    ops.finish("hash:new-a");
    assert.equal(await speculative, "hashed:new-a");
  });

  it("queues a request's further checks (history) as its own work, ahead of new requests' first checks", async () => {
    const ops = new ManualOps();
    const pool = new HashPool(ops, 1, 60_000, 10);
    for (const p of ["a", "b"]) void pool.admit().verify(p, "h");
    const work = pool.admit();
    void work.verify("c", "h");
    void work.verify("history", "h");
    ops.finish("verify:a");
    await tick();
    assert.deepEqual(ops.started.slice(2), ["verify:history"], "ahead of the waiting first check c");
  });

  it("refuses a request that would wait longer than the budget, with a retry hint", async () => {
    const ops = new ManualOps();
    const pool = new HashPool(ops, 2, 250, 100);
    const admitted = ["a", "b", "c", "d", "e", "f"].map((p) => pool.admit().verify(p, "h"));
    // Three running, three checks queued (and their hashes to come, which go
    // first): a seventh would wait three rounds of 100 ms.
    const refusal = (err: ServiceError) => {
      assert.equal(err.kind, "resource-exhausted");
      assert.equal(err.id, "PWSVC-BUSY1");
      assert.equal(err.retryAfterSeconds, 1);
      return true;
    };
    assert.throws(() => pool.admit(), refusal);
    assert.throws(() => pool.refuseIfBusy(), refusal, "a request is refused at the door too");
    assert.equal(ops.started.length, 3, "the refused request spent nothing");
    for (const name of ["verify:a", "verify:b", "verify:c"]) ops.finish(name);
    await tick();
    pool.refuseIfBusy();
    for (const name of ["verify:d", "verify:e", "verify:f"]) ops.finish(name);
    assert.deepEqual(await Promise.all(admitted), [true, true, true, true, true, true]);
  });

  it("counts a sign-in's check alone in the wait it estimates: no hash follows it", async () => {
    const ops = new ManualOps();
    const pool = new HashPool(ops, 2, 250, 100);
    const signIns = () => pool.admit({ hashAfterCheck: false });
    // Where six changes already fill the budget (above), nine sign-ins fit:
    // three running and six checks waiting, the last of them two rounds of 100 ms away.
    const admitted = Array.from({ length: 9 }, (_, i) => signIns().verify(`s${i}`, "h"));
    assert.throws(
      () => signIns(),
      (err: ServiceError) => err.id === "PWSVC-BUSY1",
    );
    assert.throws(() => pool.admit(), ServiceError, "nor a change");
    for (const name of ["verify:s0", "verify:s1", "verify:s2"]) ops.finish(name);
    await tick();
    signIns().done(); // a request admitted and ended before its check leaves nothing counted
    pool.refuseIfBusy();
    for (let i = 3; i < 9; i++) {
      ops.finish(`verify:s${i}`);
      await tick();
    }
    assert.deepEqual(await Promise.all(admitted), Array(9).fill(true));
  });

  it("lets in at most N requests of one user at once, whatever other users do", () => {
    const users = new UserAdmission(2, 2);
    const leaveA = users.enter("a", "a1");
    users.enter("a", "a2");
    assert.throws(
      () => users.enter("a", "a3"),
      (err: ServiceError) => err.id === "PWSVC-BUSY2" && err.retryAfterSeconds === 1,
    );
    users.enter("b", "b1");
    leaveA();
    leaveA(); // leaving twice frees one place, not two
    users.enter("a", "a3");
    assert.throws(() => users.enter("a", "a4"), ServiceError);
  });

  it("lets in at most M requests of one token, leaving the rest of its user's places to the user's other tokens", () => {
    const users = new UserAdmission(3, 1);
    const leaveFlood = users.enter("a", "stolen");
    assert.throws(
      () => users.enter("a", "stolen"),
      (err: ServiceError) => err.id === "PWSVC-BUSY2",
    );
    assert.throws(() => users.enter("a", "stolen"), ServiceError, "a refused request takes no place");
    users.enter("a", "owner");
    leaveFlood();
    users.enter("a", "stolen");
    users.enter("b", "stolen"); // an administrator's token works for another user at the same time
  });
});
