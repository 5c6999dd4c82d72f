import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ServiceError } from "../src/core/errors.js";
import { translate } from "../src/store/driver-errors.js";

/** A driver's error as pg and better-sqlite3 throw them: a message, a code, and (pg) the constraint. */
const driverError = (message: string, fields: Record<string, string>) => Object.assign(new Error(message), fields);

describe("driver errors", () => {
  it("answers a taken (user, sequence) or a serialisation failure as a concurrent change", () => {
    const conflicts = [
      driverError('duplicate key value violates unique constraint "events_user_sequence"', { code: "23505", constraint: "events_user_sequence" }),
      driverError("UNIQUE constraint failed: events.user_id, events.sequence", { code: "SQLITE_CONSTRAINT_PRIMARYKEY" }),
      driverError("could not serialize access", { code: "40001" }),
      driverError("deadlock detected", { code: "40P01" }),
    ];
    for (const err of conflicts) {
      const translated = translate(err);
      assert.ok(translated instanceof ServiceError && translated.id === "PWSVC-SEQ01", err.message);
    }
  });

  it("lets any other taken key through as it is: an audit ID or a username is no concurrent password change", () => {
    const others = [
      driverError('duplicate key value violates unique constraint "audit_events_pkey"', { code: "23505", constraint: "audit_events_pkey" }),
      driverError('duplicate key value violates unique constraint "users_org_username_key"', { code: "23505", constraint: "users_org_username_key" }),
      driverError("UNIQUE constraint failed: audit_events.id", { code: "SQLITE_CONSTRAINT_PRIMARYKEY" }),
      driverError("UNIQUE constraint failed: index 'users_org_username_key'", { code: "SQLITE_CONSTRAINT_UNIQUE" }),
    ];
    for (const err of others) assert.equal(translate(err), err, err.message);
  });

  it("answers a lost database as unavailable", () => {
    const translated = translate(driverError("connect ECONNREFUSED 127.0.0.1:5432", { code: "ECONNREFUSED" }));
    assert.ok(translated instanceof ServiceError && translated.id === "PWSVC-DB001");
  });
});
