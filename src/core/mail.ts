import type { RequestContext } from "./audit.js";
import type { Language } from "./messages.js";

export type MailKind = "password.reset" | "password.notice";

/** A mail to commit to the outbox with what caused it. */
export interface OutboxMail {
  kind: MailKind;
  userId: string;
  orgId: string;
  recipient: string;
  subject: string;
  body: string;
}

/** The user a mail is about and goes to. */
export interface MailUser {
  id: string;
  orgId: string;
  username: string;
  orgName: string;
  orgIsDefault: boolean;
  email: string | null;
  /** The language the user's mails are in; null: none chosen. */
  preferredLanguage: Language | null;
}

/** The change notice, as the use cases see it. */
export interface ChangeNotices {
  /** The notice of a change to queue with it; undefined: the user has no email, or notices are off. */
  changed(user: MailUser, at: Date, context: RequestContext, byReset?: boolean): OutboxMail | undefined;
  /** Told that mail was committed, so that the sender looks now rather than at its next poll. */
  queued(): void;
}

/** The reset mail, as the reset use case sees it. */
export interface ResetMail extends ChangeNotices {
  /** Whether mail can be sent at all (SMTP_URL). */
  readonly sends: boolean;
  /** In the user's language; else in `requested`, the language of the request that asked for it; else English. */
  reset(user: MailUser & { email: string }, code: string, link: string | undefined, requested?: Language): OutboxMail;
}

/** A mail a process has claimed for sending. */
export interface ClaimedMail extends OutboxMail {
  id: string;
  createdAt: Date;
  /** Tries so far, this one included. */
  attempts: number;
}

/**
 * The outbox as the sender sees it. A mail is claimed with a lease: one
 * process sends it while the lease runs, and if that process dies the mail
 * is claimed again once the lease is over.
 */
export interface MailOutbox {
  /** The oldest mail that is due and not being sent, if any; of processes that race for it, one claims it. */
  claim(now: Date, leaseMs: number): Promise<ClaimedMail | undefined>;
  /** The mail went out: its text (a code, for a reset) is dropped, and the sending audited. */
  sent(mail: ClaimedMail, at: Date): Promise<void>;
  /** No more tries: its text is dropped, and the failure audited. */
  gaveUp(mail: ClaimedMail, at: Date, error: string): Promise<void>;
  /** Tried and failed: the next try not before `nextAt`. */
  retryAt(mail: ClaimedMail, nextAt: Date, error: string): Promise<void>;
}
