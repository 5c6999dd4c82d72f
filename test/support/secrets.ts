import assert from "node:assert/strict";
import type { TestDatabase } from "./database.js";

/**
 * After a server stops: no password the test handed it at creation, no token
 * issued for it and no stored hash appears in its log lines or in any event.
 * Service.stop runs this for every server of the whole test run, on either backend.
 */
export async function assertNoSecretsLeaked(database: TestDatabase, logs: string[], secrets: string[]): Promise<void> {
  const { hashes, events } = await readDatabase(database);
  const haystacks = { logs: logs.join("\n"), events };
  for (const secret of [...secrets, ...hashes].filter((s) => s.length >= 4)) {
    for (const [where, text] of Object.entries(haystacks)) {
      assert.ok(!text.includes(secret), `a password, hash or token in the ${where}: ${secret.slice(0, 4)}…`);
    }
  }
}

async function readDatabase(database: TestDatabase): Promise<{ hashes: string[]; events: string }> {
  const db = database.db;
  const rows = async (query: () => Promise<Record<string, unknown>[]>) => {
    try {
      return await query();
    } catch {
      return []; // no database yet, or a test that broke the schema on purpose
    }
  };
  const hashes = [
    ...(await rows(() => db.selectFrom("users").select("password_hash").where("password_hash", "is not", null).execute())),
    ...(await rows(() => db.selectFrom("password_history").select("password_hash").execute())),
  ].map((r) => String(r.password_hash));
  const events = JSON.stringify([
    ...(await rows(() => db.selectFrom("events").selectAll().execute())),
    ...(await rows(() => db.selectFrom("audit_events").selectAll().execute())),
  ]);
  return { hashes, events };
}
