import type { Language } from "./messages.js";
import type { AuditEntry } from "./audit.js";
import type { OutboxMail } from "./mail.js";
import type { TokenCutoff } from "./revocation.js";

/** What the use case needs to know of a user. */
export interface UserRecord {
  id: string;
  orgId: string;
  username: string;
  orgName: string;
  /** Whether the organisation is the instance's default one, which a user never chose and mails do not name. */
  orgIsDefault: boolean;
  kind: "human" | "machine";
  state: "initial" | "active" | "locked" | "deleted";
  passwordHash: string | null;
  /** Whether the hash is of the password's NFKC form; null: unknown (hashes from before this was kept). */
  passwordNfkc: boolean | null;
  sequence: number;
  failedAttempts: number;
  /** Where change notices and reset codes go; null: nowhere. */
  email: string | null;
  /** The language of the user's mails; null: none chosen. */
  preferredLanguage: Language | null;
}

/** A hash the user had, with the form of the password it was made of (see UserRecord). */
export interface StoredHash {
  hash: string;
  nfkc: boolean | null;
}

/**
 * The outcome of asking for a user's one password-check slot. Taken: the
 * user as it stands now (a change may have committed since it was read).
 * Not taken: why, so the caller can wait, refuse, or answer "locked".
 */
export type CheckSlot =
  | {
      taken: true;
      user: Pick<UserRecord, "passwordHash" | "passwordNfkc" | "sequence" | "failedAttempts">;
      /** The user's token cutoff as it stands now: a change may have revoked the caller's token since it was let in. */
      cutoff: TokenCutoff | undefined;
    }
  | {
      taken: false;
      state: UserRecord["state"];
      failedAttempts: number;
      /** Another check of this user is in flight, on this process or another. */
      inFlight: boolean;
      /** Epoch ms before which no check may start (the tarpit). */
      notBeforeMs: number;
    };

export interface CommittedChange {
  sequence: number;
  changedAt: Date;
  resourceOwner: string;
}

export interface FailedAttempt {
  failedAttempts: number;
  locked: boolean;
  /** False if the user was no longer active (an administrator locked or removed it): nothing counted. */
  counted: boolean;
}

/** What commits with a password change, in its transaction. */
export interface ChangeExtras {
  /** The hash being replaced, for the history. */
  replacedHash: StoredHash | null;
  /** Whether the new hash is of the password's NFKC form. */
  nfkc: boolean;
  /** How many replaced hashes to keep (0: none, and older ones are dropped). */
  historyLimit: number;
  /** Set: tokens issued before the change are refused, but for `exempt` (a token fingerprint). */
  revokeTokens?: { exempt: string | null };
  audit: AuditEntry;
  /** ZITADEL's change_required, kept on the user; false when not given. */
  changeRequired?: boolean;
  /** The change notice, queued in the change's transaction. */
  notice?: OutboxMail;
  /** A change by reset code: the code (by its hash) is used up in the change's transaction, with this audit. */
  resetCode?: { codeHash: string; audit: AuditEntry };
}

/** The store as the use case sees it. */
export interface UserStore {
  findUser(userId: string): Promise<UserRecord | undefined>;
  /**
   * Takes the user's password-check slot until `leaseUntilMs` if the user is
   * active, no check is in flight, the tarpit's time has come and, with
   * `maxAttempts` above 0, attempts are left. Atomic across processes.
   */
  beginPasswordCheck(userId: string, maxAttempts: number, nowMs: number, leaseUntilMs: number): Promise<CheckSlot>;
  /** Gives the slot back after a check that passed, when no change commits (which gives it back itself). */
  endPasswordCheck(userId: string): Promise<void>;
  /** Extends the lease of a slot still held (not given back) to `leaseUntilMs`. */
  renewPasswordCheck(userId: string, nowMs: number, leaseUntilMs: number): Promise<void>;
  /**
   * Counts one failed attempt atomically, with its audit, locks at
   * `maxAttempts` (0: never), gives the check slot back, and sets the time
   * before which no next check may start: `at` plus `delayMs(count)`.
   */
  recordFailedAttempt(
    userId: string,
    maxAttempts: number,
    audit: AuditEntry,
    at: Date,
    delayMs: (failedAttempts: number) => number,
    /** Set: the failure is also an event of the user of this type, one more in its sequence. */
    userEvent?: string,
  ): Promise<FailedAttempt>;
  /**
   * Commits only if the user is still at `expectedSequence` (and, for a
   * reset, its code is still on record); undefined if not. Gives the check
   * slot back.
   */
  commitPasswordChange(userId: string, expectedSequence: number, passwordHash: string, at: Date, extras: ChangeExtras): Promise<CommittedChange | undefined>;
  /** The user's last `count` replaced hashes, newest first. */
  passwordHistory(userId: string, count: number): Promise<StoredHash[]>;
}
