import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { changePassword, type ChangePasswordDeps } from "../src/core/change-password.js";
import type { ServiceError } from "../src/core/errors.js";
import { DEFAULT_POLICY, type PasswordPolicy } from "../src/core/policy.js";
import { tarpitDelayMs } from "../src/core/tarpit.js";
import { FakeStore, fakeDeps, TEST_USER as user } from "./support/fake-store.js";

function deps(store: FakeStore, sleeps: number[], policy: PasswordPolicy = DEFAULT_POLICY): ChangePasswordDeps {
  const { deps, clock } = fakeDeps(store, { policy });
  clock.sleeps = sleeps;
  return deps;
}

async function wrongPassword(d: ChangePasswordDeps): Promise<ServiceError> {
  try {
    await changePassword(d, { userId: "1", oldPassword: "Wrong-1!", newPassword: "New-Passw0rd!", token: { fingerprint: "f", issuedAt: 0 }, context: {} });
  } catch (err) {
    return err as ServiceError;
  }
  assert.fail("the change succeeded");
}

describe("the tarpit", () => {
  it("delays from the 5th failure on, one second per further 5 failures, at most 10 s", () => {
    const table: [number, number][] = [
      [1, 0],
      [4, 0],
      [5, 1000],
      [9, 1000],
      [10, 2000],
      [14, 2000],
      [15, 3000],
      [49, 9000],
      [50, 10_000],
      [51, 10_000],
      [1000, 10_000],
    ];
    for (const [failures, ms] of table) assert.equal(tarpitDelayMs(failures), ms, `after ${failures} failures`);
  });

  it("the use case waits out the delay of each wrong password before answering, with its count", async () => {
    const store = new FakeStore({ ...user });
    const sleeps: number[] = [];
    const d = deps(store, sleeps);
    for (let n = 1; n <= 60; n++) {
      const err = await wrongPassword(d);
      assert.equal(err.id, "COMMAND-3M0fs");
      assert.equal(err.failedAttempts, n);
    }
    assert.deepEqual(
      sleeps,
      Array.from({ length: 60 }, (_, i) => tarpitDelayMs(i + 1)),
    );
    assert.equal(sleeps[4], 1000);
    assert.equal(sleeps[59], 10_000);
    assert.equal(store.audit.filter((a) => a.type === "password.check.failed").length, 60);
  });

  it("locks at the maximum: that answer is still Password is invalid, the next User is locked", async () => {
    const store = new FakeStore({ ...user });
    const d = deps(store, [], { ...DEFAULT_POLICY, lockout: { maxPasswordAttempts: 3 } });
    for (const n of [1, 2, 3]) assert.equal((await wrongPassword(d)).id, "COMMAND-3M0fs", `failure ${n}`);
    const locked = await wrongPassword(d);
    assert.equal(locked.id, "COMMAND-JLK35");
    assert.equal(locked.failedAttempts, 3);
  });
});
