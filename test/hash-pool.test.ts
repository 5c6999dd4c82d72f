import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ServiceError } from "../src/errors.js";
import { HashPool } from "../src/hash-pool.js";

/** bcrypt stand-in whose operations finish when the test says so, in a log it can read. */
class ManualOps {
  readonly started: string[] = [];
  private readonly pending = new Map<string, () => void>();

  hash(password: string): Promise<string> {
    return this.op(`hash:${password}`, `hashed:${password}`);
  }

  verify(password: string): Promise<boolean> {
    return this.op(`verify:${password}`, true);
  }

  finish(name: string): void {
    this.pending.get(name)!();
  }

  private op<T>(name: string, result: T): Promise<T> {
    this.started.push(name);
    return new Promise((resolve) => this.pending.set(name, () => resolve(result)));
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("the hash pool", () => {
  it("keeps one operation more than its cores in flight, new-password hashes before new checks", async () => {
    const ops = new ManualOps();
    const pool = new HashPool(ops, 2, 60_000, 10);
    for (const p of ["a", "b", "c", "d"]) void pool.verify(p, "h");
    void pool.hash("x");
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
    void pool.verify("a", "h");
    const speculative = pool.hashIfIdle("new-a");
    assert.ok(speculative, "one core was free");
    assert.equal(pool.hashIfIdle("new-b"), undefined, "both cores busy, though a slot is free");
    ops.finish("hash:new-a");
    assert.equal(await speculative, "hashed:new-a");
  });

  it("refuses a check that would wait longer than the budget, with a retry hint", async () => {
    const ops = new ManualOps();
    const pool = new HashPool(ops, 2, 250, 100);
    const admitted = ["a", "b", "c", "d", "e", "f"].map((p) => pool.verify(p, "h"));
    // Three running, three checks queued (and their hashes to come, which go
    // first): a seventh would wait three rounds of 100 ms.
    const refusal = (err: ServiceError) => {
      assert.equal(err.kind, "resource-exhausted");
      assert.equal(err.id, "PWSVC-BUSY1");
      assert.equal(err.retryAfterSeconds, 1);
      return true;
    };
    await assert.rejects(pool.verify("g", "h"), refusal);
    assert.throws(() => pool.admit(), refusal, "a request is refused at the door too");
    assert.equal(ops.started.length, 3, "the refused check spent nothing");
    for (const name of ["verify:a", "verify:b", "verify:c"]) ops.finish(name);
    await tick();
    pool.admit();
    for (const name of ["verify:d", "verify:e", "verify:f"]) ops.finish(name);
    assert.deepEqual(await Promise.all(admitted), [true, true, true, true, true, true]);
  });
});
