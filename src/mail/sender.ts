import { createRequire } from "node:module";
import type nodemailer from "nodemailer";
import type { Logger } from "pino";
import type { MailConfig } from "../config.js";
import type { ClaimedMail, MailOutbox } from "../core/mail.js";

/** How long a claim of one mail holds: longer than the SMTP timeouts below add up to, so that no other process sends it meanwhile. */
const LEASE_MS = 120_000;
/** The first retry's wait; each next one doubles, up to MAIL_RETRY_MAX_INTERVAL. */
const FIRST_RETRY_MS = 1000;

/** One mail on its way: what the sender needs of nodemailer. */
export type Deliver = (mail: { from: string; to: string; subject: string; text: string; messageId: string }) => Promise<unknown>;

/**
 * Sends what the outbox holds, from every process: each round claims due
 * mails one at a time (see MailOutbox.claim), sends each, and marks it sent,
 * or to be tried again later with a doubling wait, or given up once it is
 * older than MAIL_GIVE_UP_AFTER (or the server refused it for good, a 5xx
 * reply). A failure that may pass ends the round: the server is likely
 * down, and the other mails wait for the next. Rounds run on a timer and
 * when this process queues a mail.
 */
export class OutboxSender {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  /** A wake that came while a round ran: run one more after it. */
  private again = false;
  private stopped = false;
  /** Least time between two log lines of one outage. */
  private lastWarnAt = 0;

  constructor(
    private readonly outbox: MailOutbox,
    private readonly deliver: Deliver,
    private readonly config: Pick<MailConfig, "from" | "giveUpAfterSeconds" | "maxRetryIntervalSeconds" | "pollMs">,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(): void {
    this.schedule();
    void this.wake();
  }

  /** Looks at the outbox now; resolves when this round is over. */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.round) {
      this.again = true;
      return this.round;
    }
    this.round = this.sendDue()
      .catch((err) => this.warn(err, "the mail outbox cannot be read; trying again shortly"))
      .finally(() => {
        this.round = undefined;
        if (this.again) {
          this.again = false;
          void this.wake();
        }
      });
    return this.round;
  }

  /** Stops the timer and waits for the mail being sent, so that each is marked before the process ends. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.wake();
      this.schedule();
    }, this.config.pollMs);
    this.timer.unref();
  }

  private async sendDue(): Promise<void> {
    while (!this.stopped) {
      const mail = await this.outbox.claim(this.now(), LEASE_MS);
      if (!mail || !(await this.sendOne(mail))) return;
    }
  }

  /** False when the round should end: the mail failed, and others likely would too. */
  private async sendOne(mail: ClaimedMail): Promise<boolean> {
    try {
      // The outbox ID as Message-ID: a mail sent again after a crash is recognisably the same one.
      await this.deliver({ from: this.config.from, to: mail.recipient, subject: mail.subject, text: mail.body, messageId: `<${mail.id}@password-service>` });
    } catch (err) {
      return this.failed(mail, err);
    }
    await this.outbox.sent(mail, this.now());
    this.logger.info({ mailId: mail.id, kind: mail.kind, userId: mail.userId, attempts: mail.attempts }, "mail sent");
    return true;
  }

  private async failed(mail: ClaimedMail, err: unknown): Promise<boolean> {
    const error = describe(err);
    const now = this.now();
    const permanent = isPermanent(err);
    if (permanent || now.getTime() - mail.createdAt.getTime() >= this.config.giveUpAfterSeconds * 1000) {
      await this.outbox.gaveUp(mail, now, error);
      this.logger.error({ mailId: mail.id, kind: mail.kind, userId: mail.userId, attempts: mail.attempts, error }, "mail given up");
      return permanent;
    }
    const waitMs = Math.min(FIRST_RETRY_MS * 2 ** (mail.attempts - 1), this.config.maxRetryIntervalSeconds * 1000);
    await this.outbox.retryAt(mail, new Date(now.getTime() + waitMs), error);
    this.warn(undefined, "a mail could not be sent; it is tried again", { mailId: mail.id, attempts: mail.attempts, retryInMs: waitMs, error });
    return false;
  }

  /** Warns at most every few seconds: an outage would write a line per mail per round. */
  private warn(err: unknown, message: string, fields: Record<string, unknown> = {}): void {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_EVERY_MS) return;
    this.lastWarnAt = now;
    this.logger.warn({ ...fields, ...(err ? { error: describe(err) } : {}) }, message);
  }
}

const WARN_EVERY_MS = 10_000;

/** A 5xx reply refuses the mail for good (no such mailbox, say); anything else may pass on a later try. */
function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

/** The failure in the server's or the network's words: nodemailer's messages hold no credentials or mail text. */
function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return [e.code, e.message].filter(Boolean).join(": ").slice(0, 300) || String(err);
}

/**
 * nodemailer over SMTP_URL. STARTTLS is used whenever the server offers it
 * (nodemailer's default); timeouts are short, so that an outage costs a try,
 * not minutes. nodemailer (about 40 modules) is loaded only here, when
 * SMTP_URL is set, not by every process at start.
 */
export function smtpDeliver(smtpUrl: string): Deliver {
  const url = new URL(smtpUrl);
  const { createTransport } = createRequire(import.meta.url)("nodemailer") as typeof nodemailer;
  const transport = createTransport({
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : undefined,
    secure: url.protocol === "smtps:",
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return (mail) => transport.sendMail(mail);
}
