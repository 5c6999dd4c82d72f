import type { Kysely } from "kysely";
import type { AuditEntry, AuditLog, RequestContext } from "../core/audit.js";
import type { ChangeExtras, CheckSlot, CommittedChange, FailedAttempt, StoredHash, UserRecord, UserStore } from "../core/change-password.js";
import type { IdGenerator } from "../core/ids.js";
import type { OutboxMail } from "../mail/mail.js";
import type { EffectivePolicy, PasswordPolicy, PolicySource } from "../core/policy.js";
import type { CodeAttempt, ResetCode, ResetStore } from "../core/reset-password.js";
import type { CutoffSource, TokenCutoff } from "../core/revocation.js";
import { insertAudit } from "./audit-rows.js";
import { Directory } from "./directory.js";
import { StoreInputError } from "./input-error.js";
import { MailOutbox, queueMail } from "./mail-outbox.js";
import { migrateToLatest } from "./migrations.js";
import { effectiveFromRows, INSTANCE_SCOPE, policyFromRow, policyToRow } from "./policy-rows.js";
import type { Database, UserRow, UserState } from "./schema.js";

export { StoreInputError };

/** Refusals repeated within this window of the first share its audit row. */
const AUDIT_COALESCE_MS = 60_000;

/** The only module that speaks SQL. */
export class Store implements UserStore, ResetStore, PolicySource, CutoffSource, AuditLog {
  /** Organisations and users, for administrators and the import. */
  readonly directory: Directory;
  /** Mail waiting to be sent. */
  readonly outbox: MailOutbox;

  constructor(
    readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
  ) {
    this.directory = new Directory(db, ids);
    this.outbox = new MailOutbox(db, ids);
  }

  async migrate(): Promise<string[]> {
    return migrateToLatest(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  async findUser(userId: string): Promise<UserRecord | undefined> {
    const row = await this.db
      .selectFrom("users")
      .innerJoin("orgs", "orgs.id", "users.org_id")
      .selectAll("users")
      .select("orgs.name as org_name")
      .where("users.id", "=", userId)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async beginPasswordCheck(userId: string, maxAttempts: number, nowMs: number, leaseUntilMs: number): Promise<CheckSlot> {
    // One statement: of requests racing on any number of processes, one takes it.
    let take = this.db
      .updateTable("users")
      .set({ check_lease_until: leaseUntilMs })
      .where("id", "=", userId)
      .where("state", "=", "active")
      .where("check_lease_until", "<=", nowMs)
      .where("check_not_before", "<=", nowMs);
    if (maxAttempts > 0) take = take.where("failed_attempts", "<", maxAttempts);
    const taken = await take.returning(["password_hash", "password_nfkc", "sequence", "failed_attempts"]).executeTakeFirst();
    if (taken) {
      return {
        taken: true,
        user: {
          passwordHash: taken.password_hash,
          passwordNfkc: nfkcOf(taken.password_nfkc),
          sequence: Number(taken.sequence),
          failedAttempts: taken.failed_attempts,
        },
      };
    }
    const row = await this.db
      .selectFrom("users")
      .select(["state", "failed_attempts", "check_lease_until", "check_not_before"])
      .where("id", "=", userId)
      .executeTakeFirst();
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
    await this.db.updateTable("users").set({ check_lease_until: 0 }).where("id", "=", userId).execute();
  }

  async recordFailedAttempt(
    userId: string,
    maxAttempts: number,
    audit: AuditEntry,
    at: Date,
    delayMs: (failedAttempts: number) => number,
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
        }))
        .where("id", "=", userId)
        .where("state", "=", "active")
        .returning(["failed_attempts", "state"])
        .executeTakeFirst();
      if (!row) {
        // An administrator locked or removed the user since the check began.
        await tx.updateTable("users").set({ check_lease_until: 0 }).where("id", "=", userId).execute();
        const now = await tx.selectFrom("users").select(["failed_attempts", "state"]).where("id", "=", userId).executeTakeFirstOrThrow();
        return { failedAttempts: now.failed_attempts, locked: now.state === "locked", counted: false };
      }
      await tx
        .updateTable("users")
        .set({ check_not_before: at.getTime() + delayMs(row.failed_attempts) })
        .where("id", "=", userId)
        .execute();
      const locked = row.state === "locked";
      await this.insertAudit(tx, { ...audit, payload: { failedAttempts: row.failed_attempts } }, at);
      if (locked) await this.insertAudit(tx, { ...audit, type: "user.locked", payload: { reason: "max_password_attempts", failedAttempts: row.failed_attempts } }, at);
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
    return this.db.transaction().execute(async (tx) => {
      // The user row moves only from the sequence the caller read: a
      // concurrent change that committed first makes this update miss.
      const tokens = extras.revokeTokens
        ? { tokens_valid_after: at.getTime(), token_exempt: extras.revokeTokens.exempt }
        : {};
      if (extras.resetCode) {
        // Used once: of requests racing with one code, one deletes it.
        const used = await tx
          .deleteFrom("password_reset_codes")
          .where("user_id", "=", userId)
          .where("code_hash", "=", extras.resetCode.codeHash)
          .executeTakeFirst();
        if (used.numDeletedRows === 0n) return undefined;
      }
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
      await tx
        .insertInto("events")
        .values({ user_id: userId, sequence, type: "user.password.changed", created_at: at.getTime(), payload: "{}" })
        .execute();
      await this.keepHistory(tx, userId, sequence, extras, at);
      await this.insertAudit(tx, { ...extras.audit, payload: { ...extras.audit.payload, sequence } }, at);
      if (extras.resetCode) await this.insertAudit(tx, extras.resetCode.audit, at);
      if (extras.notice) await queueMail(tx, this.ids, extras.notice, at);
      return { sequence, changedAt: at, resourceOwner: updated.org_id };
    }).catch((err) => {
      if (err instanceof RolledBack) return undefined;
      throw err;
    });
  }

  async saveResetCode(code: ResetCode, audit: AuditEntry, mail: OutboxMail | undefined): Promise<void> {
    const at = code.createdAt;
    await this.db.transaction().execute(async (tx) => {
      const row = { code_hash: code.codeHash, created_at: at.getTime(), expires_at: code.expiresAt.getTime(), attempts: 0 };
      await tx
        .insertInto("password_reset_codes")
        .values({ user_id: code.userId, ...row })
        .onConflict((oc) => oc.column("user_id").doUpdateSet(row))
        .execute();
      await this.insertAudit(tx, audit, at);
      if (mail) await queueMail(tx, this.ids, mail, at);
    });
  }

  async takeCodeAttempt(userId: string, max: number): Promise<CodeAttempt | undefined> {
    const row = await this.db
      .updateTable("password_reset_codes")
      .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
      .where("user_id", "=", userId)
      .where("attempts", "<", max)
      .returning(["code_hash", "expires_at", "attempts"])
      .executeTakeFirst();
    return row && { codeHash: row.code_hash, expiresAtMs: Number(row.expires_at), attempts: row.attempts };
  }

  async giveCodeAttemptBack(userId: string, codeHash: string): Promise<void> {
    await this.db
      .updateTable("password_reset_codes")
      .set((eb) => ({ attempts: eb("attempts", "-", 1) }))
      .where("user_id", "=", userId)
      .where("code_hash", "=", codeHash)
      .where("attempts", ">", 0)
      .execute();
  }

  async voidCode(userId: string, codeHash: string): Promise<void> {
    await this.db.deleteFrom("password_reset_codes").where("user_id", "=", userId).where("code_hash", "=", codeHash).execute();
  }

  async resetCodeExists(userId: string, codeHash: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("password_reset_codes")
      .select("user_id")
      .where("user_id", "=", userId)
      .where("code_hash", "=", codeHash)
      .executeTakeFirst();
    return row !== undefined;
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
    const kept = await tx
      .selectFrom("password_history")
      .select("sequence")
      .where("user_id", "=", userId)
      .orderBy("sequence", "desc")
      .limit(extras.historyLimit)
      .execute();
    let prune = tx.deleteFrom("password_history").where("user_id", "=", userId);
    if (kept.length > 0) prune = prune.where("sequence", "not in", kept.map((k) => k.sequence));
    await prune.execute();
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
    const row = await this.db
      .selectFrom("users")
      .select(["tokens_valid_after", "token_exempt"])
      .where("id", "=", userId)
      .executeTakeFirst();
    if (!row || row.tokens_valid_after === null) return undefined;
    return { validAfterMs: Number(row.tokens_valid_after), exempt: row.token_exempt };
  }

  /** The organisation's policy, else the instance default, else ZITADEL's defaults. */
  async forOrg(orgId: string): Promise<EffectivePolicy> {
    const rows = await this.db.selectFrom("policies").selectAll().where("scope", "in", [orgId, INSTANCE_SCOPE]).execute();
    return effectiveFromRows(
      rows.find((r) => r.scope === orgId),
      rows.find((r) => r.scope === INSTANCE_SCOPE),
    );
  }

  /** The instance default: stored, or ZITADEL's defaults. */
  async instancePolicy(): Promise<EffectivePolicy> {
    const row = await this.db.selectFrom("policies").selectAll().where("scope", "=", INSTANCE_SCOPE).executeTakeFirst();
    return effectiveFromRows(undefined, row);
  }

  /** Whether an organisation exists. */
  async orgExists(orgId: string): Promise<boolean> {
    return (await this.db.selectFrom("orgs").select("id").where("id", "=", orgId).executeTakeFirst()) !== undefined;
  }

  /** The stored policy of one scope (an organisation, or the instance when orgId is undefined), if any. */
  async storedPolicy(orgId: string | undefined): Promise<PasswordPolicy | undefined> {
    const row = await this.db.selectFrom("policies").selectAll().where("scope", "=", orgId ?? INSTANCE_SCOPE).executeTakeFirst();
    return row && policyFromRow(row);
  }

  /** Writes a scope's whole policy, with its audit event, in one transaction. */
  async setPolicy(orgId: string | undefined, policy: PasswordPolicy, audit: AuditEntry, at = new Date()): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      // The write comes first, so that a concurrent writer makes this wait rather than fail (see createUser).
      const row = policyToRow(orgId ?? INSTANCE_SCOPE, policy, at);
      const { scope, ...values } = row;
      await tx
        .insertInto("policies")
        .values(row)
        .onConflict((oc) => oc.column("scope").doUpdateSet((eb) => ({ ...values, sequence: eb(eb.ref("policies.sequence"), "+", 1) })))
        .execute();
      if (orgId !== undefined) {
        const org = await tx.selectFrom("orgs").select("id").where("id", "=", orgId).executeTakeFirst();
        if (!org) throw new StoreInputError(`no organisation ${orgId}`); // rolls the write back
      }
      await this.insertAudit(tx, audit, at);
    });
  }

  /**
   * An audit event with no other effect to commit with: a refused change.
   * Refusals of one kind for one user within a minute of the first share its
   * row, counted, so that one token cannot grow the table at will.
   */
  async record(entry: AuditEntry, at: Date): Promise<void> {
    if (entry.userId) {
      const repeated = await this.db
        .updateTable("audit_events")
        .set((eb) => ({ repeat_count: eb("repeat_count", "+", 1), last_at: at.getTime() }))
        .where("user_id", "=", entry.userId)
        .where("created_at", ">", at.getTime() - AUDIT_COALESCE_MS)
        .where("type", "=", entry.type)
        .where("payload", "=", JSON.stringify(entry.payload ?? {}))
        .executeTakeFirst();
      if (repeated.numUpdatedRows > 0n) return;
    }
    await this.insertAudit(this.db, entry, at);
  }

  private async insertAudit(db: Kysely<Database>, entry: AuditEntry, at: Date): Promise<void> {
    await insertAudit(db, this.ids, entry, at);
  }

  async listAudit(of: { userId: string } | { orgId: string }): Promise<AuditRecord[]> {
    const [column, value] = "userId" in of ? (["user_id", of.userId] as const) : (["org_id", of.orgId] as const);
    const rows = await this.db.selectFrom("audit_events").selectAll().where(column, "=", value).orderBy("id").execute();
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      at: new Date(Number(r.created_at)).toISOString(),
      userId: r.user_id,
      orgId: r.org_id,
      userAgent: r.user_agent,
      remoteAddress: r.remote_address,
      payload: JSON.parse(r.payload),
      count: r.repeat_count,
      lastAt: r.last_at === null ? null : new Date(Number(r.last_at)).toISOString(),
    }));
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
      const type = { active: "user.unlocked", locked: "user.locked", deleted: "user.removed" }[state];
      await tx.insertInto("events").values({ user_id: userId, sequence, type, created_at: at.getTime(), payload: "{}" }).execute();
      const payload = { sequence, ...(state === "active" ? { clearedFailedAttempts: updated.failed_attempts } : {}) };
      await this.insertAudit(tx, { type: type as AuditEntry["type"], context, userId, orgId: updated.org_id, payload }, at);
      return { sequence, changed: true };
    });
  }

  /**
   * The signing key stored under `name`, storing `create()`'s first if there
   * is none. Processes that race on first use all read the one that won.
   */
  async signingKey(name: string, create: () => Promise<string>): Promise<string> {
    const read = () => this.db.selectFrom("signing_keys").select("value").where("name", "=", name).executeTakeFirst();
    const existing = await read();
    if (existing) return existing.value;
    await this.db
      .insertInto("signing_keys")
      .values({ name, value: await create(), created_at: Date.now() })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
    return (await read())!.value;
  }
}

export interface AuditRecord {
  id: string;
  type: string;
  at: string;
  userId: string | null;
  orgId: string | null;
  userAgent: string | null;
  remoteAddress: string | null;
  payload: Record<string, unknown>;
  /** How many refusals this row stands for (see record), and when the last came. */
  count: number;
  lastAt: string | null;
}

function toRecord(row: UserRow & { org_name: string }): UserRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    username: row.username,
    orgName: row.org_name,
    kind: row.kind,
    state: row.state,
    passwordHash: row.password_hash,
    passwordNfkc: nfkcOf(row.password_nfkc),
    sequence: Number(row.sequence),
    failedAttempts: row.failed_attempts,
    email: row.email,
  };
}

/** Thrown inside a transaction to undo it when a change cannot commit after all. */
class RolledBack extends Error {}

function nfkcOf(column: number | null): boolean | null {
  return column === null ? null : column === 1;
}
