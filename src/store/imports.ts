import type { Kysely, Selectable, Transaction, UpdateObject } from "kysely";
import type { RequestContext } from "../core/audit.js";
import type { IdGenerator } from "../core/ids.js";
import { insertAudit } from "./audit-rows.js";
import { StoreInputError } from "./input-error.js";
import type { OrgPlan, OrgRepository } from "./organisations.js";
import { voidResetCode } from "./reset-codes.js";
import type { Database, UserTable } from "./schema.js";
import { addedEvent, type NewUser, sameName, userValues } from "./user-admin.js";

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

/** Users brought in from another system, a batch at a time. */
export class ImportRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
    private readonly orgs: OrgRepository,
  ) {}

  /**
   * One batch of an import, in one transaction: all of it commits or none.
   * Rows whose ID exists are skipped, refused or updated as `onConflict`
   * says; so are rows without an ID whose username exists in their
   * organisation (an import run again). Each new user gets its
   * `user.imported` event, sequence 1.
   */
  async importBatch(rows: ImportRow[], onConflict: OnConflict, orgs: Map<string, OrgPlan>, context: RequestContext, at = new Date()): Promise<ImportOutcome[]> {
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
        if (!applied.has(plan)) applied.set(plan, await this.orgs.applyOrgPlan(tx, plan, at));
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
        await tx
          .insertInto("events")
          .values([...added].map((p) => addedEvent(p.userId, p.row.user, at, "user.imported")))
          .execute();
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
      if (user.orgId !== undefined) plan = await this.orgs.planOrg({ orgId: user.orgId, orgName: user.orgName, create: true });
      else if (user.orgName === undefined) plan = "default";
      else {
        const named = await this.orgs.orgsNamed(user.orgName);
        if (named.length > 1) throw new StoreInputError(`several organisations are named "${user.orgName}": give orgId`);
        plan = named[0] ? { orgId: named[0] } : { create: { id: this.ids.next(), name: user.orgName } };
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
      const voided = await voidResetCode(tx, existing.id);
      Object.assign(audit, { tokensRevoked: true, resetCodeVoided: voided !== undefined });
    }
    await insertAudit(tx, this.ids, { type: "user.updated", userId: existing.id, orgId: existing.org_id, context, payload: audit }, at);
    return { line: row.line, result: "updated" };
  }
}

/** The user as an import row meets it, to compare the row with. */
function currentUser(db: Kysely<Database>) {
  return db.selectFrom("users").select(["id", "org_id", "username", "email", "preferred_language", "kind", "state", "password_hash"]);
}

type CurrentUser = Pick<Selectable<UserTable>, "id" | "org_id" | "username" | "email" | "preferred_language" | "kind" | "state" | "password_hash">;

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
