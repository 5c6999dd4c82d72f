import { type Kysely, SqliteAdapter } from "kysely";
import type { IdGenerator } from "../core/ids.js";
import type { ClaimedMail, MailKind, MailOutbox, OutboxMail } from "../core/mail.js";
import { insertAudit } from "./audit-rows.js";
import type { Database } from "./schema.js";

/** What the sender's audit events say of where they come from. */
const SENDER_CONTEXT = { userAgent: "password-service-mailer" };

/** Longest failure kept with a mail. */
const ERROR_MAX = 300;

/** Commits a mail to the outbox, in whatever transaction `db` is. */
export async function queueMail(db: Kysely<Database>, ids: IdGenerator, mail: OutboxMail, at: Date): Promise<void> {
  await db
    .insertInto("mail_outbox")
    .values({
      id: ids.next(),
      kind: mail.kind,
      user_id: mail.userId,
      org_id: mail.orgId,
      recipient: mail.recipient,
      subject: mail.subject,
      body: mail.body,
      state: "pending",
      created_at: at.getTime(),
      next_attempt_at: at.getTime(),
    })
    .execute();
}

/** The outbox in the database (see MailOutbox for what the sender relies on). */
export class MailOutboxRepository implements MailOutbox {
  private readonly sqlite: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
  ) {
    this.sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  }

  /**
   * Claims the oldest mail that is due and not being sent, if any. The
   * update repeats the conditions, so that of processes that chose the same
   * mail one claims it. On PostgreSQL the choice locks its row and skips rows
   * other processes hold (FOR UPDATE SKIP LOCKED), so that processes share
   * the work instead of colliding on it; SQLite has one writer at a time.
   */
  async claim(now: Date, leaseMs: number): Promise<ClaimedMail | undefined> {
    const nowMs = now.getTime();
    const claim = async (db: Kysely<Database>) => {
      let due = db
        .selectFrom("mail_outbox")
        .select("id")
        .where("state", "=", "pending")
        .where("next_attempt_at", "<=", nowMs)
        .where("lease_until", "<=", nowMs)
        .orderBy("id")
        .limit(1);
      if (!this.sqlite) due = due.forUpdate().skipLocked();
      const chosen = await due.executeTakeFirst();
      if (!chosen) return undefined;
      return db
        .updateTable("mail_outbox")
        .set((eb) => ({ lease_until: nowMs + leaseMs, attempts: eb("attempts", "+", 1) }))
        .where("id", "=", chosen.id)
        .where("state", "=", "pending")
        .where("lease_until", "<=", nowMs)
        .returningAll()
        .executeTakeFirst();
    };
    // SQLite: two statements, each atomic; a transaction that reads and then writes could fail to upgrade its lock.
    const row = this.sqlite ? await claim(this.db) : await this.db.transaction().execute(claim);
    if (!row || row.body === null) return undefined;
    return {
      id: row.id,
      kind: row.kind as MailKind,
      userId: row.user_id,
      orgId: row.org_id,
      recipient: row.recipient,
      subject: row.subject,
      body: row.body,
      createdAt: new Date(Number(row.created_at)),
      attempts: row.attempts,
    };
  }

  /** The mail went out: its text (a code, for a reset) is dropped, and the sending audited. */
  async sent(mail: ClaimedMail, at: Date): Promise<void> {
    await this.finish(mail, at, "sent", null);
  }

  /** No more tries: its text is dropped, and the failure audited. */
  async gaveUp(mail: ClaimedMail, at: Date, error: string): Promise<void> {
    await this.finish(mail, at, "failed", error);
  }

  /** Tried and failed: the next try not before `nextAt`. */
  async retryAt(mail: ClaimedMail, nextAt: Date, error: string): Promise<void> {
    await this.db
      .updateTable("mail_outbox")
      .set({ next_attempt_at: nextAt.getTime(), lease_until: 0, last_error: error.slice(0, ERROR_MAX) })
      .where("id", "=", mail.id)
      .execute();
  }

  private async finish(mail: ClaimedMail, at: Date, state: "sent" | "failed", error: string | null): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const done = await tx
        .updateTable("mail_outbox")
        .set({ state, body: null, done_at: at.getTime(), lease_until: 0, last_error: error?.slice(0, ERROR_MAX) ?? null })
        .where("id", "=", mail.id)
        .where("state", "=", "pending")
        .executeTakeFirst();
      if (done.numUpdatedRows === 0n) return; // finished already: audited once
      const payload = { mailId: mail.id, attempts: mail.attempts, ...(error ? { error: error.slice(0, ERROR_MAX) } : {}) };
      const type = `${mail.kind}.${state}` as const;
      await insertAudit(tx, this.ids, { type, userId: mail.userId, orgId: mail.orgId, context: SENDER_CONTEXT, payload }, at);
    });
  }
}
