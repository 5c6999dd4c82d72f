import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ServiceError } from "../src/core/errors.js";
import { PerUserRate } from "../src/core/rate-limit.js";

describe("the per-user rate of validations", () => {
  it("lets a burst through, refills at the rate, and says when to come back", () => {
    let now = 0;
    const rate = new PerUserRate(6, 3, 10_000, () => now); // one call back every 10 s
    for (let i = 0; i < 3; i++) rate.take("alice");
    assert.throws(
      () => rate.take("alice"),
      (err: ServiceError) => err.id === "PWSVC-RATE1" && err.kind === "resource-exhausted" && err.retryAfterSeconds === 10,
    );
    rate.take("bob"); // another user's bucket is full
    now = 4_000;
    assert.throws(
      () => rate.take("alice"),
      (err: ServiceError) => err.retryAfterSeconds === 6,
    );
    now = 10_000;
    rate.take("alice");
    assert.throws(() => rate.take("alice"), /Too many password checks/);
    now = 1_000_000;
    for (let i = 0; i < 3; i++) rate.take("alice"); // refilled to the burst, never past it
    assert.throws(() => rate.take("alice"), /Too many password checks/);
  });

  it("past the users it tracks, still serves a new user, forgets those whose bucket is full again and keeps those still short", () => {
    let now = 0;
    const rate = new PerUserRate(6, 2, 10_000, () => now); // one call back every 10 s
    const refusedFor = (userId: string) =>
      assert.throws(
        () => rate.take(userId),
        (err: ServiceError) => err.retryAfterSeconds === 10,
        userId,
      );
    rate.take("hot");
    rate.take("hot");
    for (let i = 1; i < 10_000; i++) rate.take(`user-${i}`); // 10,000 tracked, none full
    rate.take("early"); // served though no bucket could be dropped
    refusedFor("hot");

    now = 10_000; // every one-call user is full again; "hot" is one call short
    rate.take("late");
    rate.take("hot");
    refusedFor("hot"); // kept: its bucket was not full, so forgetting it would have given it more
    for (let i = 0; i < 2; i++) rate.take("user-1"); // forgotten, it lost nothing: the whole burst
    refusedFor("user-1");
  });

  it("keeps no more buckets than its cap under a flood of new keys, none of them full, and forgets the flood's before a drained one", () => {
    let now = 0;
    const rate = new PerUserRate(6, 3, 100, () => now); // one call back every 10 s
    for (let i = 0; i < 3; i++) rate.take("victim");
    for (let i = 0; i < 5_000; i++) {
      rate.take(`name-${i}`); // each one call short of its burst, never full again within the flood
      now += 1;
    }
    assert.equal(rate.tracked, 100);
    assert.throws(() => rate.take("victim"), /Too many password checks/, "drained, so never the one forgotten");

    // All drained alike: the least recently used goes first.
    const even = new PerUserRate(6, 1, 100, () => now);
    for (let i = 0; i < 100; i++) even.take(`old-${i}`);
    even.take("new");
    assert.throws(() => even.take("old-1"), /Too many/, "kept");
    even.take("old-0"); // forgotten: the oldest
    assert.throws(() => even.take("new"), /Too many/, "kept");
  });
});
