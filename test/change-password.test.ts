import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { changePassword, type ChangePasswordDeps } from "../src/core/change-password.js";
import type { ServiceError } from "../src/core/errors.js";
import { DEFAULT_POLICY } from "../src/core/policy.js";
import { FakeHasher, FakeStore, fakeDeps, TEST_USER } from "./support/fake-store.js";

const RIGHT = "Right-Passw0rd!";

function attempt(deps: ChangePasswordDeps, oldPassword: string, newPassword = "New-Passw0rd!", token = { fingerprint: "f", issuedAt: 0 }) {
  return changePassword(deps, { userId: "1", oldPassword, newPassword, token, context: {} }).then(
    () => "changed",
    (err: ServiceError) => err,
  );
}

const idOf = (outcome: string | ServiceError) => (typeof outcome === "string" ? outcome : outcome.id);

describe("the change-password use case under parallel guessing", () => {
  it("checks no more wrong passwords than the lockout allows, however many arrive at once", async () => {
    const hasher = new FakeHasher();
    const store = new FakeStore({ ...TEST_USER });
    const { deps } = fakeDeps(store, { hasher, policy: { ...DEFAULT_POLICY, lockout: { maxPasswordAttempts: 3 } } });
    const guesses = [...Array.from({ length: 11 }, (_, i) => `Wrong-${i}!`), RIGHT];
    const outcomes = await Promise.all(guesses.map((g) => attempt(deps, g)));
    const checkedWrong = hasher.verified.filter((p) => p !== RIGHT && p !== "New-Passw0rd!");
    // A success resets the count (as in ZITADEL): at most 3 before it, and 3 after.
    const rightAt = hasher.verified.indexOf(RIGHT);
    for (const run of rightAt < 0 ? [hasher.verified] : [hasher.verified.slice(0, rightAt), hasher.verified.slice(rightAt + 1)]) {
      assert.ok(run.length <= 3, `${run.length} wrong passwords were checked in a row`);
    }
    // A success resets the count; without one, every wrong check counted.
    if (!outcomes.includes("changed")) assert.equal(store.user.failedAttempts, checkedWrong.length);
    outcomes.forEach((outcome, i) => {
      if (outcome === "changed") assert.equal(guesses[i], RIGHT, "only the right password changes it");
      else assert.ok(["COMMAND-3M0fs", "COMMAND-JLK35", "PWSVC-BUSY3"].includes(idOf(outcome)!), String(idOf(outcome)));
    });
    // The right one either got its turn before the lock, or answers as a locked user does.
    const right = outcomes[11];
    assert.ok(right === "changed" || idOf(right) === "COMMAND-JLK35" || idOf(right) === "PWSVC-BUSY3", String(idOf(right)));
    assert.equal(outcomes.filter((o) => idOf(o) === "COMMAND-3M0fs").length, checkedWrong.length);
  });

  it("refuses, uncounted and unchecked, a guess whose token a change revoked while it waited for the check slot", async () => {
    const hasher = new FakeHasher();
    const store = new FakeStore({ ...TEST_USER });
    const { deps } = fakeDeps(store, { hasher });
    store.leaseUntil = Number.MAX_SAFE_INTEGER; // the owner's change holds the slot
    const guess = attempt(deps, "Wrong-1!", "New-Passw0rd!", { fingerprint: "stolen", issuedAt: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The owner's change commits: a new hash, and tokens from before it revoked but for the owner's.
    Object.assign(store.user, { passwordHash: "hash:Owners-New-1!", sequence: store.user.sequence + 1 });
    store.cutoff = { validAfterMs: 5000, exempt: "owners" };
    store.leaseUntil = 0;
    assert.equal(idOf(await guess), "AUTH-7fs1e");
    assert.deepEqual(hasher.verified, [], "never checked against the new password");
    assert.equal(store.user.failedAttempts, 0);
    assert.equal(store.leaseUntil, 0, "the slot was given back");
  });

  it("gives a user's check slot to the requests of one process in the order they came, not to whichever asks first when it frees", async () => {
    const hasher = new FakeHasher();
    const store = new FakeStore({ ...TEST_USER });
    const { deps } = fakeDeps(store, { hasher });
    store.leaseUntil = Number.MAX_SAFE_INTEGER; // a check in flight
    const waiting = attempt(deps, "Wrong-waiting!");
    await new Promise((resolve) => setTimeout(resolve, 20));
    store.leaseUntil = 0; // it ends, and a new request comes at that moment
    await Promise.all([waiting, attempt(deps, "Wrong-newcomer!")]);
    assert.deepEqual(hasher.verified, ["Wrong-waiting!", "Wrong-newcomer!"]);
  });

  it("answers as a locked user does while the last allowed attempt is in flight", async () => {
    const hasher = new FakeHasher();
    const store = new FakeStore({ ...TEST_USER, failedAttempts: 2 });
    const { deps } = fakeDeps(store, { hasher, policy: { ...DEFAULT_POLICY, lockout: { maxPasswordAttempts: 3 } } });
    const [first, second] = await Promise.all([attempt(deps, "Wrong-1!"), attempt(deps, RIGHT)]);
    assert.equal(idOf(first), "COMMAND-3M0fs");
    assert.equal(idOf(second), "COMMAND-JLK35");
    assert.equal((second as ServiceError).failedAttempts, 3);
    assert.deepEqual(hasher.verified, ["Wrong-1!"], "the right password was never checked");
  });

  it("runs one check of a user at a time and none before the tarpit's time: early ones wait or are refused before any hash", async () => {
    const hasher = new FakeHasher();
    const store = new FakeStore({ ...TEST_USER, failedAttempts: 9 });
    const { deps } = fakeDeps(store, { hasher, checkWaitMs: 3000 });
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => attempt(deps, `Wrong-${i}!`)));
    // Failure 10 sets 2 s before the next check; one request waits that long, the next would wait 4 s > 3 s.
    assert.equal(hasher.verified.length, 2);
    assert.deepEqual(outcomes.map(idOf).sort(), ["COMMAND-3M0fs", "COMMAND-3M0fs", "PWSVC-BUSY3", "PWSVC-BUSY3", "PWSVC-BUSY3", "PWSVC-BUSY3"]);
    for (const o of outcomes.filter((o) => idOf(o) === "PWSVC-BUSY3")) {
      assert.equal((o as ServiceError).kind, "resource-exhausted");
      assert.ok((o as ServiceError).retryAfterSeconds! >= 1);
    }
    assert.equal(store.leaseUntil, 0, "the slot is free again");
  });

  it("spends one verify per hash: a non-NFKC password with history 24 costs 25, not 49", async () => {
    const hasher = new FakeHasher();
    const store = new FakeStore({ ...TEST_USER });
    store.history = Array.from({ length: 23 }, (_, i) => ({ hash: `hash:Old-${i}-Passw0rd!`, nfkc: i % 2 === 0 }));
    const { deps } = fakeDeps(store, { hasher, policy: { ...DEFAULT_POLICY, historyCount: 24 } });
    // Full-width letters: not NFKC, so an unknown form would cost two verifies per hash.
    assert.equal(await attempt(deps, RIGHT, "Ｎew-Passw0rd!"), "changed");
    assert.equal(hasher.verified.length, 25);
    // A hash of unknown form (from before forms were kept) still verifies in either form.
    store.user.passwordNfkc = null;
    store.user.passwordHash = "hash:Ｎew-Passw0rd!".normalize("NFKC");
    hasher.verified = [];
    assert.equal(await attempt(deps, "Ｎew-Passw0rd!", "Third-Passw0rd!"), "changed");
    assert.deepEqual(hasher.verified.slice(0, 2), ["Ｎew-Passw0rd!", "New-Passw0rd!"], "as typed, then NFKC");
  });

  it("keeps the refusal the caller should get when its audit cannot be written", async () => {
    const store = new FakeStore({ ...TEST_USER });
    const { deps } = fakeDeps(store);
    const told: unknown[] = [];
    deps.audit = { record: () => Promise.reject(new Error("database gone")) };
    deps.auditFailed = (err) => told.push(err);
    const outcome = await attempt(deps, RIGHT, "short");
    assert.equal(idOf(outcome), "DOMAIN-HuJf6");
    assert.equal(told.length, 1);
  });
});
