import type { Kysely } from "kysely";
import type { AuditEntry, RequestContext } from "../core/audit.js";
import { servedLanguage } from "../core/messages.js";
import type { ChangeExtras, CheckSlot, CommittedChange, FailedAttempt, StoredHash, UserRecord, UserStore } from "../core/user-store.js";
import type { IdGenerator } from "../core/ids.js";
import type { CutoffSource, TokenCutoff } from "../core/revocation.js";
import { insertAudit } from "./audit-rows.js";
import { StoreInputError } from "./input-error.js";
import { queueMail } from "./mail-outbox.js";
import { Prepared } from "./prepared.js";
import { voidResetCode } from "./reset-codes.js";
import type { Database, UserRow, UserState } from "./schema.js";

/**
 * The user as the change sees it: its password, its check slot and failed
 * attempts, its history of hashes, its token cutoff and its state. A change
 * commits with its event, history, audit, notice and the reset code it used,
 * in one transaction.
 */
export class UserRepository implements UserStore, CutoffSource {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
  ) {}

  async findUser(userId: string): Promise<UserRecord | undefined> {
    const row = await findUser.first(this.db, { userId });
    return row && toRecord(row);
  }

  async beginPasswordCheck(userId: string, maxAttempts: number, nowMs: number, leaseUntilMs: number): Promise<CheckSlot> {
    const attemptsBelow = maxAttempts > 0 ? maxAttempts : NO_LIMIT;
    const taken = await takeCheckSlot.first(this.db, { userId, nowMs, leaseUntilMs, attemptsBelow });
    if (taken) {
      return {
        taken: true,
        user: {
          passwordHash: taken.password_hash,
          passwordNfkc: nfkcOf(taken.password_nfkc),
          sequence: Number(taken.sequence),
          failedAttempts: taken.failed_attempts,
        },
        cutoff: cutoffOf(taken),
      };
    }
    const row = await checkSlotState.first(this.db, { userId });
    if (!row) return { taken: false, state: "deleted", failedAttempts: 0, inFlight: false, notBeforeMs: 0 };
    return {
      taken: false,
      state: row.state,
      failedAttempts: row.failed_attempts,
      inFlight: Number(row.check_lease_until) > nowMs,
      notBeforeMs: Number(row.check_not_before),
    };
  }

  async endPasswordCheck(userId: string): Promise<void> {
    await endCheck.run(this.db, { userId });
  }

  async renewPasswordCheck(userId: string, nowMs: number, leaseUntilMs: number): Promise<void> {
    await renewCheck.run(this.db, { userId, nowMs, leaseUntilMs });
  }

  async recordFailedAttempt(
    userId: string,
    maxAttempts: number,
    audit: AuditEntry,
    at: Date,
    delayMs: (failedAttempts: number) => number,
    userEvent?: string,
  ): Promise<FailedAttempt> {
    return this.db.transaction().execute(async (tx) => {
      // One statement, so concurrent failures each count exactly once; only
      // an active user counts, so the user locks at the maximum, not later.
      const row = await tx
        .updateTable("users")
        .set((eb) => ({
          failed_attempts: eb("failed_attempts", "+", 1),
          state:
            maxAttempts > 0
              ? eb
                  .case()
                  .when(eb("failed_attempts", "+", 1), ">=", maxAttempts)
                  .then("locked" as UserState)
                  .else(eb.ref("state"))
                  .end()
              : eb.ref("state"),
          check_lease_until: 0,
          sequence: eb("sequence", "+", userEvent ? 1 : 0),
        }))
        .where("id", "=", userId)
        .where("state", "=", "active")
        .returning(["failed_attempts", "state", "sequence"])
        .executeTakeFirst();
      if (!row) {
        // An administrator locked or removed the user since the check began.
        await endCheck.run(tx, { userId });
        const now = await tx.selectFrom("users").select(["failed_attempts", "state"]).where("id", "=", userId).executeTakeFirstOrThrow();
        return { failedAttempts: now.failed_attempts, locked: now.state === "locked", counted: false };
      }
      await tx
        .updateTable("users")
        .set({ check_not_before: at.getTime() + delayMs(row.failed_attempts) })
        .where("id", "=", userId)
        .execute();
      if (userEvent) {
        await tx
          .insertInto("events")
          .values({ user_id: userId, sequence: Number(row.sequence), type: userEvent, created_at: at.getTime(), payload: "{}" })
          .execute();
      }
      const locked = row.state === "locked";
      await insertAudit(tx, this.ids, { ...audit, payload: { failedAttempts: row.failed_attempts } }, at);
      if (locked)
        await insertAudit(
          tx,
          this.ids,
          { ...audit, type: "user.locked", payload: { reason: "max_password_attempts", failedAttempts: row.failed_attempts } },
          at,
        );
      return { failedAttempts: row.failed_attempts, locked, counted: true };
    });
  }

  async commitPasswordChange(
    userId: string,
    expectedSequence: number,
    passwordHash: string,
    at: Date,
    extras: ChangeExtras,
  ): Promise<CommittedChange | undefined> {
    return this.db
      .transaction()
      .execute(async (tx) => {
        // The user row moves only from the sequence the caller read: a
        // concurrent change that committed first makes this update miss.
        const tokens = extras.revokeTokens ? { tokens_valid_after: at.getTime(), token_exempt: extras.revokeTokens.exempt } : {};
        const voided = await voidResetCode(tx, userId);
        if (extras.resetCode && voided !== extras.resetCode.codeHash) throw new RolledBack();
        const updated = await tx
          .updateTable("users")
          .set({
            password_hash: passwordHash,
            password_nfkc: extras.nfkc ? 1 : 0,
            password_change_required: extras.changeRequired ? 1 : 0,
            sequence: expectedSequence + 1,
            failed_attempts: 0,
            check_lease_until: 0,
            changed_at: at.getTime(),
            ...tokens,
          })
          .where("id", "=", userId)
          .where("sequence", "=", expectedSequence)
          .where("state", "=", "active")
          .returning(["org_id"])
          .executeTakeFirst();
        if (!updated) throw new RolledBack(); // undoes the code's use
        const sequence = expectedSequence + 1;
        await tx.insertInto("events").values({ user_id: userId, sequence, type: "user.password.changed", created_at: at.getTime(), payload: "{}" }).execute();
        await this.keepHistory(tx, userId, sequence, extras, at);
        if (extras.revokeTokens) await endSessions(tx, userId, extras.revokeTokens.exempt);
        const voidedCode = voided !== undefined && !extras.resetCode ? { resetCodeVoided: true } : {};
        await insertAudit(tx, this.ids, { ...extras.audit, payload: { ...extras.audit.payload, sequence, ...voidedCode } }, at);
        if (extras.resetCode) await insertAudit(tx, this.ids, extras.resetCode.audit, at);
        if (extras.notice) await queueMail(tx, this.ids, extras.notice, at);
        return { sequence, changedAt: at, resourceOwner: updated.org_id };
      })
      .catch((err) => {
        if (err instanceof RolledBack) return undefined;
        throw err;
      });
  }

  /** Keeps the replaced hash and at most `historyLimit` old hashes in all; none are kept that no policy asks for. */
  private async keepHistory(tx: Kysely<Database>, userId: string, sequence: number, extras: ChangeExtras, at: Date) {
    if (extras.historyLimit > 0 && extras.replacedHash) {
      await tx
        .insertInto("password_history")
        .values({
          user_id: userId,
          sequence,
          password_hash: extras.replacedHash.hash,
          password_nfkc: extras.replacedHash.nfkc === null ? null : Number(extras.replacedHash.nfkc),
          created_at: at.getTime(),
        })
        .execute();
    }
    await tx
      .deleteFrom("password_history")
      .where("user_id", "=", userId)
      .where((eb) =>
        eb(
          "sequence",
          "not in",
          eb.selectFrom("password_history").select("sequence").where("user_id", "=", userId).orderBy("sequence", "desc").limit(extras.historyLimit),
        ),
      )
      .execute();
  }

  /** The user's last `count` replaced hashes, newest first. */
  async passwordHistory(userId: string, count: number): Promise<StoredHash[]> {
    if (count <= 0) return [];
    const rows = await this.db
      .selectFrom("password_history")
      .select(["password_hash", "password_nfkc"])
      .where("user_id", "=", userId)
      .orderBy("sequence", "desc")
      .limit(count)
      .execute();
    return rows.map((r) => ({ hash: r.password_hash, nfkc: nfkcOf(r.password_nfkc) }));
  }

  async tokenCutoff(userId: string): Promise<TokenCutoff | undefined> {
    const row = await tokenCutoff.first(this.db, { userId });
    return row && cutoffOf(row);
  }

  /**
   * An administrator's change of a user's state, with its event. Unlocking
   * also clears the failed-attempt count, so the user starts afresh. A user
   * already in that state is left as it is: `changed` is false and no event
   * is written, so that running a command again is safe.
   */
  async setUserState(
    userId: string,
    state: "active" | "locked" | "deleted",
    context: RequestContext,
    at = new Date(),
  ): Promise<{ sequence: number; changed: boolean }> {
    const from: Record<typeof state, UserState[]> = { active: ["locked"], locked: ["active"], deleted: ["initial", "active", "locked"] };
    return this.db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable("users")
        .set((eb) => ({ state, sequence: eb("sequence", "+", 1), changed_at: at.getTime() }))
        .where("id", "=", userId)
        .where("state", "in", from[state])
        .returning(["sequence", "org_id", "failed_attempts"])
        .executeTakeFirst();
      if (!updated) {
        const user = await tx.selectFrom("users").select(["state", "sequence"]).where("id", "=", userId).executeTakeFirst();
        if (!user || (user.state === "deleted" && state !== "deleted")) throw new StoreInputError(`no user ${userId}`);
        if (user.state === state) return { sequence: Number(user.sequence), changed: false };
        throw new StoreInputError(`user ${userId} is ${user.state}; cannot make it ${state}`);
      }
      const sequence = Number(updated.sequence);
      // Unlocking clears the count and the tarpit; the update above returned the count for the audit event.
      if (state === "active") await tx.updateTable("users").set({ failed_attempts: 0, check_not_before: 0 }).where("id", "=", userId).execute();
      // A locked or removed user's sessions end with it.
      if (state !== "active") await tx.deleteFrom("sessions").where("user_id", "=", userId).execute();
      const type = { active: "user.unlocked", locked: "user.locked", deleted: "user.removed" }[state];
      await tx.insertInto("events").values({ user_id: userId, sequence, type, created_at: at.getTime(), payload: "{}" }).execute();
      const payload = { sequence, ...(state === "active" ? { clearedFailedAttempts: updated.failed_attempts } : {}) };
      await insertAudit(tx, this.ids, { type: type as AuditEntry["type"], context, userId, orgId: updated.org_id, payload }, at);
      return { sequence, changed: true };
    });
  }
}

/**
 * Ends the user's sessions as a change revokes its tokens: all of them, but
 * for the one whose token made the change (`exempt`, its token's SHA-256).
 */
async function endSessions(tx: Kysely<Database>, userId: string, exempt: string | null): Promise<void> {
  let query = tx.deleteFrom("sessions").where("user_id", "=", userId);
  if (exempt !== null) query = query.where("token_hash", "<>", exempt);
  await query.execute();
}

/** Stands for "no maximum" of failed attempts: above any count, and an integer to PostgreSQL. */
const NO_LIMIT = 2 ** 31 - 1;

const findUser = new Prepared((db, p: { userId: string }) =>
  db
    .selectFrom("users")
    .innerJoin("orgs", "orgs.id", "users.org_id")
    .selectAll("users")
    .select(["orgs.name as org_name", "orgs.is_default as org_is_default"])
    .where("users.id", "=", p.userId),
);

/** One statement: of requests racing on any number of processes, one takes the slot. */
const takeCheckSlot = new Prepared((db, p: { userId: string; nowMs: number; leaseUntilMs: number; attemptsBelow: number }) =>
  db
    .updateTable("users")
    .set({ check_lease_until: p.leaseUntilMs })
    .where("id", "=", p.userId)
    .where("state", "=", "active")
    .where("check_lease_until", "<=", p.nowMs)
    .where("check_not_before", "<=", p.nowMs)
    .where("failed_attempts", "<", p.attemptsBelow)
    .returning(["password_hash", "password_nfkc", "sequence", "failed_attempts", "tokens_valid_after", "token_exempt"]),
);

/** Extends a slot still held (a check that outlasts its lease); one already given back stays free. */
const renewCheck = new Prepared((db, p: { userId: string; nowMs: number; leaseUntilMs: number }) =>
  db.updateTable("users").set({ check_lease_until: p.leaseUntilMs }).where("id", "=", p.userId).where("check_lease_until", ">", p.nowMs),
);

const checkSlotState = new Prepared((db, p: { userId: string }) =>
  db.selectFrom("users").select(["state", "failed_attempts", "check_lease_until", "check_not_before"]).where("id", "=", p.userId),
);

const endCheck = new Prepared((db, p: { userId: string }) => db.updateTable("users").set({ check_lease_until: 0 }).where("id", "=", p.userId));

const tokenCutoff = new Prepared((db, p: { userId: string }) =>
  db.selectFrom("users").select(["tokens_valid_after", "token_exempt"]).where("id", "=", p.userId),
);

function toRecord(row: UserRow & { org_name: string; org_is_default: number }): UserRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    username: row.username,
    orgName: row.org_name,
    orgIsDefault: Number(row.org_is_default) === 1,
    kind: row.kind,
    state: row.state,
    passwordHash: row.password_hash,
    passwordNfkc: nfkcOf(row.password_nfkc),
    sequence: Number(row.sequence),
    failedAttempts: row.failed_attempts,
    email: row.email,
    // A language this version does not serve (set by a later one) counts as none.
    preferredLanguage: servedLanguage(row.preferred_language) ?? null,
  };
}

/** Thrown inside a transaction to undo it when a change cannot commit after all. */
class RolledBack extends Error {}

function cutoffOf(row: Pick<UserRow, "tokens_valid_after" | "token_exempt">): TokenCutoff | undefined {
  return row.tokens_valid_after === null ? undefined : { validAfterMs: Number(row.tokens_valid_after), exempt: row.token_exempt };
}

function nfkcOf(column: number | null): boolean | null {
  return column === null ? null : column === 1;
}
