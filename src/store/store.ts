import type { Kysely } from "kysely";
import type { UserStore, UserRecord, CommittedChange } from "../change-password.js";
import type { IdGenerator } from "../ids.js";
import { migrateToLatest } from "./migrations.js";
import type { Database, UserKind, UserRow, UserState } from "./schema.js";

export interface NewUserInput {
  username: string;
  orgId?: string;
  /** Used only when the organisation is created by this call. */
  orgName?: string;
  passwordHash: string | null;
  kind: UserKind;
  state: UserState;
}

export interface CreatedUser {
  userId: string;
  resourceOwner: string;
  sequence: number;
}

export interface StoredEvent {
  userId: string;
  sequence: number;
  type: string;
  createdAt: Date;
  payload: Record<string, unknown>;
}

/** Thrown for mistakes in administrative commands (unknown user, duplicate name). */
export class StoreInputError extends Error {}

/** The only module that speaks SQL. */
export class Store implements UserStore {
  constructor(
    readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
  ) {}

  async migrate(): Promise<string[]> {
    return migrateToLatest(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  async findUser(userId: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst();
    return row && toRecord(row);
  }

  async recordFailedAttempt(userId: string, maxAttempts: number): Promise<{ failedAttempts: number; locked: boolean }> {
    // One statement, so concurrent failures each count exactly once.
    const row = await this.db
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
      }))
      .where("id", "=", userId)
      .returning(["failed_attempts", "state"])
      .executeTakeFirstOrThrow();
    return { failedAttempts: row.failed_attempts, locked: row.state === "locked" };
  }

  async commitPasswordChange(
    userId: string,
    expectedSequence: number,
    passwordHash: string,
    at: Date,
  ): Promise<CommittedChange | undefined> {
    return this.db.transaction().execute(async (tx) => {
      // The user row moves only from the sequence the caller read: a
      // concurrent change that committed first makes this update miss.
      const updated = await tx
        .updateTable("users")
        .set({ password_hash: passwordHash, sequence: expectedSequence + 1, failed_attempts: 0, changed_at: at.getTime() })
        .where("id", "=", userId)
        .where("sequence", "=", expectedSequence)
        .where("state", "=", "active")
        .returning(["org_id"])
        .executeTakeFirst();
      if (!updated) return undefined;
      const sequence = expectedSequence + 1;
      await tx
        .insertInto("events")
        .values({ user_id: userId, sequence, type: "user.password.changed", created_at: at.getTime(), payload: "{}" })
        .execute();
      return { sequence, changedAt: at, resourceOwner: updated.org_id };
    });
  }

  async createUser(input: NewUserInput, at = new Date()): Promise<CreatedUser> {
    // Every write transaction here writes before it reads: in WAL mode a
    // transaction that read first and then writes fails with SQLITE_BUSY_SNAPSHOT,
    // not waiting, when another process committed in between.
    return this.db.transaction().execute(async (tx) => {
      const orgId = input.orgId ?? this.ids.next();
      await tx
        .insertInto("orgs")
        .values({ id: orgId, name: input.orgName ?? `org-${orgId}`, created_at: at.getTime() })
        .onConflict((oc) => oc.column("id").doNothing())
        .execute();
      const taken = await tx
        .selectFrom("users")
        .select("id")
        .where("org_id", "=", orgId)
        .where("username", "=", input.username)
        .executeTakeFirst();
      if (taken) throw new StoreInputError(`username "${input.username}" is taken in organisation ${orgId}`);
      const userId = this.ids.next();
      await tx
        .insertInto("users")
        .values({
          id: userId,
          org_id: orgId,
          username: input.username,
          kind: input.kind,
          state: input.state,
          password_hash: input.passwordHash,
          sequence: 1,
          failed_attempts: 0,
          created_at: at.getTime(),
          changed_at: at.getTime(),
        })
        .execute();
      const payload = JSON.stringify({ username: input.username, kind: input.kind, state: input.state });
      await tx
        .insertInto("events")
        .values({ user_id: userId, sequence: 1, type: "user.added", created_at: at.getTime(), payload })
        .execute();
      return { userId, resourceOwner: orgId, sequence: 1 };
    });
  }

  /**
   * Adds `count` active users named PREFIX-0.. in one new organisation, all
   * with the same hash, in batches: for benchmarks and load tests, where
   * creating a million users one by one would take longer than the test.
   */
  async seedUsers(prefix: string, count: number, passwordHash: string, at = new Date()): Promise<{ orgId: string; userIds: string[] }> {
    const orgId = this.ids.next();
    const userIds: string[] = [];
    const batch = 1000;
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto("orgs").values({ id: orgId, name: prefix, created_at: at.getTime() }).execute();
      for (let start = 0; start < count; start += batch) {
        const ids = Array.from({ length: Math.min(batch, count - start) }, () => this.ids.next());
        userIds.push(...ids);
        await tx
          .insertInto("users")
          .values(ids.map((id, i) => ({
            id,
            org_id: orgId,
            username: `${prefix}-${start + i}`,
            kind: "human" as const,
            state: "active" as const,
            password_hash: passwordHash,
            sequence: 1,
            failed_attempts: 0,
            created_at: at.getTime(),
            changed_at: at.getTime(),
          })))
          .execute();
        await tx
          .insertInto("events")
          .values(ids.map((id) => ({ user_id: id, sequence: 1, type: "user.added", created_at: at.getTime(), payload: "{}" })))
          .execute();
      }
    });
    return { orgId, userIds };
  }

  /**
   * An administrator's change of a user's state, with its event. Unlocking
   * also clears the failed-attempt count, so the user starts afresh.
   */
  async setUserState(userId: string, state: "active" | "locked" | "deleted", at = new Date()): Promise<number> {
    const from: Record<typeof state, UserState[]> = { active: ["locked"], locked: ["active"], deleted: ["initial", "active", "locked"] };
    return this.db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable("users")
        .set((eb) => ({
          state,
          sequence: eb("sequence", "+", 1),
          changed_at: at.getTime(),
          ...(state === "active" ? { failed_attempts: 0 } : {}),
        }))
        .where("id", "=", userId)
        .where("state", "in", from[state])
        .returning("sequence")
        .executeTakeFirst();
      if (!updated) {
        const user = await tx.selectFrom("users").select("state").where("id", "=", userId).executeTakeFirst();
        if (!user || user.state === "deleted") throw new StoreInputError(`no user ${userId}`);
        throw new StoreInputError(`user ${userId} is ${user.state}; cannot make it ${state}`);
      }
      const sequence = Number(updated.sequence);
      const type = { active: "user.unlocked", locked: "user.locked", deleted: "user.removed" }[state];
      await tx.insertInto("events").values({ user_id: userId, sequence, type, created_at: at.getTime(), payload: "{}" }).execute();
      return sequence;
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

  async listEvents(userId: string): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom("events")
      .selectAll()
      .where("user_id", "=", userId)
      .orderBy("sequence")
      .execute();
    return rows.map((r) => ({
      userId: r.user_id,
      sequence: Number(r.sequence),
      type: r.type,
      createdAt: new Date(Number(r.created_at)),
      payload: JSON.parse(r.payload),
    }));
  }
}

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    kind: row.kind,
    state: row.state,
    passwordHash: row.password_hash,
    sequence: Number(row.sequence),
    failedAttempts: row.failed_attempts,
  };
}
