import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errors, type ServiceError } from "../src/core/errors.js";
import { createSession, type SessionDeps, type SessionRecord, type SessionStore, type SignIn } from "../src/core/sessions.js";
import { fakeDeps, FakeHasher, FakeStore, TEST_USER } from "./support/fake-store.js";

/** Sessions in memory, with what each write carried. */
class FakeSessions implements SessionStore {
  saved: { session: SessionRecord; signIn?: SignIn }[] = [];
  /** Runs before a write: stands for what happens meanwhile on another process. */
  beforeSave?: () => boolean;

  async findSession() {
    return undefined;
  }
  async saveSession(session: SessionRecord, _expected: number, signIn?: SignIn) {
    if (this.beforeSave && !this.beforeSave()) return false;
    this.saved.push({ session, signIn });
    return true;
  }
  async deleteSession() {
    return false;
  }
  async listSessions() {
    return { total: 0, sessions: [] };
  }
  async userByLoginName() {
    return undefined;
  }
}

function setup(hasher = new FakeHasher(), admitted = { inFlight: 0 }) {
  const store = new FakeStore({ ...TEST_USER, passwordHash: "hash:Right-Passw0rd!" });
  const sessions = new FakeSessions();
  const failures: unknown[] = [];
  const upgrades: string[] = [];
  const { deps } = fakeDeps(store, { hasher });
  const sessionDeps: SessionDeps = {
    ...deps,
    sessions,
    wantsUpgrade: (hash) => !hash.startsWith("bcrypt:"),
    familyOf: () => "fake",
    upgraded: (family) => void upgrades.push(family),
    upgradeFailed: (err) => void failures.push(err),
    maxMetadataKeys: 20,
    admit: () => {
      admitted.inFlight += 1;
      return () => {
        admitted.inFlight -= 1;
      };
    },
  };
  const caller = { userId: "app", loginClient: true, administers: () => false, instanceAdmin: false };
  const signIn = (password = "Right-Passw0rd!") =>
    createSession(sessionDeps, { caller, checks: { user: { userId: TEST_USER.id }, password }, metadata: {}, context: {}, userAgent: { header: {} } });
  return { store, sessions, failures, upgrades, signIn };
}

describe("the sign-in use case", () => {
  it("signs in when the hash cannot be upgraded, keeps the old hash, and tells of the failure", async () => {
    const hasher = new FakeHasher();
    const admit = hasher.admit.bind(hasher);
    hasher.admit = () => ({ ...admit(), hash: async () => Promise.reject(new Error("no thread for bcrypt")) });
    const { sessions, failures, upgrades, signIn } = setup(hasher);
    const written = await signIn();
    assert.ok(written.session.passwordCheckedAt);
    assert.equal(sessions.saved[0].signIn?.upgrade, undefined, "no new hash is written");
    assert.equal(failures.length, 1);
    assert.deepEqual(upgrades, []);
  });

  it("upgrades a hash of another family with the password that matched, and counts it", async () => {
    const { sessions, upgrades, signIn } = setup();
    await signIn();
    assert.equal(sessions.saved[0].signIn?.upgrade?.hash, "hash:Right-Passw0rd!");
    assert.equal(sessions.saved[0].signIn?.upgrade?.audit.type, "password.hash.upgraded");
    assert.deepEqual(upgrades, ["fake"]);
  });

  it("answers COMMAND-SFA3t when an administrator locked the user while its password was checked (ZITADEL's recheck)", async () => {
    const { store, sessions, signIn } = setup();
    sessions.beforeSave = () => {
      store.user.state = "locked";
      return false;
    };
    await assert.rejects(signIn(), (err: ServiceError) => err.id === "COMMAND-SFA3t" && err.kind === "failed-precondition");
  });

  it("lets the user's admission go when the hash pool refuses the check at the door", async () => {
    const hasher = new FakeHasher();
    hasher.admit = () => {
      throw errors.atCapacity(1);
    };
    const admitted = { inFlight: 0 };
    const { signIn } = setup(hasher, admitted);
    await assert.rejects(signIn(), (err: ServiceError) => err.id === "PWSVC-BUSY1");
    assert.equal(admitted.inFlight, 0);
  });

  it("counts a wrong password on the user's one counter, as a change's, with an event of the user", async () => {
    const { store, signIn } = setup();
    await assert.rejects(signIn("Wrong-Passw0rd!"), (err: ServiceError) => err.id === "COMMAND-3M0fs" && err.failedAttempts === 1);
    assert.equal(store.user.failedAttempts, 1);
    assert.deepEqual(store.failureEvents, ["user.human.password.check.failed"]);
  });
});
