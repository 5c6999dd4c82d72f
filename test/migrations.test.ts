import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { migrateToLatest } from "../src/store/migrations.js";
import { TestDatabase } from "./support/service.js";

describe("migrating a database from before imported users", () => {
  let database: TestDatabase;
  before(async () => {
    database = await TestDatabase.create();
  });
  after(() => database.drop());

  it("keeps every row, widens IDs and hashes, and makes usernames unique without regard to case", async () => {
    const db = database.db;
    await migrateToLatest(db, "0005_policy_sequence");
    await db.insertInto("orgs").values({ id: "69629023906488000", name: "Old Org", created_at: 1 }).execute();
    const user = {
      org_id: "69629023906488000",
      kind: "human" as const,
      sequence: 2,
      failed_attempts: 1,
      created_at: 1,
      changed_at: 2,
      password_hash: "$2b$04$abcdefghijklmnopqrstuuOOd0TV8Zq7Yfp3pNpnvBE1Dap9b0Lw6",
    };
    await db
      .insertInto("users")
      .values([
        { ...user, id: "69629023906488334", username: "alice", state: "active" },
        { ...user, id: "69629023906488335", username: "Alice", state: "deleted" },
      ])
      .execute();
    await db.insertInto("events").values({ user_id: "69629023906488334", sequence: 1, type: "user.added", created_at: 1, payload: "{}" }).execute();
    await db.insertInto("password_history").values({ user_id: "69629023906488334", sequence: 2, password_hash: user.password_hash, created_at: 2 }).execute();

    assert.deepEqual(await migrateToLatest(db, "0006_imported_users"), ["0006_imported_users"]);
    const rows = await db
      .selectFrom("users")
      .select(["id", "username", "state", "sequence", "failed_attempts", "password_hash", "email"])
      .orderBy("id")
      .execute();
    assert.deepEqual(
      rows.map((r) => [r.id, r.username, r.state, Number(r.sequence), r.failed_attempts, r.password_hash, r.email]),
      [
        ["69629023906488334", "alice", "active", 2, 1, user.password_hash, null],
        ["69629023906488335", "Alice", "deleted", 2, 1, user.password_hash, null],
      ],
    );
    assert.equal((await db.selectFrom("events").selectAll().execute()).length, 1);
    assert.equal((await db.selectFrom("password_history").selectAll().execute()).length, 1);

    const long = {
      ...user,
      id: `auth0|${"x".repeat(190)}`,
      username: "long",
      state: "active" as const,
      password_hash: `$argon2id$v=19$m=65536,t=2,p=1$${"s".repeat(22)}$${"h".repeat(300)}`,
    };
    await db.insertInto("users").values(long).execute();
    await assert.rejects(
      db
        .insertInto("users")
        .values({ ...user, id: "x-1", username: "ALICE", state: "active" })
        .execute(),
      "ALICE is alice",
    );

    // The reset codes and the mail outbox come next; users keep every row, none asked to change its password.
    assert.deepEqual(await migrateToLatest(db, "0007_reset_codes_mail_outbox"), ["0007_reset_codes_mail_outbox"]);
    const flags = await db.selectFrom("users").select("password_change_required").execute();
    assert.deepEqual(
      flags.map((f) => f.password_change_required),
      [0, 0, 0],
    );
    await db
      .insertInto("password_reset_codes")
      .values({ user_id: "69629023906488334", code_hash: "0".repeat(64), created_at: 1, expires_at: 2 })
      .execute();
    await assert.rejects(
      db
        .insertInto("password_reset_codes")
        .values({ user_id: "69629023906488334", code_hash: "1".repeat(64), created_at: 1, expires_at: 2 })
        .execute(),
      "one code per user",
    );

    // The instance's ID comes next, made when first needed: no row yet, and only one ever.
    assert.deepEqual(await migrateToLatest(db, "0009_sessions"), ["0008_instance_id", "0009_sessions"]);
    assert.deepEqual(await db.selectFrom("instance").selectAll().execute(), []);
    await db.insertInto("instance").values({ slot: 1, id: "1", created_at: 1 }).execute();
    await assert.rejects(db.insertInto("instance").values({ slot: 1, id: "2", created_at: 1 }).execute(), "one instance");
    // Sessions come last: a table of their own, its tokens unique, each user's sessions referring to the user.
    const session = {
      id: "s1",
      token_hash: "a".repeat(64),
      token_set_at: 1,
      creator_id: "app",
      user_id: "69629023906488334",
      user_checked_at: 1,
      password_checked_at: 1,
      sequence: 1,
      created_at: 1,
      changed_at: 1,
      expires_at: null,
      metadata: "{}",
      user_agent: "{}",
      fingerprint_id: null,
    };
    await db.insertInto("sessions").values(session).execute();
    await assert.rejects(
      db
        .insertInto("sessions")
        .values({ ...session, id: "s2" })
        .execute(),
      "one session per token",
    );

    // A language per user comes last: none for the users there, one for each user it is set for.
    assert.deepEqual(await migrateToLatest(db), ["0010_preferred_language"]);
    const languages = async () =>
      (await db.selectFrom("users").select(["id", "preferred_language"]).execute()).map((r) => `${r.id}:${r.preferred_language}`).sort();
    assert.deepEqual(await languages(), [`${long.id}:null`, "69629023906488334:null", "69629023906488335:null"].sort());
    await db.updateTable("users").set({ preferred_language: "de" }).where("id", "=", "69629023906488334").execute();
    assert.deepEqual(await languages(), [`${long.id}:null`, "69629023906488334:de", "69629023906488335:null"].sort());
  });

  it("refuses to make usernames unique without regard to case while two in one organisation differ only in case, naming them", async () => {
    const clash = await TestDatabase.create();
    try {
      const db = clash.db;
      await migrateToLatest(db, "0005_policy_sequence");
      await db.insertInto("orgs").values({ id: "org-1", name: "Org", created_at: 1 }).execute();
      const user = { org_id: "org-1", kind: "human" as const, state: "active" as const, sequence: 1, failed_attempts: 0, created_at: 1, changed_at: 1 };
      await db
        .insertInto("users")
        .values([
          { ...user, id: "u1", username: "Bob" },
          { ...user, id: "u2", username: "bob" },
        ])
        .execute();
      const columns = async () => (await db.introspection.getTables()).find((t) => t.name === "users")?.columns.map((c) => c.name);
      const before = await columns();

      await assert.rejects(migrateToLatest(db, "0006_imported_users"), {
        message:
          'usernames become unique without regard to case, but these are taken more than once: "bob" in organisation org-1; rename or remove all but one',
      });
      assert.deepEqual(await columns(), before, "the users table is as it was");
      const users = await db.selectFrom("users").select(["id", "username"]).orderBy("id").execute();
      assert.deepEqual(users, [
        { id: "u1", username: "Bob" },
        { id: "u2", username: "bob" },
      ]);

      // Once one is renamed, the migration runs.
      await db.updateTable("users").set({ username: "bob2" }).where("id", "=", "u2").execute();
      assert.deepEqual(await migrateToLatest(db, "0006_imported_users"), ["0006_imported_users"]);
    } finally {
      await clash.drop();
    }
  });

  it("records the names every database already has, in order, and finds nothing to do the second time", async () => {
    const fresh = await TestDatabase.create();
    try {
      // Renaming a shipped migration would make a migrated database run it again.
      assert.deepEqual(await migrateToLatest(fresh.db), [
        "0001_users_and_events",
        "0002_policies_history_revocation_audit",
        "0003_signing_keys",
        "0004_check_lease_hash_form_audit_count",
        "0005_policy_sequence",
        "0006_imported_users",
        "0007_reset_codes_mail_outbox",
        "0008_instance_id",
        "0009_sessions",
        "0010_preferred_language",
      ]);
      assert.deepEqual(await migrateToLatest(fresh.db), []);
    } finally {
      await fresh.drop();
    }
  });
});
