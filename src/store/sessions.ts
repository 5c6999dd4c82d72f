import { type Insertable, type Kysely, type Selectable, sql } from "kysely";
import type { IdGenerator } from "../core/ids.js";
import type { SessionFilter, SessionRecord, SessionStore, SessionView, SignIn } from "../core/sessions.js";
import { insertAudit } from "./audit-rows.js";
import { Prepared } from "./prepared.js";
import type { Database, SessionTable, UserTable } from "./schema.js";

/** A session, as a session token used as a bearer names its caller. */
export interface SessionBearer {
  id: string;
  userId: string;
  tokenSetAt: number;
  expiresAt: number | null;
}

/**
 * Sessions (ZITADEL v2): written whole at each change, compared on their
 * sequence; a successful password check commits with its user's effects in
 * one transaction. A session ends by its row's removal.
 */
export class SessionRepository implements SessionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
  ) {}

  async findSession(id: string): Promise<SessionView | undefined> {
    const row = await viewQuery(this.db).where("sessions.id", "=", id).executeTakeFirst();
    return row && toView(row);
  }

  async saveSession(session: SessionRecord, expectedSequence: number, signIn?: SignIn): Promise<boolean> {
    const row = toRow(session);
    return this.db
      .transaction()
      .execute(async (tx) => {
        if (signIn && !(await this.commitCheck(tx, signIn))) throw new NotWritten();
        if (expectedSequence === 0) {
          await insertSession.run(tx, row);
          return true;
        }
        const updated = await updateSession.run(tx, { ...row, expectedSequence });
        if (Number(updated.numAffectedRows) !== 1) throw new NotWritten();
        return true;
      })
      .catch((err) => {
        if (err instanceof NotWritten) return false;
        throw err;
      });
  }

  /**
   * A successful check of an active user: the count cleared, the slot given
   * back, the check an event of the user (ZITADEL's sequence), and a new hash
   * with its own event when one was made. False if the user is no longer
   * active (an administrator locked or removed it meanwhile).
   */
  private async commitCheck(tx: Kysely<Database>, signIn: SignIn): Promise<boolean> {
    const { userId, upgrade } = signIn;
    const types = ["user.human.password.check.succeeded", ...(upgrade ? ["user.human.password.hash.updated"] : [])];
    const row = await checkPassed.first(tx, { userId, events: types.length });
    if (!row) return false;
    const first = Number(row.sequence) - types.length + 1;
    const createdAt = signIn.at.getTime();
    for (const [i, type] of types.entries()) await insertEvent.run(tx, { userId, sequence: first + i, type, createdAt });
    await insertAudit(tx, this.ids, signIn.audit, signIn.at);
    if (upgrade) {
      await upgradeHash.run(tx, { userId, hash: upgrade.hash, nfkc: upgrade.nfkc ? 1 : 0 });
      await insertAudit(tx, this.ids, upgrade.audit, signIn.at);
    }
    return true;
  }

  async deleteSession(id: string): Promise<boolean> {
    const deleted = await this.db.deleteFrom("sessions").where("id", "=", id).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  /** Ends every session of a user (the command line's `session delete --user`); how many ended. */
  async deleteUserSessions(userId: string): Promise<number> {
    const deleted = await this.db.deleteFrom("sessions").where("user_id", "=", userId).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  async listSessions(filter: SessionFilter): Promise<{ total: number; sessions: SessionView[] }> {
    const filtered = filtersOf(filter);
    const { total } = await filtered(this.db.selectFrom("sessions").leftJoin("users", "users.id", "sessions.user_id"))
      .select((eb) => eb.fn.countAll<number>().as("total"))
      .executeTakeFirstOrThrow();
    const direction = filter.asc ? "asc" : "desc";
    const rows = await filtered(viewQuery(this.db))
      .orderBy("sessions.created_at", direction)
      .orderBy("sessions.id", direction)
      .limit(filter.limit)
      .offset(filter.offset)
      .execute();
    return { total: Number(total), sessions: rows.map(toView) };
  }

  /**
   * The one user a login name names, without regard to case, among users not
   * removed: its username, if only one user of the instance has it, or
   * `username@<organisation ID>`. A name that reads both ways and names two
   * users, or a username that several organisations share, names none.
   */
  async userByLoginName(loginName: string): Promise<string | undefined> {
    const name = loginName.toLowerCase();
    const at = name.lastIndexOf("@");
    const rows = await this.db
      .selectFrom("users")
      .select("id")
      .where("state", "<>", "deleted")
      .where((eb) =>
        eb.or([
          eb(sql`lower(username)`, "=", name),
          ...(at > 0 ? [eb.and([eb(sql`lower(username)`, "=", name.slice(0, at)), eb("org_id", "=", loginName.slice(at + 1))])] : []),
        ]),
      )
      .limit(3)
      .execute();
    return rows.length === 1 ? rows[0].id : undefined;
  }

  /** The session a token used as a bearer names, if it may authenticate now: a user and a password checked, not expired, its user active. */
  async bearer(tokenHash: string, nowMs: number): Promise<SessionBearer | undefined> {
    const row = await bearerQuery.first(this.db, { tokenHash, nowMs });
    if (!row || row.user_id === null) return undefined;
    return { id: row.id, userId: row.user_id, tokenSetAt: Number(row.token_set_at), expiresAt: row.expires_at === null ? null : Number(row.expires_at) };
  }
}

/** Thrown inside a transaction to undo it when the session or its user moved. */
class NotWritten extends Error {}

const bearerQuery = new Prepared((db, p: { tokenHash: string; nowMs: number }) =>
  db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["sessions.id", "sessions.user_id", "sessions.token_set_at", "sessions.expires_at"])
    .where("sessions.token_hash", "=", p.tokenHash)
    .where("sessions.password_checked_at", "is not", null)
    .where((eb) => eb.or([eb("sessions.expires_at", "is", null), eb("sessions.expires_at", ">", p.nowMs)]))
    .where("users.state", "=", "active"),
);

/** A sign-in's statements, run in its transaction: the event loop builds none of them anew. */
const checkPassed = new Prepared((db, p: { userId: string; events: number }) =>
  db
    .updateTable("users")
    .set((eb) => ({ failed_attempts: 0, check_lease_until: 0, sequence: eb("sequence", "+", p.events) }))
    .where("id", "=", p.userId)
    .where("state", "=", "active")
    .returning(["sequence"]),
);

const insertEvent = new Prepared((db, p: { userId: string; sequence: number; type: string; createdAt: number }) =>
  db.insertInto("events").values({ user_id: p.userId, sequence: p.sequence, type: p.type, created_at: p.createdAt, payload: "{}" }),
);

const upgradeHash = new Prepared((db, p: { userId: string; hash: string; nfkc: number }) =>
  db.updateTable("users").set({ password_hash: p.hash, password_nfkc: p.nfkc }).where("id", "=", p.userId),
);

type SessionRow = Insertable<SessionTable>;

/** A session's columns, as toRow writes them all. */
const SESSION_COLUMNS = [
  "id",
  "token_hash",
  "token_set_at",
  "creator_id",
  "user_id",
  "user_checked_at",
  "password_checked_at",
  "sequence",
  "created_at",
  "changed_at",
  "expires_at",
  "metadata",
  "user_agent",
  "fingerprint_id",
] as const satisfies readonly (keyof SessionRow)[];

// Fails to compile while a column of the table is missing from the list above.
const everyColumnListed: Record<Exclude<keyof SessionRow, (typeof SESSION_COLUMNS)[number]>, never> = {};
void everyColumnListed;

/** Every column of a session, each a parameter. */
function sessionColumns(p: SessionRow): SessionRow {
  return Object.fromEntries(SESSION_COLUMNS.map((column) => [column, p[column]])) as SessionRow;
}

const insertSession = new Prepared((db, p: SessionRow) => db.insertInto("sessions").values(sessionColumns(p)));

const updateSession = new Prepared((db, p: SessionRow & { expectedSequence: number }) =>
  db.updateTable("sessions").set(sessionColumns(p)).where("id", "=", p.id).where("sequence", "=", p.expectedSequence),
);

function viewQuery(db: Kysely<Database>) {
  return db
    .selectFrom("sessions")
    .leftJoin("users", "users.id", "sessions.user_id")
    .selectAll("sessions")
    .select(["users.username as username", "users.org_id as user_org_id"]);
}

const OPS = { "=": "=", ">": ">", ">=": ">=", "<": "<", "<=": "<=" } as const;

/** ListSessions' filters as a function of any query of sessions joined with users. */
function filtersOf(filter: SessionFilter) {
  // Kysely's two query types (a count, a page) share `where` but no type that names it with these columns.
  // biome-ignore lint/suspicious/noExplicitAny: as the line above says
  return <Q extends { where: (...args: any[]) => Q }>(query: Q): Q => {
    let q = query;
    if (filter.ids) q = q.where("sessions.id", "in", filter.ids.length > 0 ? filter.ids : [""]);
    if (filter.userId !== undefined) q = q.where("sessions.user_id", "=", filter.userId);
    if (filter.creatorId !== undefined) q = q.where("sessions.creator_id", "=", filter.creatorId);
    if (filter.fingerprintId === null) q = q.where(sql<boolean>`1 = 0`);
    else if (filter.fingerprintId !== undefined) q = q.where("sessions.fingerprint_id", "=", filter.fingerprintId);
    if (filter.created) q = q.where("sessions.created_at", OPS[filter.created.op], filter.created.atMs);
    const visible = filter.visibleTo;
    if (visible) {
      // biome-ignore lint/suspicious/noExplicitAny: the expression builder of whichever query Q is
      q = q.where((eb: any) =>
        eb.or([
          eb("sessions.creator_id", "=", visible.userId),
          eb("sessions.user_id", "=", visible.userId),
          ...(visible.orgIds.length > 0 ? [eb("users.org_id", "in", visible.orgIds)] : []),
        ]),
      );
    }
    return q;
  };
}

/** A session row with its user's name and organisation, null before a user check (the left join). */
type ViewRow = Selectable<SessionTable> & { username: Selectable<UserTable>["username"] | null; user_org_id: Selectable<UserTable>["org_id"] | null };

function toView(row: ViewRow): SessionView {
  const session: SessionRecord = {
    id: row.id,
    tokenHash: row.token_hash,
    tokenSetAt: Number(row.token_set_at),
    creatorId: row.creator_id,
    userId: row.user_id,
    userCheckedAt: numberOrNull(row.user_checked_at),
    passwordCheckedAt: numberOrNull(row.password_checked_at),
    sequence: Number(row.sequence),
    createdAt: Number(row.created_at),
    changedAt: Number(row.changed_at),
    expiresAt: numberOrNull(row.expires_at),
    metadata: JSON.parse(row.metadata),
    userAgent: JSON.parse(row.user_agent),
  };
  if (row.username === null || row.user_org_id === null) return { session };
  // ZITADEL's preferred login name carries the organisation's domain; here the organisation's ID stands for it.
  return { session, user: { loginName: `${row.username}@${row.user_org_id}`, displayName: row.username, orgId: row.user_org_id } };
}

function toRow(s: SessionRecord): SessionRow {
  return {
    id: s.id,
    token_hash: s.tokenHash,
    token_set_at: s.tokenSetAt,
    creator_id: s.creatorId,
    user_id: s.userId,
    user_checked_at: s.userCheckedAt,
    password_checked_at: s.passwordCheckedAt,
    sequence: s.sequence,
    created_at: s.createdAt,
    changed_at: s.changedAt,
    expires_at: s.expiresAt,
    metadata: JSON.stringify(s.metadata),
    user_agent: JSON.stringify(s.userAgent),
    fingerprint_id: s.userAgent.fingerprintId ?? null,
  };
}

function numberOrNull(value: number | null): number | null {
  return value === null ? null : Number(value);
}
