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
  it("runs at most one operation per slot, new-password hashes before new checks", async () => {
    const ops = new ManualOps();
    const pool = new HashPool(ops, 2, 60_000, 10);
    void pool.verify("a", "h");
    void pool.verify("b", "h");
    void pool.verify("c", "h");
    void pool.hash("x");
    assert.deepEqual(ops.started, ["verify:a", "verify:b"]);
    assert.deepEqual(pool.depth, { active: 2, queued: 2 });
    ops.finish("verify:a");
    await tick();
    assert.deepEqual(ops.started.slice(2), ["hash:x"], "the waiting hash goes first");
    ops.finish("verify:b");
    await tick();
    assert.deepEqual(ops.started.slice(3), ["verify:c"]);
  });

  it("starts a speculative hash only when a slot is free and nothing waits", async () => {
    const ops = new ManualOps();
    const pool = new HashPool(ops, 2, 60_000, 10);
    void pool.verify("a", "h");
    const speculative = pool.hashIfIdle("new-a");
    assert.ok(speculative, "one slot was free");
    assert.equal(pool.hashIfIdle("new-b"), undefined, "both slots busy");
    ops.finish("hash:new-a");
    assert.equal(await speculative, "hashed:new-a");
  });

  it("refuses a check that would wait longer than the budget, with a retry hint", async () => {
    const ops = new ManualOps();
    const pool = new HashPool(ops, 2, 250, 100);
    const admitted = ["a", "b", "c", "d"].map((p) => pool.verify(p, "h"));
    // Two running, two checks queued (and their hashes to come, which go
    // first): a fifth would wait three rounds of 100 ms.
    await assert.rejects(pool.verify("e", "h"), (err: ServiceError) => {
      assert.equal(err.kind, "resource-exhausted");
      assert.equal(err.id, "PWSVC-BUSY1");
      assert.equal(err.retryAfterSeconds, 1);
      return true;
    });
    assert.equal(ops.started.length, 2, "the refused check spent nothing");
    for (const name of ["verify:a", "verify:b"]) ops.finish(name);
    await tick();
    for (const name of ["verify:c", "verify:d"]) ops.finish(name);
    assert.deepEqual(await Promise.all(admitted), [true, true, true, true]);
  });
});
