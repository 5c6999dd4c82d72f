import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import type { Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { createUserServiceClient } from "@zitadel/client/v2";
import { SignJWT } from "jose";
import {
  PasswordResetRequestSchema,
  PasswordResetResponseSchema,
  SetPasswordRequestSchema,
  SetPasswordResponseSchema,
} from "../gen/zitadel/user/v2/user_service_pb.js";
import { bearer, grpcJsUnary, rest } from "./support/clients.js";
import { issuerKey, JwksServer } from "./support/issuer.js";
import { MailCatcher } from "./support/mail-catcher.js";
import { assertRestResponseMatchesOpenApi } from "./support/openapi.js";
import { auditEvents, setPolicy } from "./support/policy.js";
import { Service, TestDatabase, type TestUser } from "./support/service.js";
import { freePort } from "./support/tools.js";
import { ADMIN_ROLE, INSTANCE_ADMIN_ROLE } from "../src/core/roles.js";

const LINK = "https://login.example.com/reset?user={{.UserID}}&code={{.Code}}&org={{.OrgID}}";

interface Answer {
  status: number;
  json: any;
}

/** `curl` on a v2 user route: a POST of the JSON body, the answer checked against the OpenAPI document. */
function curl(service: Service, path: string, body: unknown, token?: string): Promise<Answer> {
  const args = ["-s", "-X", "POST", "-w", "\n%{http_code}", "-H", "content-type: application/json", "-d", JSON.stringify(body)];
  if (token) args.push("-H", `Authorization: Bearer ${token}`);
  return new Promise((resolve, reject) =>
    execFile("curl", [...args, `${service.url}${path}`], (err, stdout) => {
      if (err) return reject(err);
      const at = stdout.lastIndexOf("\n");
      const status = Number(stdout.slice(at + 1));
      const json = JSON.parse(stdout.slice(0, at));
      const route = path.endsWith("password_reset") ? "/v2/users/{user_id}/password_reset" : "/v2/users/{user_id}/password";
      assertRestResponseMatchesOpenApi(status, "application/json", json, { path: route, method: "post" });
      resolve({ status, json });
    }),
  );
}

const RESET = "/zitadel.user.v2.UserService/PasswordReset";
const SET = "/zitadel.user.v2.UserService/SetPassword";
const resetPath = (userId: string) => `/v2/users/${encodeURIComponent(userId)}/password_reset`;
const setPath = (userId: string) => `/v2/users/${encodeURIComponent(userId)}/password`;

/** The error ID of a REST refusal, with its code: what the tests compare. */
function refusal(answer: Answer): [number, number, string | undefined] {
  return [answer.status, answer.json.code, answer.json.details?.[0]?.id];
}

/** The code a mail holds: six or more upper-case letters and digits after "Your code: " (or the words of another language). */
function codeIn(text: string, label = "Your code:"): string {
  const match = new RegExp(`${label} ([A-Z0-9]{6,20})`).exec(text);
  assert.ok(match, `a code in the mail:\n${text}`);
  return match[1];
}

/** A user with an email address (and a language, if given), in an organisation of its own. */
async function userWithEmail(service: Service, password = "Initial-Passw0rd!", preferredLanguage?: string): Promise<TestUser & { email: string }> {
  const email = `u${Math.random().toString(36).slice(2, 10)}@example.com`;
  const user = await service.createUser(password, { email, preferredLanguage });
  return { ...user, email };
}

/** A token of a new user holding the administrator's role for `orgId`, or for the instance without it. */
async function adminToken(service: Service, orgId?: string): Promise<string> {
  const admin = await service.createUser();
  return service.tokenWithRoles(admin.userId, orgId ? { [ADMIN_ROLE]: [orgId] } : { [INSTANCE_ADMIN_ROLE]: [admin.resourceOwner] });
}

describe("forgotten passwords: ZITADEL v2 PasswordReset and SetPassword, with mail through SMTP", () => {
  let mail: MailCatcher;
  let service: Service;

  before(async () => {
    mail = await MailCatcher.start();
    service = await Service.start({
      SMTP_URL: mail.url,
      SMTP_FROM: "Accounts <accounts@example.com>",
      MAIL_POLL_INTERVAL_MS: "200",
      // Ten guesses at once pass the per-user admission (3 by default), to meet the code's own count.
      USER_CONCURRENCY_LIMIT: "20",
    });
  });
  after(async () => {
    await service?.stop();
    await mail?.stop();
  });

  it("mails a link and a code that set a new password once, revoke the user's tokens and send a change notice (curl)", async () => {
    const user = await userWithEmail(service);
    const admin = await adminToken(service, user.resourceOwner);
    const requested = await curl(service, resetPath(user.userId), { sendLink: { notificationType: "NOTIFICATION_TYPE_Email", urlTemplate: LINK } }, admin);
    assert.equal(requested.status, 200, JSON.stringify(requested.json));
    assert.equal(requested.json.details.resourceOwner, user.resourceOwner);
    assert.equal(requested.json.verificationCode, undefined, "a mailed code is not returned");

    const [resetMail] = await mail.waitFor(user.email);
    assert.equal(resetMail.subject, "Reset your password");
    const code = codeIn(resetMail.text);
    service.secrets.push(code);
    assert.ok(
      resetMail.text.includes(
        `https://login.example.com/reset?user=${encodeURIComponent(user.userId)}&code=${code}&org=${encodeURIComponent(user.resourceOwner)}`,
      ),
      resetMail.text,
    );

    const set = await curl(service, setPath(user.userId), { newPassword: { password: "Reset-Passw0rd-1!" }, verificationCode: code }, admin);
    assert.equal(set.status, 200, JSON.stringify(set.json));
    assert.equal(set.json.details.sequence, "2");
    service.secrets.push("Reset-Passw0rd-1!");

    const again = await curl(service, setPath(user.userId), { newPassword: { password: "Reset-Passw0rd-2!" }, verificationCode: code }, admin);
    assert.deepEqual(refusal(again), [400, 9, "COMMAND-2M9fs"], "a code works once");
    assert.match(again.json.message, /^Code not found \(COMMAND-2M9fs\)$/);

    const oldToken = await rest(service.address, { oldPassword: "Reset-Passw0rd-1!", newPassword: "Reset-Passw0rd-3!", authorization: bearer(user.token) });
    assert.deepEqual(oldToken.ok ? "changed" : [oldToken.code, oldToken.detail?.id], [16, "AUTH-7fs1e"], "the user's tokens from before the reset are revoked");
    const fresh = await rest(service.address, {
      oldPassword: "Reset-Passw0rd-1!",
      newPassword: "Reset-Passw0rd-3!",
      authorization: bearer(await service.token(user.userId)),
    });
    assert.equal(fresh.ok, true, "the new password is the one to prove");

    const notices = await mail.waitFor(user.email, 3);
    // The catcher has the mails once the server's SMTP client is told so; the outbox and the audit a moment later.
    for (const { messageId } of notices) {
      const mailId = /^<(\d+)@password-service>$/.exec(messageId)?.[1];
      assert.ok(await service.logEntry((l) => l.msg === "mail sent" && l.mailId === mailId), `mail ${messageId} marked sent`);
    }
    const [afterReset, afterChange] = notices.slice(1);
    assert.equal(afterReset.subject, "Your password was changed");
    assert.match(afterReset.text, /with a password reset code/);
    assert.match(afterChange.text, /was changed on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC from 127\.0\.0\.1/);
    for (const m of notices.slice(1)) assert.ok(!m.text.includes("Reset-Passw0rd") && !m.text.includes(code), "no secret in a notice");
    assert.equal(new Set(notices.map((m) => m.messageId)).size, 3, "each mail has its own Message-ID");

    const types = (await auditEvents(service, user.userId)).map((e) => e.type);
    for (const step of ["password.reset.requested", "password.reset.sent", "password.reset.used", "password.changed", "password.notice.sent"]) {
      assert.ok(types.includes(step), `${step} audited: ${types.join(", ")}`);
    }
    const outbox = await service.database.db.selectFrom("mail_outbox").select(["state", "body"]).where("user_id", "=", user.userId).execute();
    assert.deepEqual(
      outbox.map((r) => [r.state, r.body]),
      [
        ["sent", null],
        ["sent", null],
        ["sent", null],
      ],
      "sent mails keep no text",
    );
  });

  it("mails a user in their own language, whatever the request asks; one without a language in the request's, and their notice in English", async () => {
    const german = await userWithEmail(service, "Initial-Passw0rd!", "de");
    const admin = await adminToken(service, german.resourceOwner);
    // REST, asking in French: the user's own language wins.
    const asked = await fetch(`${service.url}${resetPath(german.userId)}`, {
      method: "POST",
      headers: { authorization: bearer(admin), "content-type": "application/json", "accept-language": "fr" },
      body: JSON.stringify({ sendLink: { notificationType: "NOTIFICATION_TYPE_Email", urlTemplate: LINK } }),
    });
    assert.equal(asked.status, 200, await asked.text());
    const [resetMail] = await mail.waitFor(german.email);
    assert.equal(resetMail.subject, "Passwort zurücksetzen");
    assert.match(resetMail.text, /^Hallo user-\w+,\n\nJemand hat angefordert, das Passwort Ihres Kontos „user-\w+“ bei org-\w+ zurückzusetzen\./);
    const code = codeIn(resetMail.text, "Ihr Code:");
    service.secrets.push(code);
    const set = await curl(service, setPath(german.userId), { newPassword: { password: "German-Passw0rd-1!" }, verificationCode: code }, admin);
    assert.equal(set.status, 200, JSON.stringify(set.json));
    service.secrets.push("German-Passw0rd-1!");
    const notice = (await mail.waitFor(german.email, 2))[1];
    assert.equal(notice.subject, "Ihr Passwort wurde geändert");
    assert.match(notice.text, /wurde am \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC mit einem Code zum Zurücksetzen des Passworts geändert\./);

    // Connect, asking in Swiss French before German: French, as errors would be.
    const other = await userWithEmail(service);
    const client = createUserServiceClient(createConnectTransport({ baseUrl: service.url, httpVersion: "1.1" }));
    const headers = { authorization: bearer(await adminToken(service, other.resourceOwner)), "accept-language": "fr-CH, de;q=0.8" };
    await client.passwordReset({ userId: other.userId, medium: { case: "sendLink", value: {} } }, { headers });
    const [french] = await mail.waitFor(other.email);
    assert.equal(french.subject, "Réinitialisez votre mot de passe");
    assert.match(french.text, /^Bonjour user-\w+,\n\nQuelqu'un a demandé la réinitialisation du mot de passe de votre compte « user-\w+ » chez org-\w+\./);
    assert.match(french.text, /Le code ne sert qu'une fois, pendant 1\sheure\./);
    const frenchCode = codeIn(french.text, "Votre code :");
    service.secrets.push(frenchCode, "French-Passw0rd-1!");
    await client.setPassword(
      {
        userId: other.userId,
        newPassword: { password: "French-Passw0rd-1!", changeRequired: false },
        verification: { case: "verificationCode", value: frenchCode },
      },
      { headers },
    );
    const englishNotice = (await mail.waitFor(other.email, 2))[1];
    assert.equal(englishNotice.subject, "Your password was changed", "a notice is never in the request's language");
  });

  it("returns the code to @zitadel/client's v2 UserService over Connect and gRPC-Web, and mails nothing", async () => {
    const transports: Record<string, Transport> = {
      connect: createConnectTransport({ baseUrl: service.url, httpVersion: "1.1" }),
      "grpc-web": createGrpcWebTransport({ baseUrl: service.url, httpVersion: "1.1" }),
    };
    for (const [name, transport] of Object.entries(transports)) {
      const user = await userWithEmail(service);
      const headers = { authorization: bearer(await adminToken(service, user.resourceOwner)) };
      const client = createUserServiceClient(transport);
      const reset = await client.passwordReset({ userId: user.userId, medium: { case: "returnCode", value: {} } }, { headers });
      const code = reset.verificationCode!;
      assert.match(code, /^[A-Z0-9]{6}$/, name);
      service.secrets.push(code);
      const set = await client.setPassword(
        { userId: user.userId, newPassword: { password: "Client-Passw0rd-1!", changeRequired: true }, verification: { case: "verificationCode", value: code } },
        { headers },
      );
      assert.equal(set.details?.sequence, 2n, name);
      assert.equal((await service.userRow(user.userId)).password_change_required, 1, `${name}: change_required kept`);
      // Only the change notice: a returned code is never mailed.
      const mails = await mail.waitFor(user.email);
      assert.deepEqual(
        mails.map((m) => m.subject),
        ["Your password was changed"],
        name,
      );
    }
  });

  it("serves grpc-js over h2c, an implementation independent of Connect", async () => {
    const user = await userWithEmail(service);
    const token = await adminToken(service, user.resourceOwner);
    const reset = await grpcJsUnary(
      service.address,
      RESET,
      PasswordResetRequestSchema,
      PasswordResetResponseSchema,
      { userId: user.userId, medium: { case: "returnCode", value: {} } },
      token,
    );
    assert.ok("verificationCode" in reset, `a code, not ${"code" in reset && `${reset.code} ${reset.details}`}`);
    const code = reset.verificationCode!;
    assert.match(code, /^[A-Z0-9]{6}$/);
    service.secrets.push(code);
    const setWith = (value: string) =>
      grpcJsUnary(
        service.address,
        SET,
        SetPasswordRequestSchema,
        SetPasswordResponseSchema,
        { userId: user.userId, newPassword: { password: "Grpc-Passw0rd-1!" }, verification: { case: "verificationCode", value } },
        token,
      );
    const wrong = await setWith("WRONG1");
    assert.deepEqual("code" in wrong && [wrong.code, wrong.details], [3, "Code is invalid (CODE-woT0xc)"]);
    const set = await setWith(code.toLowerCase());
    assert.equal("code" in set ? set.code : set.details?.sequence, 2n, "a code typed in lower case is the same code");
  });

  it("refuses an expired code, a wrong one, five wrong ones (even at once), and the first code after a second reset", async () => {
    const user = await userWithEmail(service);
    const token = await adminToken(service, user.resourceOwner);
    const newCode = async () => {
      const r = await curl(service, resetPath(user.userId), { returnCode: {} }, token);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      service.secrets.push(r.json.verificationCode);
      return r.json.verificationCode as string;
    };
    const setWith = (code: string) => curl(service, setPath(user.userId), { newPassword: { password: "Later-Passw0rd-1!" }, verificationCode: code }, token);

    const first = await newCode();
    const second = await newCode();
    assert.notEqual(first, second);
    assert.deepEqual(refusal(await setWith(first)), [400, 3, "CODE-woT0xc"], "a second reset replaces the first code");

    // Ten wrong codes at once: each takes a try before it is compared, so five count and the code is void.
    const wrong = await Promise.all(Array.from({ length: 10 }, (_, i) => setWith(`WRONG${i}`)));
    const ids = wrong.map((r) => r.json.details?.[0]?.id).sort();
    assert.deepEqual(ids, [...Array(4).fill("CODE-woT0xc"), ...Array(6).fill("COMMAND-2M9fs")].sort(), JSON.stringify(ids));
    assert.deepEqual(refusal(await setWith(second)), [400, 9, "COMMAND-2M9fs"], "five wrong codes void the reset, the right one with them");
    const refused = (await auditEvents(service, user.userId)).filter((e) => e.type === "password.reset.code.refused");
    assert.equal(
      refused.reduce((n, e) => n + e.count, 0),
      5,
      "every wrong code audited",
    );

    const third = await newCode();
    await service.database.db
      .updateTable("password_reset_codes")
      .set({ expires_at: Date.now() - 1 })
      .where("user_id", "=", user.userId)
      .execute();
    const expired = await setWith(third);
    assert.deepEqual(refusal(expired), [400, 9, "CODE-QvUQ4P"]);
    assert.equal(expired.json.message, "Code is expired (CODE-QvUQ4P)");
    assert.equal((await service.userRow(user.userId)).sequence, 1, "nothing changed");
  });

  it("voids an open reset code when the user changes the password themself, in the change's transaction", async () => {
    const user = await userWithEmail(service);
    const token = await adminToken(service, user.resourceOwner);
    const code = (await curl(service, resetPath(user.userId), { returnCode: {} }, token)).json.verificationCode as string;
    service.secrets.push(code, "Own-Passw0rd-1!");
    const own = await rest(service.address, { oldPassword: user.password, newPassword: "Own-Passw0rd-1!", authorization: bearer(user.token) });
    assert.ok(own.ok, JSON.stringify(own));
    const set = await curl(service, setPath(user.userId), { newPassword: { password: "Holders-Passw0rd-1!" }, verificationCode: code }, token);
    assert.deepEqual(refusal(set), [400, 9, "COMMAND-2M9fs"], "the code died with the change");
    assert.equal((await service.userRow(user.userId)).sequence, 2, "only the user's own change");
    const changed = (await auditEvents(service, user.userId)).filter((e) => e.type === "password.changed");
    assert.deepEqual(
      changed.map((e) => e.payload?.resetCodeVoided),
      [true],
    );
  });

  it("applies every rule of a change to a reset: the policy, the same password, the history, the user's state", async () => {
    const user = await userWithEmail(service);
    // Set before any request reads the organisation's policy, which each process keeps for POLICY_CACHE_MS.
    await setPolicy(service, ["--org", user.resourceOwner, "--history-count", "3"]);
    const token = await adminToken(service, user.resourceOwner);
    const newCode = async () => {
      const code = (await curl(service, resetPath(user.userId), { returnCode: {} }, token)).json.verificationCode;
      service.secrets.push(code);
      return code as string;
    };
    const setWith = (code: string, password: string) => curl(service, setPath(user.userId), { newPassword: { password }, verificationCode: code }, token);
    const first = await newCode();
    assert.deepEqual(refusal(await setWith(first, "short")), [400, 3, "DOMAIN-HuJf6"]);
    assert.deepEqual(refusal(await setWith(first, user.password)), [400, 9, "COMMAND-Aesh5"], "the current password, as ZITADEL answers it");
    assert.equal((await setWith(first, "Policy-Passw0rd-1!")).status, 200, "a refused new password leaves the code usable");
    assert.deepEqual(refusal(await setWith(await newCode(), user.password)), [400, 9, "PWSVC-HIS01"], "the one before is in the history");

    await service.setUserState(user.userId, "locked");
    const locked = await curl(service, resetPath(user.userId), { returnCode: {} }, token);
    assert.equal(locked.status, 200, "a locked user may ask for a reset, as in ZITADEL");
    service.secrets.push(locked.json.verificationCode);
    assert.deepEqual(refusal(await setWith(locked.json.verificationCode, "Locked-Passw0rd-1!")), [400, 9, "COMMAND-JLK35"], "a locked user stays locked");
  });

  it("lets the user themself set a password with the current one, and the role holders with a code or none; refuses everyone else with 7", async () => {
    const user = await userWithEmail(service);
    const own = await curl(service, setPath(user.userId), { newPassword: { password: "Self-Passw0rd-1!" }, currentPassword: user.password }, user.token);
    assert.equal(own.status, 200, JSON.stringify(own.json));
    service.secrets.push("Self-Passw0rd-1!");
    const wrongCurrent = await curl(service, setPath(user.userId), { newPassword: { password: "Self-Passw0rd-2!" }, currentPassword: "Not-It-1!" }, user.token);
    assert.deepEqual(refusal(wrongCurrent), [400, 3, "COMMAND-3M0fs"]);

    const other = await userWithEmail(service);
    const orgAdmin = await adminToken(service, other.resourceOwner);
    const instanceAdmin = await adminToken(service);
    const elsewhereAdmin = await adminToken(service, user.resourceOwner);
    const denied = [7, "AUTHZ-HKJD33"];
    const cases: [string, string, unknown, string | undefined][] = [
      ["no role asks a reset", resetPath(other.userId), { returnCode: {} }, user.token],
      ["an admin of another organisation asks a reset", resetPath(other.userId), { returnCode: {} }, elsewhereAdmin],
      [
        "someone without a role proves another user's password",
        setPath(other.userId),
        { newPassword: { password: "X-Passw0rd-1!" }, currentPassword: other.password },
        user.token,
      ],
      ["no proof, without a role", setPath(other.userId), { newPassword: { password: "X-Passw0rd-1!" } }, user.token],
      ["no proof, by an admin of another organisation", setPath(other.userId), { newPassword: { password: "X-Passw0rd-1!" } }, elsewhereAdmin],
      ["the user's own code returned to their own token", resetPath(other.userId), { returnCode: {} }, other.token],
      [
        "no role sets another user's password with a code",
        setPath(other.userId),
        { newPassword: { password: "X-Passw0rd-1!" }, verificationCode: "ABCDEF" },
        user.token,
      ],
      ["an unknown user, to an organisation's admin", resetPath("no-such-user"), { returnCode: {} }, orgAdmin],
    ];
    for (const [what, path, body, token] of cases) {
      const answer = await curl(service, path, body, token);
      assert.deepEqual([answer.status, ...refusal(answer).slice(1)], [403, ...denied], what);
    }
    const unknown = await curl(service, resetPath("no-such-user"), { returnCode: {} }, instanceAdmin);
    assert.deepEqual(refusal(unknown), [404, 5, "COMMAND-SAF4f"], "the instance's admin learns that it does not exist");
    for (const token of [orgAdmin, instanceAdmin]) {
      const reset = await curl(service, resetPath(other.userId), { returnCode: {} }, token);
      assert.equal(reset.status, 200, JSON.stringify(reset.json));
      service.secrets.push(reset.json.verificationCode);
    }
    const noToken = await curl(service, resetPath(other.userId), { returnCode: {} });
    assert.deepEqual(refusal(noToken).slice(0, 2), [401, 16]);
  });

  it("answers bad requests with 3 or 12 and changes nothing", async () => {
    const user = await userWithEmail(service);
    const token = await adminToken(service, user.resourceOwner);
    const bad: [string, unknown, number, number, string | undefined][] = [
      ["a template with another placeholder", { sendLink: { urlTemplate: "https://x.example/{{.Password}}" } }, 400, 3, "DOMAIN-oGh5e"],
      ["a template that is no URL", { sendLink: { urlTemplate: "reset {{.Code}}" } }, 400, 3, "DOMAIN-oGh5e"],
      ["a template of template syntax", { sendLink: { urlTemplate: "https://x.example/{{ range .}}" } }, 400, 3, "DOMAIN-oGh5e"],
      // The URL parser strips CR, LF and tabs and encodes spaces; the mail would quote them as written.
      [
        "a template with CR LF and text after",
        { sendLink: { urlTemplate: "https://x.example/r?c={{.Code}}\r\n\r\nCall +1 555 0100 to finish" } },
        400,
        3,
        "DOMAIN-oGh5e",
      ],
      ["a template with a space", { sendLink: { urlTemplate: "https://x.example/reset {{.Code}}" } }, 400, 3, "DOMAIN-oGh5e"],
      ["a template with a tab", { sendLink: { urlTemplate: "https://x.example/\t{{.Code}}" } }, 400, 3, "DOMAIN-oGh5e"],
      ["a template with a C1 control", { sendLink: { urlTemplate: "https://x.example/\u0085{{.Code}}" } }, 400, 3, "DOMAIN-oGh5e"],
      ["SMS", { sendLink: { notificationType: "NOTIFICATION_TYPE_SMS" } }, 501, 12, "PWSVC-SMS01"],
      ["an unknown notification type", { sendLink: { notificationType: 7 } }, 400, 3, undefined],
    ];
    for (const [what, body, status, code, id] of bad) {
      const answer = await curl(service, resetPath(user.userId), body, token);
      assert.deepEqual([answer.status, answer.json.code ?? 0, answer.json.details?.[0]?.id], [status, code, id], what);
    }
    const setBad: [string, unknown][] = [
      ["a password as a number", { newPassword: { password: 12345678 }, verificationCode: "ABCDEF" }],
      ["a code as a number", { newPassword: { password: "Fine-Passw0rd-1!" }, verificationCode: 123456 }],
      ["no new password", { verificationCode: "ABCDEF" }],
      ["a code too long", { newPassword: { password: "Fine-Passw0rd-1!" }, verificationCode: "A".repeat(21) }],
    ];
    for (const [what, body] of setBad) {
      const answer = await curl(service, setPath(user.userId), body, token);
      assert.deepEqual([answer.status, answer.json.code], [400, 3], what);
      assert.ok(!answer.json.message.includes("12345678"), `${what}: the value is not quoted`);
    }
    const longId = await curl(service, resetPath("x".repeat(201)), { returnCode: {} }, token);
    assert.deepEqual([longId.status, longId.json.code], [400, 3]);
    const row = await service.userRow(user.userId);
    assert.equal(row.sequence, 1);
    const codes = await service.database.db.selectFrom("password_reset_codes").select("user_id").where("user_id", "=", user.userId).execute();
    assert.equal(codes.length, 0, "no code was made");
  });

  it("limits resets per user: RESET_BURST at once, then RESET_RATE_PER_HOUR", async () => {
    const user = await userWithEmail(service);
    const token = await adminToken(service, user.resourceOwner);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await curl(service, resetPath(user.userId), { sendLink: {} }, token));
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200, 429],
    );
    assert.deepEqual(refusal(answers[3]), [429, 8, "PWSVC-RATE2"]);
    assert.equal((await mail.waitFor(user.email, 3)).length, 3, "three mails, not four");
  });
});

describe("mail through an SMTP outage, a restart, and several processes", () => {
  it("keeps a reset mail through an SMTP outage and a restart, and delivers it once when the server is back", async () => {
    const port = await freePort();
    const env = { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_POLL_INTERVAL_MS: "200", MAIL_RETRY_MAX_INTERVAL: "1s" };
    const database = await TestDatabase.create();
    const first = await Service.start(env, database);
    let second: Service | undefined;
    let mail: MailCatcher | undefined;
    try {
      const user = await userWithEmail(first);
      const token = await adminToken(first, user.resourceOwner);
      const requested = await curl(first, resetPath(user.userId), { sendLink: {} }, token);
      assert.equal(requested.status, 200, "committed with its mail, whether or not the mail server answers");
      const outbox = () =>
        database.db.selectFrom("mail_outbox").select(["attempts", "state", "last_error"]).where("user_id", "=", user.userId).executeTakeFirstOrThrow();
      for (let i = 0; i < 100 && (await outbox()).attempts < 2; i++) await new Promise((r) => setTimeout(r, 100));
      const kept = await outbox();
      assert.deepEqual([kept.attempts >= 2, kept.state], [true, "pending"], `tried, and kept for later (${kept.attempts} tries, the last: ${kept.last_error})`);
      await first.stop();

      mail = await MailCatcher.start(port);
      second = await Service.start(env, database);
      const [arrived] = await mail.waitFor(user.email);
      codeIn(arrived.text);
      await new Promise((r) => setTimeout(r, 1000)); // a second copy would come within a poll or two
      assert.equal(mail.mails.filter((m) => m.to.includes(user.email)).length, 1, "sent once");
      const sent = (await auditEvents(second, user.userId)).filter((e) => e.type === "password.reset.sent");
      assert.equal(sent.length, 1);
    } finally {
      await first.stop();
      await second?.stop();
      await mail?.stop();
      await database.drop();
    }
  });

  it("gives a mail up after MAIL_GIVE_UP_AFTER and audits it; without SMTP_URL send_link answers 9 and return_code works", async () => {
    const dead = await freePort();
    const service = await Service.start({
      SMTP_URL: `smtp://127.0.0.1:${dead}`,
      MAIL_POLL_INTERVAL_MS: "200",
      MAIL_RETRY_MAX_INTERVAL: "1s",
      MAIL_GIVE_UP_AFTER: "2s",
    });
    const noMail = await Service.start({}, service.database);
    try {
      const user = await userWithEmail(service);
      const token = await adminToken(service, user.resourceOwner);
      assert.equal((await curl(service, resetPath(user.userId), { sendLink: {} }, token)).status, 200);
      let failed: Awaited<ReturnType<typeof auditEvents>>[number] | undefined;
      for (let i = 0; i < 100 && !failed; i++) {
        await new Promise((r) => setTimeout(r, 100));
        failed = (await auditEvents(service, user.userId)).find((e) => e.type === "password.reset.failed");
      }
      assert.ok(failed, "the give-up is audited");
      assert.match(String(failed.payload.error), /ECONNREFUSED/);
      const row = await service.database.db.selectFrom("mail_outbox").select(["state", "body"]).where("user_id", "=", user.userId).executeTakeFirstOrThrow();
      assert.deepEqual(row, { state: "failed", body: null });

      const withoutSmtp = await curl(noMail, resetPath(user.userId), { sendLink: {} }, token);
      assert.deepEqual(refusal(withoutSmtp), [400, 9, "PWSVC-MAIL1"]);
      const returned = await curl(noMail, resetPath(user.userId), { returnCode: {} }, token);
      assert.equal(returned.status, 200);
      noMail.secrets.push(returned.json.verificationCode);
      const noEmail = await service.createUser();
      const adminOfIt = await adminToken(service, noEmail.resourceOwner);
      assert.deepEqual(refusal(await curl(service, resetPath(noEmail.userId), { sendLink: {} }, adminOfIt)), [400, 9, "PWSVC-MAIL2"]);
    } finally {
      await noMail.stop();
      await service.stop();
    }
  });

  it("sends each mail once with two server processes on one database", async () => {
    const mail = await MailCatcher.start();
    const env = { SMTP_URL: mail.url, MAIL_POLL_INTERVAL_MS: "100" };
    const one = await Service.start(env);
    const two = await Service.start(env, one.database);
    try {
      const users = await Promise.all(Array.from({ length: 12 }, () => userWithEmail(one)));
      const token = await adminToken(one);
      // Half the resets through each process; both send whatever is due.
      const answers = await Promise.all(users.map((u, i) => curl(i % 2 ? one : two, resetPath(u.userId), { sendLink: {} }, token)));
      assert.deepEqual(
        answers.map((a) => a.status),
        Array(12).fill(200),
      );
      for (const u of users) await mail.waitFor(u.email);
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(mail.mails.length, 12, "twelve mails, none twice");
      assert.equal(new Set(mail.mails.map((m) => m.messageId)).size, 12);
    } finally {
      await two.stop();
      await one.stop();
      await mail.stop();
    }
  });

  it("takes roles from an external issuer's tokens (JWKS_URL) in the claim of JWT_PROJECT_ID's project only", async () => {
    const PROJECT = "287593748912455693";
    const projectClaim = `urn:zitadel:iam:org:project:${PROJECT}:roles`;
    const genericClaim = "urn:zitadel:iam:org:project:roles";
    const jwks = await JwksServer.start();
    const key = await issuerKey("ES256");
    jwks.keys = [key.publicJwk];
    const issuer = { JWKS_URL: jwks.url, JWT_ISSUER: "https://issuer.example", JWT_AUDIENCE: "password-service" };
    const service = await Service.start({ ...issuer, JWT_PROJECT_ID: PROJECT });
    const token = async (sub: string, roles?: Record<string, Record<string, string>>, claim = projectClaim) => {
      const jwt = await new SignJWT(roles ? { [claim]: roles } : {})
        .setProtectedHeader({ alg: key.alg, kid: key.kid })
        .setSubject(sub)
        .setIssuer("https://issuer.example")
        .setAudience("password-service")
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(key.privateKey);
      service.secrets.push(jwt);
      return jwt;
    };
    try {
      const started = await service.logEntry((e) => e.rolesClaim !== undefined);
      assert.equal(started?.msg, `roles are granted by the token claim ${projectClaim}`);
      const { orgs: directory } = await service.store();
      await directory.createOrg({ id: "org-a", name: "A" });
      await directory.createOrg({ id: "org-b", name: "B" });
      await service.createUser("Person-Passw0rd-1!", { id: "person", username: "person", orgId: "org-a" });
      await service.createUser("Login-Passw0rd-1!", { id: "login-app", username: "login", orgId: "org-b" });
      // Any project of the instance may name a role so and ask for a token for this audience.
      const otherProject = await token("login-app", { "password-service:instance-admin": { "org-b": "b.example" } }, genericClaim);
      const otherProjectsAdmin = await token("login-app", { "password-service:admin": { "org-a": "a.example" } }, genericClaim);
      const ofA = await token("login-app", { "password-service:admin": { "org-a": "a.example" } });
      const ofB = await token("login-app", { "password-service:admin": { "org-b": "b.example" } });
      const none = await token("login-app");
      for (const [what, jwt] of [
        ["another project's instance-admin", otherProject],
        ["another project's admin", otherProjectsAdmin],
        ["admin of another org", ofB],
        ["no roles", none],
      ]) {
        assert.deepEqual(refusal(await curl(service, resetPath("person"), { returnCode: {} }, jwt)), [403, 7, "AUTHZ-HKJD33"], what);
      }
      const reset = await curl(service, resetPath("person"), { returnCode: {} }, ofA);
      assert.equal(reset.status, 200, JSON.stringify(reset.json));
      service.secrets.push(reset.json.verificationCode);
      const set = await curl(
        service,
        setPath("person"),
        { newPassword: { password: "Person-Passw0rd-2!" }, verificationCode: reset.json.verificationCode },
        ofA,
      );
      assert.equal(set.status, 200, JSON.stringify(set.json));
      service.secrets.push("Person-Passw0rd-2!");

      // Without JWT_PROJECT_ID or JWT_ROLES_CLAIM, an outside issuer's tokens grant no roles; naming the claim makes it count.
      for (const [env, status] of [
        [{}, 403],
        [{ JWT_ROLES_CLAIM: genericClaim }, 200],
      ] as const) {
        const other = await Service.start({ ...issuer, ...env }, service.database);
        try {
          const answer = await curl(other, resetPath("person"), { returnCode: {} }, otherProject);
          assert.equal(answer.status, status, `${JSON.stringify(env)}: ${JSON.stringify(answer.json)}`);
          if (answer.json.verificationCode) service.secrets.push(answer.json.verificationCode);
          const said = await other.logEntry((e) => e.rolesClaim !== undefined);
          assert.equal(said?.rolesClaim, env.JWT_ROLES_CLAIM ?? null);
        } finally {
          await other.stop();
        }
      }
    } finally {
      await service.stop();
      await jwks.close();
    }
  });
});
