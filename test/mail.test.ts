import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pino from "pino";
import { MailComposer } from "../src/mail/mail.js";
import { type Deliver, OutboxSender } from "../src/mail/sender.js";
import { inWords } from "../src/mail/texts.js";
import { LANGUAGES } from "../src/core/messages.js";
import type { ClaimedMail, MailOutbox } from "../src/core/mail.js";
import { checkUrlTemplate, fillUrlTemplate } from "../src/core/url-template.js";

const USER = { id: "123", orgId: "9", username: "ann", orgName: "Acme", orgIsDefault: false, email: "ann@example.com", preferredLanguage: null };

describe("the reset link's template", () => {
  it("fills ZITADEL's three placeholders, URL-encoded, and nothing else", () => {
    const link = fillUrlTemplate("https://login.example.com/r?u={{.UserID}}&c={{.Code}}&o={{.OrgID}}", { userId: "auth0|7 x", code: "AB12CD", orgId: "org/1" });
    assert.equal(link, "https://login.example.com/r?u=auth0%7C7%20x&c=AB12CD&o=org%2F1");
  });

  it("refuses any other placeholder, template syntax, stray braces, and what is not an http(s) URL", () => {
    const bad: [string, RegExp][] = [
      ["https://x.example/{{.Password}}", /\{\{\.Password\}\} is not one of/],
      ["https://x.example/{{ .Code }}", /a space or control character/],
      ["https://x.example/{{.Cod}}", /is not one of/],
      ["https://x.example/{{range .}}{{end}}", /a space or control character/],
      ["https://x.example/{{range.}}{{end}}", /is not one of/],
      ["https://x.example/{{.Code}", /opens or closes no placeholder/],
      ["https://x.example/}}", /opens or closes no placeholder/],
      ["javascript:alert({{.Code}})", /not an http\(s\) URL/],
      ["/relative/{{.Code}}", /not an absolute URL/],
      [`https://x.example/${"a".repeat(200)}`, /longer than 200/],
    ];
    for (const [template, reason] of bad) assert.throws(() => checkUrlTemplate(template), reason, template);
  });
});

describe("the mails' texts", () => {
  it("words a code's lifetime", () => {
    assert.deepEqual(
      [3600, 5400, 86400, 60, 45].map((s) => inWords(s)),
      ["1 hour", "90 minutes", "1 day", "1 minute", "45 seconds"],
    );
  });

  it("writes the reset mail with the code and the link, and the notice with no secret, from where it came", () => {
    const composer = new MailComposer(true, { notifyPasswordChanged: true, codeTtlSeconds: 3600, queued: () => {} });
    const reset = composer.reset(USER, "K3M9QX", "https://login.example.com/r?c=K3M9QX");
    assert.deepEqual([reset.kind, reset.recipient, reset.subject], ["password.reset", "ann@example.com", "Reset your password"]);
    assert.match(reset.body, /Your code: K3M9QX\n[\s\S]*https:\/\/login\.example\.com\/r\?c=K3M9QX[\s\S]*for 1 hour\./);

    const at = new Date("2026-11-30T16:05:07.123Z");
    const agent = "Mozilla/5.0 (X11; Linux x86_64)\u0007\u001b[31m AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
    const notice = composer.changed(USER, at, { remoteAddress: "::ffff:10.1.2.3", userAgent: agent })!;
    // Cut after a whole word, under 100 characters, and marked as cut.
    assert.match(
      notice.body,
      /was changed on 2026-11-30 16:05:07 UTC from 10\.1\.2\.3 using Mozilla\/5\.0 \(X11; Linux x86_64\)\[31m AppleWebKit\/537\.36 \(KHTML, like Gecko\) Chrome\/131\.0\.0\.0\.\.\.\./,
    );
    assert.ok(!/[\u0000-\u0008\u001b]/.test(notice.body), "no control characters from the user agent");
    const endless = composer.changed(USER, at, { remoteAddress: "10.1.2.3", userAgent: `curl/8${"x".repeat(200)}` })!;
    assert.match(endless.body, /from 10\.1\.2\.3\.\n/, "one endless word is not quoted at all");
    assert.match(composer.changed(USER, at, {}, true)!.body, /with a password reset code\./);
  });

  it("names the account as a person would: the organisation only when the user is in one that was chosen", () => {
    const composer = new MailComposer(true, { notifyPasswordChanged: true, codeTtlSeconds: 3600, queued: () => {} });
    const inDefault = { ...USER, orgName: "default", orgIsDefault: true };
    assert.match(composer.reset(USER, "K3M9QX", undefined).body, /the password of your account "ann" at Acme\.\n/);
    assert.match(composer.reset(inDefault, "K3M9QX", undefined).body, /the password of your account "ann"\.\n/);
    assert.match(composer.changed(inDefault, new Date(), {}, true)!.body, /The password of your account "ann" was changed on /);
    assert.doesNotMatch(composer.changed(inDefault, new Date(), {}, true)!.body, /default/);
  });

  it("writes both mails in the user's language; else a reset in its request's, else English; a notice never in the request's", () => {
    const composer = new MailComposer(true, { notifyPasswordChanged: true, codeTtlSeconds: 3600, queued: () => {} });
    const german = { ...USER, preferredLanguage: "de" as const };
    const reset = composer.reset(german, "K3M9QX", undefined, "fr");
    assert.equal(reset.subject, "Passwort zurücksetzen");
    assert.equal(
      reset.body,
      "Hallo ann,\n\nJemand hat angefordert, das Passwort Ihres Kontos „ann“ bei Acme zurückzusetzen.\n\nIhr Code: K3M9QX\n\n" +
        "Der Code gilt ein einziges Mal, für 1 Stunde.\nFalls Sie das nicht angefordert haben, ignorieren Sie diese Mail: Ihr Passwort bleibt, wie es ist.",
    );
    assert.equal(composer.reset(USER, "K3M9QX", undefined, "fr").subject, "Réinitialisez votre mot de passe");
    assert.equal(composer.reset(USER, "K3M9QX", undefined).subject, "Reset your password");

    const at = new Date("2026-11-30T16:05:07Z");
    const notice = composer.changed(german, at, { remoteAddress: "10.1.2.3", userAgent: "curl/8.5", language: "fr" })!;
    assert.equal(notice.subject, "Ihr Passwort wurde geändert");
    assert.match(
      notice.body,
      /^Hallo ann,\n\nDas Passwort Ihres Kontos „ann“ bei Acme wurde am 2026-11-30 16:05:07 UTC von 10\.1\.2\.3 mit curl\/8\.5 geändert\.\n/,
    );
    assert.equal(composer.changed(USER, at, { language: "fr" })!.subject, "Your password was changed");
  });

  it("has both mails in every language, with the name, the code, the link, the lifetime and where from filled in", () => {
    const composer = new MailComposer(true, { notifyPasswordChanged: true, codeTtlSeconds: 5400, queued: () => {} });
    const at = new Date("2026-11-30T16:05:07Z");
    const context = { remoteAddress: "10.1.2.3", userAgent: "curl/8.5" };
    const english = { reset: composer.reset(USER, "K3M9QX", "https://x.example/r"), notice: composer.changed(USER, at, context)! };
    for (const language of LANGUAGES) {
      const user = { ...USER, preferredLanguage: language };
      const reset = composer.reset(user, "K3M9QX", "https://x.example/r");
      const notice = composer.changed(user, at, context)!;
      for (const part of ["ann", "Acme", "K3M9QX", "\nhttps://x.example/r\n", inWords(5400, language)])
        assert.ok(reset.body.includes(part), `${language}: ${part} in\n${reset.body}`);
      for (const part of ["ann", "Acme", "2026-11-30 16:05:07 UTC", "10.1.2.3", "curl/8.5"])
        assert.ok(notice.body.includes(part), `${language}: ${part} in\n${notice.body}`);
      for (const mail of [reset, notice]) assert.doesNotMatch(mail.body + mail.subject, /undefined|\$\{/, language);
      if (language === "en") continue;
      assert.notEqual(reset.subject, english.reset.subject, language);
      assert.notEqual(notice.subject, english.notice.subject, language);
      assert.doesNotMatch(reset.body + notice.body, /Hello|Your code|Someone asked|was changed/, `${language}: no English left`);
    }
    assert.deepEqual(LANGUAGES.map((l) => inWords(5400, l)).slice(0, 3), ["90 minutes", "90 Minuten", "90 minutes"]);
  });

  it("sends no notice without mail, with notices off, or to a user without an email address", () => {
    const at = new Date();
    assert.equal(new MailComposer(false, { notifyPasswordChanged: true, codeTtlSeconds: 60, queued: () => {} }).changed(USER, at, {}), undefined);
    assert.equal(new MailComposer(true, { notifyPasswordChanged: false, codeTtlSeconds: 60, queued: () => {} }).changed(USER, at, {}), undefined);
    assert.equal(
      new MailComposer(true, { notifyPasswordChanged: true, codeTtlSeconds: 60, queued: () => {} }).changed({ ...USER, email: null }, at, {}),
      undefined,
    );
  });
});

/** An outbox in memory that records what the sender did with each mail. */
class FakeOutbox implements MailOutbox {
  due: ClaimedMail[] = [];
  done: string[] = [];
  async claim(): Promise<ClaimedMail | undefined> {
    const mail = this.due.shift();
    return mail && { ...mail, attempts: mail.attempts + 1 };
  }
  async sent(mail: ClaimedMail) {
    this.done.push(`sent ${mail.id}`);
  }
  async gaveUp(mail: ClaimedMail, _at: Date, error: string) {
    this.done.push(`gave up ${mail.id}: ${error}`);
  }
  async retryAt(mail: ClaimedMail, at: Date) {
    this.done.push(`retry ${mail.id} in ${at.getTime() - NOW.getTime()} ms`);
  }
}

const NOW = new Date("2026-11-30T12:00:00Z");
const mailOf = (id: string, attempts = 0, ageMs = 0): ClaimedMail => ({
  id,
  kind: "password.reset",
  userId: "1",
  orgId: "2",
  recipient: "a@example.com",
  subject: "s",
  body: "b",
  createdAt: new Date(NOW.getTime() - ageMs),
  attempts,
});

async function runRound(outbox: FakeOutbox, deliver: Deliver): Promise<void> {
  const config = { from: "x@example.com", giveUpAfterSeconds: 3600, maxRetryIntervalSeconds: 10, pollMs: 60_000 };
  const sender = new OutboxSender(outbox, deliver, config, pino({ level: "silent" }), () => NOW);
  await sender.wake();
}

describe("the outbox's sender", () => {
  it("gives a mail up at once on a 5xx reply, and goes on with the next", async () => {
    const outbox = new FakeOutbox();
    outbox.due = [mailOf("1"), mailOf("2")];
    await runRound(outbox, async (mail) => {
      if (mail.messageId === "<1@password-service>") throw Object.assign(new Error("550 no such mailbox"), { responseCode: 550, code: "EENVELOPE" });
    });
    assert.deepEqual(outbox.done, ["gave up 1: EENVELOPE: 550 no such mailbox", "sent 2"]);
  });

  it("tries again after a wait that doubles up to its maximum, ends the round on a failure that may pass, and gives up when too old", async () => {
    const down = async () => {
      throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    };
    const waits: string[] = [];
    for (const attempts of [0, 1, 3, 8]) {
      const outbox = new FakeOutbox();
      outbox.due = [mailOf("m", attempts), mailOf("next")];
      await runRound(outbox, down);
      waits.push(...outbox.done);
      assert.equal(outbox.due.length, 1, "the round ends: the next mail waits");
    }
    assert.deepEqual(waits, ["retry m in 1000 ms", "retry m in 2000 ms", "retry m in 8000 ms", "retry m in 10000 ms"]);
    const old = new FakeOutbox();
    old.due = [mailOf("old", 4, 3600_000)];
    await runRound(old, down);
    assert.deepEqual(old.done, ["gave up old: ECONNREFUSED: connect ECONNREFUSED"]);
  });
});
