import type { RequestContext } from "../core/audit.js";
import type { MailUser, OutboxMail, ResetMail } from "../core/mail.js";
import { inWords, TEXTS } from "./texts.js";

/** Longest user agent quoted in a notice: it is the caller's to choose. */
const USER_AGENT_MAX = 100;

/** Writes the mails from TEXTS; `sends` false: no mail at all. */
export class MailComposer implements ResetMail {
  constructor(
    readonly sends: boolean,
    private readonly options: { notifyPasswordChanged: boolean; codeTtlSeconds: number; queued: () => void },
  ) {}

  reset(user: MailUser & { email: string }, code: string, link: string | undefined): OutboxMail {
    const body = TEXTS.reset.body({ account: account(user), username: user.username, code, link, validFor: inWords(this.options.codeTtlSeconds) });
    return { kind: "password.reset", userId: user.id, orgId: user.orgId, recipient: user.email, subject: TEXTS.reset.subject, body };
  }

  changed(user: MailUser, at: Date, context: RequestContext, byReset = false): OutboxMail | undefined {
    if (!this.sends || !this.options.notifyPasswordChanged || !user.email) return undefined;
    const where = byReset ? TEXTS.changed.byReset : whereFrom(context);
    const when = at.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
    const body = TEXTS.changed.body({ account: account(user), username: user.username, when, where });
    return { kind: "password.notice", userId: user.id, orgId: user.orgId, recipient: user.email, subject: TEXTS.changed.subject, body };
  }

  queued(): void {
    this.options.queued();
  }
}

/** The account as the mail names it: the organisation only when the user is in one that was chosen. */
function account(user: MailUser): string {
  return user.orgIsDefault ? TEXTS.account(user.username) : TEXTS.accountIn(user.username, user.orgName);
}

function whereFrom(context: RequestContext): string {
  const address = context.remoteAddress ? TEXTS.changed.from(context.remoteAddress.replace(/^::ffff:/, "")) : "";
  // Printable ASCII only: the caller chose it, and it lands in someone's mail.
  const agent = cutAtWord(context.userAgent?.replace(/[^\x20-\x7e]/g, "").trim() ?? "", USER_AGENT_MAX);
  return address + (agent ? TEXTS.changed.using(agent) : "");
}

/**
 * The words of `text` that fit in `max` characters, "..." marking that some
 * were left out; "" when not even the first fits (a user agent of one
 * endless word says nothing worth quoting).
 */
function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = text.lastIndexOf(" ", max - 3);
  return end > 0 ? `${text.slice(0, end).trimEnd()}...` : "";
}
