import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { PasswordService } from "../gen/passwordservice/v1/password_service_pb.js";
import { negotiateLanguage } from "../src/api/accept-language.js";
import { errors, ID, invalidField, type ServiceError } from "../src/core/errors.js";
import { LANGUAGES, messageIn, servedLanguage, TRANSLATIONS, wireMessageIn } from "../src/core/messages.js";
import { MAIL_TEXTS } from "../src/mail/texts.js";
import { bearer, type Caller, connectBinaryH2, connectJson, grpcJs, grpcWeb, ownApiGrpc, rest } from "./support/clients.js";
import { Service } from "./support/service.js";

/** One error of each constructor in errors.ts, made with sample arguments. */
function everyError(): [string, ServiceError][] {
  return Object.entries(errors).map(([name, make]) => [name, (make as (...args: unknown[]) => ServiceError)("sample-detail", "sample-detail")]);
}

/** A catalogue's entries by path (`reset.subject`): nested objects are walked, anything else is an entry. */
function entries(texts: unknown, prefix = ""): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const [key, value] of Object.entries(texts as object)) {
    const path = prefix + key;
    if (typeof value === "object" && value !== null) for (const [p, v] of entries(value, `${path}.`)) found.set(p, v);
    else found.set(path, value);
  }
  return found;
}

/**
 * Every language served, each with exactly English's entries: none missing,
 * none English lacks; each a text that is not empty, or a function (a text
 * with values in it).
 */
function assertComplete(name: string, catalogue: Record<string, unknown>): void {
  assert.deepEqual(Object.keys(catalogue).sort(), [...LANGUAGES].sort(), `${name}: the languages`);
  const english = [...entries(catalogue.en).keys()];
  for (const language of LANGUAGES) {
    const texts = entries(catalogue[language]);
    assert.deepEqual(
      english.filter((path) => !texts.has(path)),
      [],
      `${name} in ${language}: missing`,
    );
    assert.deepEqual(
      [...texts.keys()].filter((path) => !english.includes(path)),
      [],
      `${name} in ${language}: not in English`,
    );
    for (const [path, text] of texts) {
      assert.ok(typeof text === "function" || (typeof text === "string" && text.trim() !== ""), `${name} in ${language}: ${path} is empty`);
    }
  }
}

/** The API's messages by language, English's from errors.ts: the shape every other catalogue has. */
function apiMessages(): Record<string, Record<string, string | undefined>> {
  const english = Object.fromEntries(everyError().flatMap(([, err]) => (err.id ? [[err.id, err.message]] : [])));
  const byLanguage: Record<string, Record<string, string | undefined>> = { en: english };
  for (const language of LANGUAGES.filter((l) => l !== "en")) {
    byLanguage[language] = Object.fromEntries(Object.entries(TRANSLATIONS).map(([id, texts]) => [id, texts[language]]));
  }
  return byLanguage;
}

describe("every catalogue in every language", () => {
  // Each user-facing catalogue, as languages → texts; a new one is one more line.
  const catalogues: [string, Record<string, unknown>][] = [
    ["the API's messages", apiMessages()],
    ["the mails", MAIL_TEXTS],
  ];
  for (const [name, catalogue] of catalogues) {
    it(`${name}: each language has every entry English has, and none English lacks`, () => assertComplete(name, catalogue));
  }

  it("fails a catalogue with an entry missing, or one that English lacks", () => {
    const { de, ...rest } = MAIL_TEXTS;
    const { subject: _, ...withoutSubject } = de.reset;
    assert.throws(() => assertComplete("mails", { ...rest, de: { ...de, reset: withoutSubject } }), /de: missing/);
    assert.throws(() => assertComplete("mails", { ...rest, de: { ...de, farewell: "Tschüss" } }), /de: not in English/);
    assert.throws(() => assertComplete("mails", rest), /the languages/);
  });
});

describe("a user's language, from a BCP 47 tag", () => {
  const cases: [string, string | undefined][] = [
    ["de", "de"],
    ["de-CH", "de"],
    ["ZH-Hans-CN", "zh"],
    ["pt-BR", "pt"],
    ["en", "en"],
    ["sv", undefined],
    ["und", undefined],
    ["xx", undefined],
    ["de_CH", undefined],
    ["de-", undefined],
    ["", undefined],
    [" de", undefined],
  ];
  for (const [tag, want] of cases) it(`${JSON.stringify(tag)} → ${want}`, () => assert.equal(servedLanguage(tag), want));
});

describe("the message catalogue", () => {
  const ids = Object.values(ID) as string[];

  it("has every error ID in every language but English, and no message for an ID the service does not answer", () => {
    assert.deepEqual(Object.keys(TRANSLATIONS).sort(), [...ids].sort());
    for (const [id, texts] of Object.entries(TRANSLATIONS)) {
      assert.deepEqual(Object.keys(texts).sort(), LANGUAGES.filter((l) => l !== "en").sort(), id);
      for (const [language, text] of Object.entries(texts)) assert.ok(text.trim().length > 0, `${id} in ${language} is empty`);
    }
  });

  it("has no ID that no error of errors.ts carries", () => {
    const carried = new Set(
      everyError()
        .map(([, err]) => err.id)
        .filter((id) => id !== undefined),
    );
    assert.deepEqual([...carried].sort(), [...ids].sort());
  });

  it("keeps an error's detail in every language, and has no placeholder left in any text", () => {
    for (const [name, err] of everyError()) {
      if (!err.id) continue;
      for (const language of LANGUAGES) {
        const text = messageIn(err, language);
        assert.ok(!text.includes("{detail}"), `${name} in ${language}: ${text}`);
        if (err.detail !== undefined && language !== "en") assert.ok(text.includes(err.detail), `${name} in ${language}: ${text}`);
        if (err.detail === undefined) assert.ok(!text.includes("sample-detail"), `${name} in ${language}: ${text}`);
      }
    }
  });

  it("keeps the ID and translates only the text; a detail's `$` stays as it is", () => {
    assert.equal(wireMessageIn(errors.passwordInvalid(1), "de"), "Das Passwort ist ungültig (COMMAND-3M0fs)");
    assert.equal(wireMessageIn(errors.passwordInvalid(1), "en"), "Password is invalid (COMMAND-3M0fs)");
    assert.equal(messageIn(errors.invalidUrlTemplate("$& and $1"), "fr"), "Le modèle d'URL est invalide : $& and $1");
  });

  it("leaves validation without an ID in English, as ZITADEL does", () => {
    const err = invalidField("UpdateMyPasswordRequest", "OldPassword", "value length must be at least 1 runes");
    assert.equal(wireMessageIn(err, "ja"), "invalid UpdateMyPasswordRequest.OldPassword: value length must be at least 1 runes");
  });
});

describe("negotiating the language from Accept-Language", () => {
  const cases: [string | undefined, string][] = [
    [undefined, "en"],
    ["", "en"],
    ["de", "de"],
    ["de-CH", "de"],
    ["DE-ch", "de"],
    ["zh-TW", "zh"],
    ["zh-Hans-CN", "zh"],
    ["pt-BR,pt;q=0.9", "pt"],
    ["fr;q=0.4, ja;q=0.8, en;q=0.5", "ja"],
    ["en;q=0.9, nl", "nl"],
    ["it;q=0.5, es;q=0.5", "it"],
    ["sv, fi;q=0.5", "en"],
    ["sv, pl;q=0.1", "pl"],
    ["de;q=0", "en"],
    ["*", "en"],
    ["en;q=0, *", "de"],
    ["fr;q=0.2, *;q=0.5", "en"],
    ["fr, *;q=0.5", "fr"],
    ["de;q=2, fr;q=abc, es;q=", "en"],
    ["de;Q=0.7, fr;q=0.6", "de"],
    [" , ;, de ;q=0.3 ", "de"],
  ];
  for (const [header, want] of cases) {
    it(`${JSON.stringify(header)} → ${want}`, () => assert.equal(negotiateLanguage(header), want));
  }
});

describe("errors in the caller's language on every protocol", () => {
  let service: Service;
  before(async () => {
    service = await Service.start();
  });
  after(() => service.stop());

  const protocols: [string, Caller][] = [
    ["grpc-js (h2c)", grpcJs],
    ["gRPC-Web", grpcWeb],
    ["Connect JSON", connectJson],
    ["Connect binary", connectBinaryH2],
    ["own API (gRPC)", ownApiGrpc],
    ["REST", rest],
  ];

  for (const [name, call] of protocols) {
    it(`${name}: a wrong old password in German, with ZITADEL's ID, code and the failed-attempt count`, async () => {
      const user = await service.createUser("Current-Passw0rd!");
      const outcome = await call(service.address, {
        oldPassword: "Wrong-Passw0rd!",
        newPassword: "Another-Passw0rd!",
        authorization: bearer(user.token),
        acceptLanguage: "de-CH, de;q=0.9, en;q=0.5",
      });
      assert.equal(outcome.ok, false);
      const { httpStatus, ...got } = outcome as Extract<typeof outcome, { ok: false }>;
      assert.deepEqual(got, {
        ok: false,
        code: 3,
        message: "Das Passwort ist ungültig (COMMAND-3M0fs)",
        detail: { type: "zitadel.v1.CredentialsCheckError", id: "COMMAND-3M0fs", message: "Das Passwort ist ungültig", failedAttempts: 1 },
      });
      if (name === "REST") assert.equal(httpStatus, 400);
    });

    it(`${name}: q-values choose Japanese; validation stays English`, async () => {
      const user = await service.createUser("Current-Passw0rd!");
      const acceptLanguage = "fr;q=0.4, ja;q=0.8, en;q=0.5";
      const refused = await call(service.address, {
        oldPassword: "Current-Passw0rd!",
        newPassword: "short",
        authorization: bearer(user.token),
        acceptLanguage,
      });
      assert.equal(refused.ok || refused.message, "パスワードが短すぎます (DOMAIN-HuJf6)");
      assert.equal(refused.ok || refused.detail?.message, "パスワードが短すぎます");
      const invalid = await call(service.address, { oldPassword: "", newPassword: "x", authorization: bearer(user.token), acceptLanguage });
      assert.match(invalid.ok ? "" : invalid.message, /^invalid (UpdateMy|ChangeMy)PasswordRequest\.OldPassword: value length must be at least 1 runes$/);
    });

    it(`${name}: English when no language asked for is served`, async () => {
      const outcome = await call(service.address, { oldPassword: "a", newPassword: "b", authorization: "Bearer not.a.jwt", acceptLanguage: "sv, fi;q=0.5" });
      assert.deepEqual(outcome.ok || [outcome.code, outcome.message, outcome.detail?.message], [16, "Token is invalid (AUTH-7fs1e)", "Token is invalid"]);
    });
  }

  it("ValidateMyNewPassword names its violations in the caller's language", async () => {
    const user = await service.createUser("Current-Passw0rd!");
    const client = createClient(PasswordService, createConnectTransport({ baseUrl: `http://${service.address}`, httpVersion: "1.1" }));
    const headers = { authorization: bearer(user.token), "accept-language": "pl-PL" };
    const { valid, violations } = await client.validateMyNewPassword({ newPassword: "abc" }, { headers });
    assert.equal(valid, false);
    assert.ok(
      violations.some((v) => v.id === ID.tooShort && v.message === "Hasło jest za krótkie"),
      JSON.stringify(violations),
    );
    for (const v of violations) assert.equal(v.message, TRANSLATIONS[v.id as keyof typeof TRANSLATIONS].pl, v.id);
  });
});
