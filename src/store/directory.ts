import { type ExpressionBuilder, type Kysely, sql, type Transaction, type UpdateObject } from "kysely";
import type { RequestContext } from "../core/audit.js";
import type { IdGenerator } from "../core/ids.js";
import { insertAudit } from "./audit-rows.js";
import { StoreInputError } from "./input-error.js";
import type { Database, UserKind, UserState } from "./schema.js";


/** How a user names its organisation: by ID (created if `create`), or none for the instance's default. */
export interface OrgChoice {
  orgId?: string;
  /** The name of an organisation this creates. */
  orgName?: string;
  /** Create the organisation `orgId` if there is none. */
  create?: boolean;
}

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

export interface OrgSummary {
  id: string;
  name: string;
  isDefault: boolean;
  createdAt: string;
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

/** What happened to one row of an import batch. */
export type ImportOutcome = { line: number; result: "imported" | "skipped" | "updated" } | { line: number; result: "rejected"; reason: string };

/** The fields of a user an import row may leave out: an update keeps the user's own. */
export type ImportField = "email" | "language" | "password" | "state" | "kind";

export interface ImportRow {
  line: number;
  user: NewUser;
  /** The fields the row states; the user's defaults stand in for the others. */
  stated: ReadonlySet<ImportField>;
}

export type OnConflict = "skip" | "fail" | "update";

/** Where a new user goes: an organisation that exists, one to create, or the default one. */
export type OrgPlan = { orgId: string } | { create: { id: string; name: string } } | "default";

/** The name the default organisation gets when it is first needed. */
const DEFAULT_ORG_NAME = "default";

/** Organisations and users as administrators and the import see them. */
export class Directory {
  /** The instance's ID never changes once made: read once per process. */
  private instance?: Promise<string>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
  ) {}

  /** The instance's ID, made by whichever process needs it first. */
  instanceId(at = new Date()): Promise<string> {
    this.instance ??= this.makeInstanceId(at).catch((err) => {
      this.instance = undefined; // a database outage must not stick
      throw err;
    });
    return this.instance;
  }

  private async makeInstanceId(at: Date): Promise<string> {
    await this.db
      .insertInto("instance")
      .values({ slot: 1, id: this.ids.next(), created_at: at.getTime() })
      .onConflict((oc) => oc.column("slot").doNothing())
      .execute();
    return (await this.db.selectFrom("instance").select("id").where("slot", "=", 1).executeTakeFirstOrThrow()).id;
  }

  async createOrg(input: { id?: string; name: string }, at = new Date()): Promise<string> {
    const id = input.id ?? this.ids.next();
    const inserted = await this.db
      .insertInto("orgs")
      .values({ id, name: input.name, created_at: at.getTime() })
      .onConflict((oc) => oc.column("id").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) throw new StoreInputError(`organisation ${id} exists already`);
    return id;
  }

  async listOrgs(page: { after?: string; limit: number }): Promise<OrgSummary[]> {
    let query = this.db.selectFrom("orgs").select(["id", "name", "is_default", "created_at"]).orderBy("id").limit(page.limit);
    if (page.after !== undefined) query = query.where("id", ">", page.after);
    return (await query.execute()).map((r) => ({ id: r.id, name: r.name, isDefault: r.is_default === 1, createdAt: iso(r.created_at) }));
  }

  /** The default organisation's ID, once it has been made. */
  async defaultOrgId(): Promise<string | undefined> {
    return (await this.db.selectFrom("orgs").select("id").where("is_default", "=", 1).executeTakeFirst())?.id;
  }

  async orgExists(orgId: string): Promise<boolean> {
    return (await this.db.selectFrom("orgs").select("id").where("id", "=", orgId).executeTakeFirst()) !== undefined;
  }

  async userExists(userId: string): Promise<boolean> {
    return (await this.db.selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst()) !== undefined;
  }

/**
   * Where a new user goes, decided before its transaction: in WAL mode a
   * transaction that reads first and then writes fails (SQLITE_BUSY_SNAPSHOT)
   * rather than wait when another process commits in between, so every
   * transaction here writes first.
   */
  private async planOrg(choice: OrgChoice): Promise<OrgPlan> {
    if (choice.orgId === undefined) {
      // A name alone makes an organisation of its own; nothing at all, the default one.
      return choice.orgName !== undefined ? { create: { id: this.ids.next(), name: choice.orgName } } : "default";
    }
    if (await this.orgExists(choice.orgId)) {
      if (choice.orgName !== undefined && !choice.create) {
        throw new StoreInputError(`organisation ${choice.orgId} exists already: --org-name names a new one`);
      }
      return { orgId: choice.orgId };
    }
    if (!choice.create) throw new StoreInputError(`no organisation ${choice.orgId}; --create-org creates it`);
    return { create: { id: choice.orgId, name: choice.orgName ?? `org-${choice.orgId}` } };
  }

  /** Carries the plan out in the transaction: creates what it says (if no other process did), and names the organisation. */
  private async applyOrgPlan(tx: Transaction<Database>, plan: OrgPlan, at: Date): Promise<string> {
    if (plan === "default") return this.defaultOrg(tx, at);
    if ("orgId" in plan) return plan.orgId;
    await tx
      .insertInto("orgs")
      .values({ id: plan.create.id, name: plan.create.name, created_at: at.getTime() })
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
    return plan.create.id;
  }

  /** The instance's default organisation, created by whichever process needs it first. */
  private async defaultOrg(tx: Transaction<Database>, at: Date): Promise<string> {
    await tx
      .insertInto("orgs")
      .values({ id: this.ids.next(), name: DEFAULT_ORG_NAME, created_at: at.getTime(), is_default: 1 })
      // The partial index's own predicate, as a literal: SQLite matches a conflict target's WHERE by its text.
      .onConflict((oc) => oc.column("is_default").where("is_default", "=", sql.lit(1)).doNothing())
      .execute();
    return (await tx.selectFrom("orgs").select("id").where("is_default", "=", 1).executeTakeFirstOrThrow()).id;
  }

  async createUser(input: NewUser, at = new Date()): Promise<CreatedUser> {
    const plan = await this.planOrg(input);
    return this.db.transaction().execute(async (tx) => {
      const orgId = await this.applyOrgPlan(tx, plan, at);
      const userId = input.id ?? this.ids.next();
      const inserted = await tx
        .insertInto("users")
        .values(userValues(userId, orgId, input, at))
        .onConflict((oc) => oc.doNothing())
        .returning("id")
        .executeTakeFirst();
      if (!inserted) throw await this.conflictOf(tx, userId, orgId, input.username);
      await tx.insertInto("events").values(addedEvent(userId, input, at, "user.added")).execute();
      return { userId, resourceOwner: orgId, sequence: 1 };
    });
  }

  /** Why a user could not be inserted: its ID or its name is taken. */
  private async conflictOf(db: Kysely<Database>, userId: string, orgId: string, username: string): Promise<StoreInputError> {
    if (await db.selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst()) {
      return new StoreInputError(`a user ${userId} exists already`);
    }
    return new StoreInputError(`username "${username}" is taken in organisation ${orgId}`);
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
    const orgId = by.orgId ?? (await this.defaultOrgId());
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

  /**
   * One batch of an import, in one transaction: all of it commits or none.
   * Rows whose ID exists are skipped, refused or updated as `onConflict`
   * says; so are rows without an ID whose username exists in their
   * organisation (an import run again). Each new user gets its
   * `user.imported` event, sequence 1.
   */
  async importBatch(
    rows: ImportRow[],
    onConflict: OnConflict,
    orgs: Map<string, OrgPlan>,
    context: RequestContext,
    at = new Date(),
  ): Promise<ImportOutcome[]> {
    const outcomes: ImportOutcome[] = [];
    const planned: { row: ImportRow; plan: OrgPlan }[] = [];
    for (const row of rows) {
      try {
        const plan = await this.importOrgPlan(row.user, orgs);
        if (onConflict === "update") await this.refuseMove(row.user, plan);
        planned.push({ row, plan });
      } catch (err) {
        if (!(err instanceof StoreInputError)) throw err;
        outcomes.push({ line: row.line, result: "rejected", reason: err.message });
      }
    }
    if (planned.length === 0) return outcomes;
    /** Each plan carried out once, whatever the number of its rows. */
    const applied = new Map<OrgPlan, string>();
    const result = await this.db.transaction().execute(async (tx) => {
      const prepared: { row: ImportRow; userId: string; orgId: string }[] = [];
      for (const { row, plan } of planned) {
        if (!applied.has(plan)) applied.set(plan, await this.applyOrgPlan(tx, plan, at));
        prepared.push({ row, userId: row.user.id ?? this.ids.next(), orgId: applied.get(plan)! });
      }
      const inserted = new Set(
        (
          await tx
            .insertInto("users")
            .values(prepared.map((p) => userValues(p.userId, p.orgId, p.row.user, at)))
            .onConflict((oc) => oc.doNothing())
            .returning("id")
            .execute()
        ).map((r) => r.id),
      );
      // A file may give one ID twice: the first row is the one inserted; the
      // others meet it as a user that exists, as they would in a later batch.
      const added = new Set(prepared.filter((p) => inserted.delete(p.userId)));
      if (added.size > 0) {
        await tx.insertInto("events").values([...added].map((p) => addedEvent(p.userId, p.row.user, at, "user.imported"))).execute();
      }
      for (const p of prepared) {
        if (added.has(p)) outcomes.push({ line: p.row.line, result: "imported" });
        else outcomes.push(await this.importConflict(tx, p, onConflict, context, at));
      }
      return outcomes.sort((a, b) => a.line - b.line);
    });
    // Committed: the organisations made or found are there for the next batches.
    for (const [key, plan] of orgs) {
      const orgId = applied.get(plan);
      if (orgId !== undefined) orgs.set(key, { orgId });
    }
    return result;
  }

  /**
   * An import row's organisation: by ID (created, with its name, if
   * missing), by name (made if there is none), or the default one. `orgs`
   * remembers each plan for the rest of the run: a file of a million users
   * names a few organisations many times, and one made by a batch is there
   * for the next.
   */
  private async importOrgPlan(user: NewUser, orgs: Map<string, OrgPlan>): Promise<OrgPlan> {
    const key = user.orgId !== undefined ? `id:${user.orgId}` : user.orgName !== undefined ? `name:${user.orgName}` : "default";
    let plan = orgs.get(key);
    if (plan === undefined) {
      if (user.orgId !== undefined) plan = await this.planOrg({ orgId: user.orgId, orgName: user.orgName, create: true });
      else if (user.orgName === undefined) plan = "default";
      else {
        const named = await this.db.selectFrom("orgs").select("id").where("name", "=", user.orgName).limit(2).execute();
        if (named.length > 1) throw new StoreInputError(`several organisations are named "${user.orgName}": give orgId`);
        plan = named[0] ? { orgId: named[0].id } : { create: { id: this.ids.next(), name: user.orgName } };
      }
      orgs.set(key, plan);
    }
    return plan;
  }

  /**
   * Refuses, before its organisation is made, a row that would update a user
   * of another organisation; importConflict checks again in the transaction.
   */
  private async refuseMove(user: NewUser, plan: OrgPlan): Promise<void> {
    if (user.id === undefined || plan === "default") return;
    const found = await this.db.selectFrom("users").select("org_id").where("id", "=", user.id).executeTakeFirst();
    const target = "orgId" in plan ? plan.orgId : plan.create.id;
    if (found && found.org_id !== target) throw new StoreInputError(moveRefusal(user.id, found.org_id, target));
  }

  /** A row that was not inserted: its ID or its username exists. */
  private async importConflict(
    tx: Transaction<Database>,
    p: { row: ImportRow; userId: string; orgId: string },
    onConflict: OnConflict,
    context: RequestContext,
    at: Date,
  ): Promise<ImportOutcome> {
    const { user, line } = p.row;
    const byId = user.id !== undefined ? await currentUser(tx).where("id", "=", user.id).executeTakeFirst() : undefined;
    // A user found by ID stays in its organisation: a name clashes there.
    const orgId = byId?.org_id ?? p.orgId;
    const byName = await currentUser(tx)
      .where("org_id", "=", orgId)
      .where((eb) => sameName(eb, user.username))
      .where("state", "<>", "deleted")
      .executeTakeFirst();
    // With an ID, the user is that ID; a name taken by another user is a clash, never the same user.
    const existing = user.id !== undefined ? byId : byName;
    if (!existing || (user.id !== undefined && byName && byName.id !== user.id)) {
      return { line, result: "rejected", reason: `username "${user.username}" is taken in organisation ${orgId}` };
    }
    if (onConflict === "skip") return { line, result: "skipped" };
    if (onConflict === "fail") return { line, result: "rejected", reason: `a user ${existing.id} exists already` };
    const refusal = updateRefusal(existing, p.row, p.orgId);
    if (refusal) return { line, result: "rejected", reason: refusal };
    return this.updateImported(tx, existing, p.row, context, at);
  }

  /**
   * `--on-conflict update`: the fields the row states replace the user's;
   * the ones it leaves out stay. A change is one more event of the user and
   * an audit event; a new password also revokes the user's tokens and voids
   * its open reset code, as a change does. A row that changes nothing is
   * skipped, so that an import run again writes nothing.
   */
  private async updateImported(tx: Transaction<Database>, existing: CurrentUser, row: ImportRow, context: RequestContext, at: Date): Promise<ImportOutcome> {
    const update = importedChanges(existing, row, at);
    if (update.changed.length === 0) return { line: row.line, result: "skipped" };
    const updated = await tx
      .updateTable("users")
      .set((eb) => ({ ...update.set, sequence: eb("sequence", "+", 1), changed_at: at.getTime() }))
      .where("id", "=", existing.id)
      .returning(["sequence", "username", "state", "password_hash"])
      .executeTakeFirstOrThrow();
    const sequence = Number(updated.sequence);
    const payload = { username: updated.username, kind: existing.kind, state: updated.state, password: updated.password_hash !== null };
    await tx
      .insertInto("events")
      .values({ user_id: existing.id, sequence, type: "user.updated", created_at: at.getTime(), payload: JSON.stringify(payload) })
      .execute();
    const audit: Record<string, unknown> = { sequence, changed: update.changed, state: updated.state };
    if (update.changed.includes("password")) {
      const voided = await tx.deleteFrom("password_reset_codes").where("user_id", "=", existing.id).executeTakeFirst();
      Object.assign(audit, { tokensRevoked: true, resetCodeVoided: voided.numDeletedRows > 0n });
    }
    await insertAudit(tx, this.ids, { type: "user.updated", userId: existing.id, orgId: existing.org_id, context, payload: audit }, at);
    return { line: row.line, result: "updated" };
  }
}

/** The user as an import row meets it, to compare the row with. */
function currentUser(db: Kysely<Database>) {
  return db.selectFrom("users").select(["id", "org_id", "username", "email", "preferred_language", "kind", "state", "password_hash"]);
}

type CurrentUser = Omit<SummaryRow, "sequence" | "failed_attempts" | "created_at">;

/** Why a row may not update the user it met, if it may not. */
function updateRefusal(existing: CurrentUser, row: ImportRow, rowOrgId: string): string | undefined {
  const { user, stated } = row;
  if (existing.state === "deleted") return `user ${existing.id} was removed`;
  // A row that names no organisation leaves the user in its own.
  if (existing.org_id !== rowOrgId && (user.orgId !== undefined || user.orgName !== undefined)) {
    return moveRefusal(existing.id, existing.org_id, rowOrgId);
  }
  if (stated.has("kind") && user.kind !== existing.kind) return `user ${existing.id} is a ${existing.kind} user: an import does not change its kind`;
  if (stated.has("password") && existing.kind === "machine") return `user ${existing.id} is a machine user: it has no password`;
  return undefined;
}

function moveRefusal(userId: string, orgId: string, rowOrgId: string): string {
  return `user ${userId} is in organisation ${orgId}, not ${rowOrgId}: an import does not move users`;
}

/** The columns a row changes, and the names of the fields it changes, for the audit trail. */
function importedChanges(existing: CurrentUser, row: ImportRow, at: Date) {
  const { user, stated } = row;
  const set: UpdateObject<Database, "users"> = {};
  const changed: string[] = [];
  if (user.username !== existing.username) {
    set.username = user.username;
    changed.push("username");
  }
  if (stated.has("email") && (user.email ?? null) !== existing.email) {
    set.email = user.email ?? null;
    changed.push("email");
  }
  if (stated.has("language") && (user.preferredLanguage ?? null) !== existing.preferred_language) {
    set.preferred_language = user.preferredLanguage ?? null;
    changed.push("language");
  }
  if (stated.has("password") && user.passwordHash !== existing.password_hash) {
    // A new credential: the count starts again, and every token issued before it is refused ("all").
    Object.assign(set, {
      password_hash: user.passwordHash,
      password_nfkc: user.passwordNfkc === null ? null : Number(user.passwordNfkc),
      failed_attempts: 0,
      tokens_valid_after: at.getTime(),
      token_exempt: null,
    });
    changed.push("password");
  }
  if (stated.has("state") && user.state !== existing.state) {
    set.state = user.state;
    // Out of a lock as `user unlock` does it: the count and the tarpit start again.
    if (existing.state === "locked") Object.assign(set, { failed_attempts: 0, check_not_before: 0 });
    changed.push("state");
  }
  return { set, changed };
}

/**
 * The database's own lower() on both sides, as the unique index has it:
 * ASCII letters on SQLite, every script on PostgreSQL.
 */
function sameName(eb: ExpressionBuilder<Database, "users">, username: string) {
  // Cast: PostgreSQL has lower() of ranges too, and cannot tell which an untyped parameter means.
  return eb(eb.fn("lower", ["username"]), "=", eb.fn("lower", [eb.cast(eb.val(username), "text")]));
}

function userValues(id: string, orgId: string, user: NewUser, at: Date) {
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
function addedEvent(userId: string, user: NewUser, at: Date, type: "user.added" | "user.imported") {
  const payload = JSON.stringify({ username: user.username, kind: user.kind, state: user.state, password: user.passwordHash !== null });
  return { user_id: userId, sequence: 1, type, created_at: at.getTime(), payload };
}

type SummaryRow = {
  id: string;
  org_id: string;
  username: string;
  email: string | null;
  preferred_language: string | null;
  kind: UserKind;
  state: UserState;
  password_hash: string | null;
  sequence: number;
  failed_attempts: number;
  created_at: number;
};

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
  const names: Record<string, string> = { "2a": "bcrypt", "2b": "bcrypt", "2y": "bcrypt", "1": "md5-crypt", "5": "sha256-crypt", "6": "sha512-crypt", "7": "scrypt" };
  return (id && (names[id] ?? id)) || "unknown";
}

function iso(ms: number): string {
  return new Date(Number(ms)).toISOString();
}
