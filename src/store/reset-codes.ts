import type { Kysely } from "kysely";
import type { AuditEntry } from "../core/audit.js";
import type { IdGenerator } from "../core/ids.js";
import type { CodeAttempt, ResetCode, ResetCodeStore } from "../core/reset-password.js";
import type { OutboxMail } from "../core/mail.js";
import { insertAudit } from "./audit-rows.js";
import { queueMail } from "./mail-outbox.js";
import type { Database } from "./schema.js";

/**
 * Deletes the user's open reset code, in whatever transaction `db` is: every
 * password change voids it, as ZITADEL empties it, and a change by that code
 * uses it up (of requests racing with one code, one deletes it). The hash of
 * the code it deleted, if there was one.
 */
export async function voidResetCode(db: Kysely<Database>, userId: string): Promise<string | undefined> {
  return (await db.deleteFrom("password_reset_codes").where("user_id", "=", userId).returning("code_hash").executeTakeFirst())?.code_hash;
}

/** Each user's one reset code, stored as a hash, and its tries. A change uses it up with voidResetCode. */
export class ResetCodeRepository implements ResetCodeStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
  ) {}

  async saveResetCode(code: ResetCode, audit: AuditEntry, mail: OutboxMail | undefined): Promise<void> {
    const at = code.createdAt;
    await this.db.transaction().execute(async (tx) => {
      const row = { code_hash: code.codeHash, created_at: at.getTime(), expires_at: code.expiresAt.getTime(), attempts: 0 };
      await tx
        .insertInto("password_reset_codes")
        .values({ user_id: code.userId, ...row })
        .onConflict((oc) => oc.column("user_id").doUpdateSet(row))
        .execute();
      await insertAudit(tx, this.ids, audit, at);
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
}
