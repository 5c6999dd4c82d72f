import assert from "node:assert/strict";
import path from "node:path";
import SQLite from "better-sqlite3";

/**
 * After a server stops: no password the test handed it at creation, no token
 * issued for it and no stored hash appears in its log lines or in any event.
 * Service.stop runs this for every server of the whole test run.
 */
export function assertNoSecretsLeaked(dataDir: string, logs: string[], secrets: string[]): void {
  const { hashes, events } = readDatabase(dataDir);
  const haystacks = { logs: logs.join("\n"), events };
  for (const secret of [...secrets, ...hashes].filter((s) => s.length >= 4)) {
    for (const [where, text] of Object.entries(haystacks)) {
      assert.ok(!text.includes(secret), `a password, hash or token in the ${where}: ${secret.slice(0, 4)}…`);
    }
  }
}

function readDatabase(dataDir: string): { hashes: string[]; events: string } {
  let db: SQLite.Database;
  try {
    db = new SQLite(path.join(dataDir, "password-service.db"), { readonly: true, fileMustExist: true });
  } catch {
    return { hashes: [], events: "" };
  }
  try {
    const rows = (sql: string) => {
      try {
        return db.prepare(sql).all() as Record<string, unknown>[];
      } catch {
        return []; // a test that broke the schema on purpose
      }
    };
    const hashes = [
      ...rows("select password_hash from users where password_hash is not null"),
      ...rows("select password_hash from password_history"),
    ].map((r) => String(r.password_hash));
    const events = JSON.stringify([...rows("select * from events"), ...rows("select * from audit_events")]);
    return { hashes, events };
  } finally {
    db.close();
  }
}
