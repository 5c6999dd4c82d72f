import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface CaughtMail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
}

/**
 * A real SMTP server on loopback (the smtp-server package) that keeps what
 * it receives: what nodemailer sends arrives here as a mail server would
 * see it. Plain SMTP, no STARTTLS offered, no login asked.
 */
export class MailCatcher {
  readonly mails: CaughtMail[] = [];
  /** Told of each mail as it arrives. */
  onMail?: (mail: CaughtMail) => void;
  private waiters: (() => void)[] = [];

  private constructor(
    private server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(port = 0): Promise<MailCatcher> {
    let catcher: MailCatcher | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((parsed) => {
            catcher!.receive({
              to: [parsed.to]
                .flat()
                .map((a) => a?.text ?? "")
                .join(", "),
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              messageId: parsed.messageId ?? "",
            });
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    catcher = new MailCatcher(server, (server.server.address() as AddressInfo).port);
    return catcher;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private receive(mail: CaughtMail): void {
    this.mails.push(mail);
    this.onMail?.(mail);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** The mails to `to` so far, once there are at least `count`; fails after `timeoutMs`. */
  async waitFor(to: string, count = 1, timeoutMs = 15_000): Promise<CaughtMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mails = this.mails.filter((m) => m.to.includes(to));
      if (mails.length >= count) return mails;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${mails.length} of ${count} mails to ${to} arrived within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
