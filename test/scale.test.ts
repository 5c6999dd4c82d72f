import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ON_POSTGRES } from "./support/database.js";
import { assertNothingLost, count, createUsers, runLoad, summary } from "./support/load.js";
import { Service, TestDatabase } from "./support/service.js";

const BACKEND = ON_POSTGRES ? "PostgreSQL" : "SQLite";

describe(`several server processes on one ${BACKEND} database`, () => {
  // Four processes on one SQLite file only queue on its single writer lock; PostgreSQL is where they scale.
  for (const processes of ON_POSTGRES ? [2, 4] : [2]) {
    it(`${processes} processes: concurrent changes of one user and of others lose nothing`, async (t) => {
      const database = await TestDatabase.create();
      // The first process creates the schema and the signing key; the others start together on it.
      const servers = [await Service.spawn({}, database)];
      servers.push(...(await Promise.all(Array.from({ length: processes - 1 }, () => Service.spawn({}, database)))));
      try {
        const users = await createUsers(servers[0], 4);
        const attempts = await runLoad({
          addresses: () => servers.map((s) => s.address),
          users,
          database,
          requests: 40 * processes,
          clients: 2 * processes + 2,
        });
        t.diagnostic(summary(attempts));
        assert.equal(count(attempts, "lost") + count(attempts, "unavailable"), 0, "every request answered");
        for (const server of servers) {
          const answered = attempts.filter((a) => a.address === server.address && a.verdict === "success");
          assert.ok(answered.length > 0, "every process committed changes, with tokens another process issued");
        }
        await assertNothingLost(database, users, attempts);
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
        await database.drop();
      }
    });
  }
});
