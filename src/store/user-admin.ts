import { type ExpressionBuilder, type Kysely, type Selectable, sql } from "kysely";
import type { IdGenerator } from "../core/ids.js";
import { StoreInputError } from "./input-error.js";
import { iso, type OrgChoice, type OrgRepository } from "./organisations.js";
import type { Database, UserKind, UserState, UserTable } from "./schema.js";

export interface NewUser extends OrgChoice {
  /** The issuer's subject; generated when absent. */
  id?: string;
  username: string;
  email?: string | null;
  /** A served language's primary subtag (`de`), as `servedLanguage` gives it. */
  preferredLanguage?: string | null;
  passwordHash: string | null;
  /** Whether the hash is of the password's NFKC form; null for imported hashes (unknown). */
  passwordNfkc: boolean | null;
  kind: UserKind;
  state: Exclude<UserState, "deleted">;
}

export interface CreatedUser {
  userId: string;
  resourceOwner: string;
  sequence: number;
}

/** What `user list` and `user show` print: never a hash. */
export interface UserSummary {
  id: string;
  orgId: string;
  username: string;
  email: string | null;
  preferredLanguage: string | null;
  kind: UserKind;
  state: UserState;
  /** The family of the stored hash (bcrypt, argon2id, …), or null without a password. */
  passwordFamily: string | null;
  sequence: number;
  failedAttempts: number;
  createdAt: string;
}

/** Users as administrators see them: created one at a time, listed and found. */
export class UserAdminRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
    private readonly orgs: OrgRepository,
  ) {}

  async userExists(userId: string): Promise<boolean> {
    return (await this.db.selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst()) !== undefined;
  }

  async createUser(input: NewUser, at = new Date()): Promise<CreatedUser> {
    const plan = await this.orgs.planOrg(input);
    return this.db.transaction().execute(async (tx) => {
      const orgId = await this.orgs.applyOrgPlan(tx, plan, at);
      const userId = input.id ?? this.ids.next();
      const inserted = await tx
        .insertInto("users")
        .values(userValues(userId, orgId, input, at))
        .onConflict((oc) => oc.doNothing())
        .returning("id")
        .executeTakeFirst();
      if (!inserted) throw await conflictOf(tx, userId, orgId, input.username);
      await tx
        .insertInto("events")
        .values(addedEvent(userId, input, at, "user.added"))
        .execute();
      return { userId, resourceOwner: orgId, sequence: 1 };
    });
  }

  async listUsers(page: { orgId?: string; after?: string; limit: number }): Promise<UserSummary[]> {
    let query = this.summaries().orderBy("id").limit(page.limit);
    if (page.orgId !== undefined) query = query.where("org_id", "=", page.orgId);
    if (page.after !== undefined) query = query.where("id", ">", page.after);
    return (await query.execute()).map(toSummary);
  }

  /** A user by ID, or by username within an organisation (the default one when none is named); removed users too. */
  async findUser(by: { id: string } | { username: string; orgId?: string }): Promise<UserSummary | undefined> {
    if ("id" in by) return mapped(await this.summaries().where("id", "=", by.id).executeTakeFirst());
    const orgId = by.orgId ?? (await this.orgs.defaultOrgId());
    if (orgId === undefined) return undefined;
    const row = await this.summaries()
      .where("org_id", "=", orgId)
      .where((eb) => sameName(eb, by.username))
      .orderBy(sql`case when state = 'deleted' then 1 else 0 end`) // a user not removed before a removed one of the same name
      .executeTakeFirst();
    return mapped(row);
  }

  private summaries() {
    return this.db
      .selectFrom("users")
      .select(["id", "org_id", "username", "email", "preferred_language", "kind", "state", "password_hash", "sequence", "failed_attempts", "created_at"]);
  }
}

/** Why a user could not be inserted: its ID or its name is taken. */
async function conflictOf(db: Kysely<Database>, userId: string, orgId: string, username: string): Promise<StoreInputError> {
  if (await db.selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst()) {
    return new StoreInputError(`a user ${userId} exists already`);
  }
  return new StoreInputError(`username "${username}" is taken in organisation ${orgId}`);
}

/**
 * The database's own lower() on both sides, as the unique index has it:
 * ASCII letters on SQLite, every script on PostgreSQL.
 */
export function sameName(eb: ExpressionBuilder<Database, "users">, username: string) {
  // Cast: PostgreSQL has lower() of ranges too, and cannot tell which an untyped parameter means.
  return eb(eb.fn("lower", ["username"]), "=", eb.fn("lower", [eb.cast(eb.val(username), "text")]));
}

/** A new user's row. */
export function userValues(id: string, orgId: string, user: NewUser, at: Date) {
  return {
    id,
    org_id: orgId,
    username: user.username,
    email: user.email ?? null,
    preferred_language: user.preferredLanguage ?? null,
    kind: user.kind,
    state: user.state,
    password_hash: user.passwordHash,
    password_nfkc: user.passwordNfkc === null ? null : Number(user.passwordNfkc),
    sequence: 1,
    failed_attempts: 0,
    created_at: at.getTime(),
    changed_at: at.getTime(),
  };
}

/** The user's first event: no password, hash or email in it. */
export function addedEvent(userId: string, user: NewUser, at: Date, type: "user.added" | "user.imported") {
  const payload = JSON.stringify({ username: user.username, kind: user.kind, state: user.state, password: user.passwordHash !== null });
  return { user_id: userId, sequence: 1, type, created_at: at.getTime(), payload };
}

type SummaryRow = Pick<
  Selectable<UserTable>,
  "id" | "org_id" | "username" | "email" | "preferred_language" | "kind" | "state" | "password_hash" | "sequence" | "failed_attempts" | "created_at"
>;

function mapped(row: SummaryRow | undefined): UserSummary | undefined {
  return row && toSummary(row);
}

function toSummary(row: SummaryRow): UserSummary {
  return {
    id: row.id,
    orgId: row.org_id,
    username: row.username,
    email: row.email,
    preferredLanguage: row.preferred_language,
    kind: row.kind,
    state: row.state,
    passwordFamily: row.password_hash === null ? null : hashFamily(row.password_hash),
    sequence: Number(row.sequence),
    failedAttempts: row.failed_attempts,
    createdAt: iso(row.created_at),
  };
}

/** The name of a modular-crypt hash's family, from its prefix alone: what `user show` names and a sign-in's upgrade audits. */
export function hashFamily(hash: string): string {
  const id = /^\$([a-z0-9-]+)\$/.exec(hash)?.[1];
  const names: Record<string, string> = {
    "2a": "bcrypt",
    "2b": "bcrypt",
    "2y": "bcrypt",
    "1": "md5-crypt",
    "5": "sha256-crypt",
    "6": "sha512-crypt",
    "7": "scrypt",
  };
  return (id && (names[id] ?? id)) || "unknown";
}
