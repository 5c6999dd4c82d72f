import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ServiceError } from "../src/core/errors.js";
import { PerUserRate } from "../src/core/rate-limit.js";

describe("the per-user rate of validations", () => {
  it("lets a burst through, refills at the rate, and says when to come back", () => {
    let now = 0;
    const rate = new PerUserRate(6, 3, () => now); // one call back every 10 s
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
});
