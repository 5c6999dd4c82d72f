import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AuditEntry } from "../src/core/audit.js";
import type { ChangeExtras } from "../src/core/user-store.js";
import { DEFAULT_POLICY } from "../src/core/policy.js";
import { loadConfig } from "../src/config.js";
import { StoreInputError } from "../src/store/input-error.js";
import { openStore } from "../src/store/open-store.js";
import type { Store } from "../src/store/store.js";
import { ON_POSTGRES, TestDatabase } from "./support/database.js";

/**
 * The repositories straight against the database, SQLite or (with
 * TEST_DATABASE_URL) PostgreSQL: the atomic steps the use cases rely on
 * when requests race, on any number of processes.
 */
describe(`the store's repositories on ${ON_POSTGRES ? "PostgreSQL" : "SQLite"}`, () => {
  let database: TestDatabase;
  let store: Store;
  before(async () => {
    database = await TestDatabase.create();
    store = await openStore(loadConfig(database.env).config);
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  let n = 0;
  const newUser = async () => {
    const created = await store.userAdmin.createUser({
      username: `u${++n}`,
      orgName: `org-${n}`,
      passwordHash: "hash-1",
      passwordNfkc: false,
      kind: "human",
      state: "active",
    });
    return created.userId;
  };
  const audit = (userId: string, type: AuditEntry["type"] = "password.changed", payload = {}): AuditEntry => ({ type, userId, context: {}, payload });
  const extras = (userId: string, more: Partial<ChangeExtras> = {}): ChangeExtras => ({
    replacedHash: null,
    nfkc: false,
    historyLimit: 0,
    audit: audit(userId),
    ...more,
  });

  it("gives a user's check slot to one of many racing checks", async () => {
    const userId = await newUser();
    const now = Date.now();
    const slots = await Promise.all(Array.from({ length: 10 }, () => store.users.beginPasswordCheck(userId, 0, now, now + 5000)));
    assert.equal(slots.filter((s) => s.taken).length, 1);
    assert.ok(slots.every((s) => s.taken || s.inFlight));
    await store.users.endPasswordCheck(userId);
    assert.equal((await store.users.beginPasswordCheck(userId, 0, now, now + 5000)).taken, true);
  });

  it("counts racing failures each once, and locks at the maximum with one event", async () => {
    const userId = await newUser();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => store.users.recordFailedAttempt(userId, 3, audit(userId, "password.check.failed"), new Date(), () => 0)),
    );
    assert.equal(results.filter((r) => r.counted).length, 3);
    assert.equal((await store.users.findUser(userId))!.failedAttempts, 3);
    assert.equal((await store.users.findUser(userId))!.state, "locked");
    const locks = (await store.audit.list({ userId })).filter((e) => e.type === "user.locked");
    assert.equal(locks.length, 1);
  });

  it("commits a change only from the sequence it read, and keeps the history it is asked for", async () => {
    const userId = await newUser();
    const at = new Date();
    const racing = await Promise.all([
      store.users.commitPasswordChange(userId, 1, "hash-2a", at, extras(userId)),
      store.users.commitPasswordChange(userId, 1, "hash-2b", at, extras(userId)),
    ]);
    assert.equal(racing.filter(Boolean).length, 1, "one of two changes from the same sequence commits");
    for (let sequence = 2; sequence <= 4; sequence++) {
      const replacedHash = { hash: `old-${sequence}`, nfkc: false };
      await store.users.commitPasswordChange(userId, sequence, `hash-${sequence + 1}`, at, extras(userId, { replacedHash, historyLimit: 2 }));
    }
    assert.deepEqual(
      (await store.users.passwordHistory(userId, 5)).map((h) => h.hash),
      ["old-4", "old-3"],
    );
    assert.equal((await store.users.findUser(userId))!.sequence, 5);
    assert.deepEqual(
      (await database.events(userId)).map((e) => e.sequence),
      [1, 2, 3, 4, 5],
    );
  });

  it("lets a reset code be tried at most so many times, and used once, in the change's transaction", async () => {
    const userId = await newUser();
    const now = new Date();
    const code = { userId, codeHash: "code-hash", createdAt: now, expiresAt: new Date(now.getTime() + 60_000) };
    await store.resetCodes.saveResetCode(code, audit(userId, "password.reset.requested"), undefined);
    const tries = await Promise.all(Array.from({ length: 8 }, () => store.resetCodes.takeCodeAttempt(userId, 5)));
    assert.equal(tries.filter(Boolean).length, 5);
    await store.resetCodes.giveCodeAttemptBack(userId, "code-hash");
    assert.ok(await store.resetCodes.takeCodeAttempt(userId, 5), "a try given back can be taken again");
    const resetCode = { codeHash: "code-hash", audit: audit(userId, "password.reset.used") };
    const used = await Promise.all([
      store.users.commitPasswordChange(userId, 1, "hash-2", now, extras(userId, { resetCode })),
      store.users.commitPasswordChange(userId, 1, "hash-2", now, extras(userId, { resetCode })),
    ]);
    assert.equal(used.filter(Boolean).length, 1);
    assert.equal(await store.resetCodes.resetCodeExists(userId, "code-hash"), false);
  });

  it("reads an organisation's policy, else the instance's, and refuses one for no organisation, writing nothing", async () => {
    const userId = await newUser();
    const orgId = (await store.users.findUser(userId))!.orgId;
    assert.equal((await store.policies.forOrg(orgId)).source, "instance");
    await store.policies.setPolicy(
      orgId,
      { ...DEFAULT_POLICY, complexity: { ...DEFAULT_POLICY.complexity, minLength: 12 } },
      { type: "policy.changed", orgId, context: {} },
    );
    const own = await store.policies.forOrg(orgId);
    assert.deepEqual([own.source, own.policy.complexity.minLength], ["org", 12]);
    await assert.rejects(
      store.policies.setPolicy("404", DEFAULT_POLICY, { type: "policy.changed", orgId: "404", context: {} }),
      (err) => err instanceof StoreInputError,
    );
    assert.equal(await store.policies.storedPolicy("404"), undefined);
    assert.deepEqual(await store.audit.list({ orgId: "404" }), []);
  });

  it("folds a user's repeated refusals within a minute into one counted audit row", async () => {
    const userId = await newUser();
    const refused = audit(userId, "password.change.refused", { id: "DOMAIN-HuJf6" });
    const at = Date.now();
    for (let i = 0; i < 3; i++) await store.audit.record(refused, new Date(at + i * 1000));
    await store.audit.record(audit(userId, "password.change.refused", { id: "DOMAIN-co3Xw" }), new Date(at));
    const rows = await store.audit.list({ userId });
    assert.deepEqual(
      rows.map((r) => [r.payload.id, r.count]),
      [
        ["DOMAIN-HuJf6", 3],
        ["DOMAIN-co3Xw", 1],
      ],
    );
  });

  it("keeps the first signing key of processes racing to create one", async () => {
    const values = await Promise.all(["a", "b", "c"].map((v) => store.signingKeys.signingKey("race", async () => v)));
    assert.equal(new Set(values).size, 1);
  });

  it("makes the instance's ID once, the same for processes racing to make it", async () => {
    const others = await Promise.all([1, 2].map(() => openStore(loadConfig(database.env).config)));
    try {
      const ids = await Promise.all([store, ...others].map((s) => s.orgs.instanceId()));
      assert.equal(new Set(ids).size, 1, ids.join(" "));
      assert.match(ids[0], /^\d+$/);
      assert.equal((await database.db.selectFrom("instance").selectAll().execute()).length, 1);
    } finally {
      await Promise.all(others.map((s) => s.close()));
    }
  });

  it("changes a user's state once: again is no change, and a removed user is gone", async () => {
    const userId = await newUser();
    assert.equal((await store.users.setUserState(userId, "locked", {})).changed, true);
    assert.equal((await store.users.setUserState(userId, "locked", {})).changed, false);
    await store.users.setUserState(userId, "deleted", {});
    await assert.rejects(store.users.setUserState(userId, "active", {}), /no user/);
  });
});
