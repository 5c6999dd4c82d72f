import type { RequestContext } from "../core/audit.js";
import type { MailUser, OutboxMail, ResetMail } from "../core/mail.js";
import type { Language } from "../core/messages.js";
import { changedBody, inWords, MAIL_TEXTS, type MailTexts, resetBody } from "./texts.js";

/** Longest user agent quoted in a notice: it is the caller's to choose. */
const USER_AGENT_MAX = 100;

/**
 * Writes the mails from MAIL_TEXTS, each in its user's language; `sends`
 * false: no mail at all. The outbox keeps the mail as written, so that a
 * retry (after a restart too) sends the same words.
 */
export class MailComposer implements ResetMail {
  constructor(
    readonly sends: boolean,
    private readonly options: { notifyPasswordChanged: boolean; codeTtlSeconds: number; queued: () => void },
  ) {}

  reset(user: MailUser & { email: string }, code: string, link: string | undefined, requested?: Language): OutboxMail {
    const language = user.preferredLanguage ?? requested ?? "en";
    const texts = MAIL_TEXTS[language];
    const validFor = inWords(this.options.codeTtlSeconds, language);
    const body = resetBody(texts, { account: account(texts, user), username: user.username, code, link, validFor });
    return { kind: "password.reset", userId: user.id, orgId: user.orgId, recipient: user.email, subject: texts.reset.subject, body };
  }

  changed(user: MailUser, at: Date, context: RequestContext, byReset = false): OutboxMail | undefined {
    if (!this.sends || !this.options.notifyPasswordChanged || !user.email) return undefined;
    // Not the request's language: a notice warns the user of a change that may have been an intruder's.
    const texts = MAIL_TEXTS[user.preferredLanguage ?? "en"];
    const where = byReset ? texts.changed.byReset : whereFrom(texts, context);
    const when = at
      .toISOString()
      .replace("T", " ")
      .replace(/\.\d+Z$/, " UTC");
    const body = changedBody(texts, { account: account(texts, user), username: user.username, when, where });
    return { kind: "password.notice", userId: user.id, orgId: user.orgId, recipient: user.email, subject: texts.changed.subject, body };
  }

  queued(): void {
    this.options.queued();
  }
}

/** The account as the mail names it: the organisation only when the user is in one that was chosen. */
function account(texts: MailTexts, user: MailUser): string {
  return user.orgIsDefault ? texts.account(user.username) : texts.accountIn(user.username, user.orgName);
}

function whereFrom(texts: MailTexts, context: RequestContext): string {
  const address = context.remoteAddress ? texts.changed.from(context.remoteAddress.replace(/^::ffff:/, "")) : "";
  // Printable ASCII only: the caller chose it, and it lands in someone's mail.
  const agent = cutAtWord(context.userAgent?.replace(/[^\x20-\x7e]/g, "").trim() ?? "", USER_AGENT_MAX);
  return address + (agent ? texts.changed.using(agent) : "");
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
