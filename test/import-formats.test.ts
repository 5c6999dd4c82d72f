import assert from "node:assert/strict";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import argon2 from "argon2";
import bcrypt from "bcrypt";
import { bearer, rest } from "./support/clients.js";
import { cli, cliOk, Service, tempDir } from "./support/service.js";
import { documentRecords, type SourceRecord } from "../src/cli/import-reader.js";

/** A Keycloak password credential, made as Keycloak's Pbkdf2PasswordHashProvider makes one (a 512-bit key). */
function keycloakPbkdf2(password: string, algorithm: "pbkdf2" | "pbkdf2-sha256" | "pbkdf2-sha512", iterations: number) {
  const digest = { pbkdf2: "sha1", "pbkdf2-sha256": "sha256", "pbkdf2-sha512": "sha512" }[algorithm];
  const salt = randomBytes(16);
  const value = pbkdf2Sync(password, salt, iterations, 64, digest);
  return keycloakCredential({ hashIterations: iterations, algorithm, additionalParameters: {} }, value, salt);
}

/** Keycloak's argon2 credential: the raw hash and salt, the parameters as lists of strings. */
async function keycloakArgon2(password: string) {
  const salt = randomBytes(16);
  const value = await argon2.hash(password, { type: argon2.argon2id, memoryCost: 7168, timeCost: 5, parallelism: 1, hashLength: 32, salt, raw: true });
  const additionalParameters = { hashLength: ["32"], memory: ["7168"], type: ["id"], version: ["1.3"], parallelism: ["1"] };
  return keycloakCredential({ hashIterations: 5, algorithm: "argon2", additionalParameters }, value, salt);
}

function keycloakCredential(data: object, value: Buffer, salt: Buffer) {
  return {
    id: randomBytes(8).toString("hex"),
    type: "password",
    createdDate: 1700000000000,
    secretData: JSON.stringify({ value: value.toString("base64"), salt: salt.toString("base64"), additionalParameters: {} }),
    credentialData: JSON.stringify(data),
  };
}

/** Auth0's pbkdf2 custom_password_hash: a PHC string, salt and hash in base 64 without padding. */
function auth0Pbkdf2(password: string) {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password, salt, 100_000, 64, "sha512");
  const b64 = (b: Buffer) => b.toString("base64").replace(/=+$/, "");
  return { algorithm: "pbkdf2", hash: { value: `$pbkdf2-sha512$i=100000,l=64$${b64(salt)}$${b64(hash)}`, encoding: "utf8" } };
}

describe("reading a JSON document a record at a time", () => {
  /** The records of `text` fed a byte at a time, so that every token is split across chunks. */
  const records = async (text: string, key?: string) => {
    const top = new Map<string, string>();
    const found: SourceRecord[] = [];
    for await (const record of documentRecords(Readable.from([...Buffer.from(text)].map((b) => Buffer.from([b]))), key, top)) found.push(record);
    return { values: found.map((r) => ("value" in r ? r.value : undefined)), positions: found.map((r) => r.position), top };
  };

  it("takes the top-level users array only, whatever the other keys hold, and keeps the top-level strings", async () => {
    const realm = {
      realm: "r",
      groups: [{ name: "g", users: [{ id: "not-a-record" }] }],
      attributes: { users: '[{]}"' },
      users: [
        { id: "a", username: 'ä " ] }' },
        { id: "b", credentials: [{ type: "password" }] },
      ],
      passwordPolicy: "length(8)",
      clients: [[{ users: [] }]],
    };
    const { values, positions, top } = await records(JSON.stringify(realm), "users");
    assert.deepEqual(values, realm.users);
    assert.deepEqual(positions, [1, 2]);
    assert.deepEqual(
      [...top],
      [
        ["realm", "r"],
        ["passwordPolicy", "length(8)"],
      ],
    );
  });

  it("reads a JSON array or a stream of objects, and refuses a document of another shape", async () => {
    assert.deepEqual((await records('[{"a":1},\n{"b":[2]}]')).values, [{ a: 1 }, { b: [2] }]);
    assert.deepEqual((await records('{"a":1}\n{"b":2}\n')).values, [{ a: 1 }, { b: 2 }]);
    await assert.rejects(records('"text"'), /neither a JSON array nor JSON objects/);
    await assert.rejects(records("[1, 2]", "users"), /not a JSON object with "users"/);
    await assert.rejects(
      records('[{"a":1}, {"b":'),
      (err: Error & { position?: number }) => err.message === "the file is not valid JSON" && err.position === 1,
    );
  });
});

describe("user import --format", () => {
  let service: Service;
  let dir: string;

  before(async () => {
    service = await Service.start();
    dir = tempDir("ps-formats-");
  });
  after(() => service.stop());

  const write = (name: string, content: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
    return file;
  };
  const password = (name: string) => {
    const secret = `${name}-Passw0rd-${randomBytes(4).toString("hex")}!`;
    service.secrets.push(secret);
    return secret;
  };
  /** Changes the user's password with a token of theirs: the imported hash verified the old one. */
  const changes = async (userId: string, oldPassword: string) => {
    const newPassword = password("New");
    const changed = await rest(service.address, { oldPassword, newPassword, authorization: bearer(await service.token(userId)) });
    assert.equal(changed.ok, true, `${userId}: ${JSON.stringify(changed)}`);
  };
  const show = async (userId: string) => JSON.parse(await cliOk(["user", "show", "--user", userId, "--json"], service.env));

  it("imports a Keycloak realm export: pbkdf2 of each digest and argon2, disabled and service-account users, and shows the realm's policy", async () => {
    const pw = { sha256: password("Sha256"), sha512: password("Sha512"), sha1: password("Sha1"), argon: password("Argon") };
    const realm = {
      id: "realm-id",
      realm: "acme",
      passwordPolicy: "length(12) and digits(1) and upperCase(1) and notUsername(undefined) and passwordHistory(3)",
      clients: [{ clientId: "app", redirectUris: ["https://app.example/*"] }],
      users: [
        { id: "kc-1", username: "ann", email: "ann@acme.example", enabled: true, credentials: [keycloakPbkdf2(pw.sha256, "pbkdf2-sha256", 27500)] },
        { id: "kc-2", username: "ben", enabled: true, credentials: [keycloakPbkdf2(pw.sha512, "pbkdf2-sha512", 210000)] },
        { id: "kc-3", username: "cat", enabled: false, credentials: [keycloakPbkdf2(pw.sha1, "pbkdf2", 20000)] },
        { id: "kc-4", username: "dan", enabled: true, credentials: [await keycloakArgon2(pw.argon)], requiredActions: [] },
        { id: "kc-5", username: "service-account-app", enabled: true, serviceAccountClientId: "app" },
        {
          id: "kc-6",
          username: "eve",
          credentials: [{ ...keycloakPbkdf2("unused", "pbkdf2-sha256", 1000), credentialData: JSON.stringify({ hashIterations: 10, algorithm: "bcrypt" }) }],
        },
        { id: "kc-7", username: "fay", email: "not an address" },
      ],
      roles: { realm: [{ name: "user" }] },
    };
    const file = write("realm.json", realm);
    const policyBefore = await cliOk(["policy", "show", "--json"], service.env);
    const dry = await cli(["user", "import", "--format", "keycloak", "--file", file, "--dry-run"], service.env);
    assert.match(dry.stdout, /^would import 5, skipped 0, updated 0, rejected 2 \(7 records\)$/m, dry.stderr);
    assert.equal((await cli(["user", "show", "--user", "kc-1"], service.env)).code, 2, "a dry run writes nothing");

    const run = await cli(["user", "import", "--format", "keycloak", "--file", file], service.env);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^imported 5, skipped 0, updated 0, rejected 2 \(7 records\)$/m);
    assert.match(run.stdout, /record 6 \(id kc-6\): Keycloak's hash algorithm "bcrypt" has no verifier here/);
    assert.match(run.stdout, /record 7 \(id kc-7\): email is not a bare address/);
    assert.match(run.stdout, /password-service policy set --min-length 12 --has-number true --has-uppercase true --history-count 3/);
    assert.match(run.stdout, /not applied/);
    const secrets = realm.users.flatMap((u) => (u.credentials ?? []).map((c) => JSON.parse(c.secretData).value.slice(0, 16)));
    for (const secret of secrets) assert.ok(!(run.stdout + run.stderr).includes(secret), "no hash in the report");
    assert.match(run.stdout, /no counterpart here: notUsername\(undefined\)/);
    assert.equal(await cliOk(["policy", "show", "--json"], service.env), policyBefore, "the realm's policy is not applied");

    const families = await Promise.all(["kc-1", "kc-2", "kc-3", "kc-4"].map(async (id) => (await show(id)).passwordFamily));
    assert.deepEqual(families, ["pbkdf2-sha256", "pbkdf2-sha512", "pbkdf2", "argon2id"]);
    const [cat, robot] = [await show("kc-3"), await show("kc-5")];
    assert.deepEqual([cat.state, robot.kind, robot.passwordFamily], ["locked", "machine", null]);
    assert.equal((await show("kc-1")).email, "ann@acme.example");
    const orgs = JSON.parse(`[${(await cliOk(["org", "list", "--json"], service.env)).split("\n").join(",")}]`);
    assert.equal(orgs.find((o: { id: string }) => o.id === cat.orgId)?.name, "acme", "the realm names the users' organisation");
    await changes("kc-1", pw.sha256);
    await changes("kc-2", pw.sha512);
    await changes("kc-4", pw.argon);
    const locked = await rest(service.address, { oldPassword: pw.sha1, newPassword: password("Other"), authorization: bearer(await service.token("kc-3")) });
    assert.equal(locked.ok, false, "a disabled Keycloak user is locked");

    const again = await cli(["user", "import", "--format", "keycloak", "--file", file], service.env);
    assert.match(again.stdout, /imported 0, skipped 5, updated 0, rejected 2/, "a second run passes what is there");
  });

  it("refuses a Keycloak credential whose data is no JSON and an Auth0 user with two hashes, quoting neither", async () => {
    const credential = keycloakPbkdf2(password("Garbled"), "pbkdf2-sha256", 1000);
    const realm = write("garbled.json", {
      realm: "garbled",
      users: [{ id: "kc-garbled", username: "gil", credentials: [{ ...credential, secretData: "{not json" }] }],
    });
    const keycloak = await cli(["user", "import", "--format", "keycloak", "--file", realm], service.env);
    assert.equal(keycloak.code, 1);
    assert.match(keycloak.stdout, /record 1 \(id kc-garbled\): .*secretData is not valid JSON/);
    const twice = { user_id: "auth0|twice", email: "twice@auth0.example", password_hash: "$2b$04$" + "a".repeat(53), custom_password_hash: auth0Pbkdf2("x") };
    const auth0 = await cli(["user", "import", "--format", "auth0", "--file", write("twice.json", [twice])], service.env);
    assert.match(auth0.stdout, /record 1 \(id auth0\|twice\): custom_password_hash and password_hash contradict each other: give one/);
    assert.doesNotMatch(keycloak.stdout + auth0.stdout, /not json|\$2b\$/, "no hash in the report");
  });

  it("reads Keycloak's per-file users export, a realm of 20,000 users, streamed", async () => {
    const file = path.join(dir, "acme-users-0.json");
    const out = fs.createWriteStream(file);
    out.write('{\n  "realm" : "big",\n  "users" : [ ');
    for (let i = 0; i < 20_000; i++)
      out.write(`${i ? ", " : ""}${JSON.stringify({ id: `big-${i}`, username: `big-${i}`, enabled: true, attributes: { note: ["x".repeat(200)] } })}`);
    out.end(" ]\n}\n");
    await new Promise<void>((resolve) => out.once("finish", () => resolve()));
    const run = await cli(["user", "import", "--format", "keycloak", "--file", file], service.env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^imported 20000, skipped 0, updated 0, rejected 0 \(20000 records\)$/m);
    assert.equal(await service.database.countUsers((await show("big-19999")).orgId), 20_000);
  });

  it("imports Auth0's bulk export as JSON Lines and its import schema as a JSON array: bcrypt, argon2 and pbkdf2, blocked users", async () => {
    const pw = { bcrypt: password("Bcrypt"), argon: password("Argon"), pbkdf2: password("Pbkdf2"), custom: password("Custom") };
    const lines = [
      { user_id: "auth0|5f1a", email: "ann@auth0.example", username: "ann0", password_hash: await bcrypt.hash(pw.bcrypt, 10), blocked: false, identities: [] },
      { user_id: "auth0|5f1b", email: "ben@auth0.example", blocked: true, password_hash: await bcrypt.hash(pw.bcrypt, 4) },
      {
        user_id: "auth0|5f1c",
        email: "cat@auth0.example",
        custom_password_hash: { algorithm: "md5", hash: { value: "5f4dcc3b5aa765d61d8327deb882cf99", encoding: "hex" } },
      },
    ];
    const jsonl = write("auth0.jsonl", lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const run = await cli(["user", "import", "--format", "auth0", "--file", jsonl], service.env);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^imported 2, skipped 0, updated 0, rejected 1 \(3 records\)$/m);
    assert.match(run.stdout, /record 3 \(id auth0\|5f1c\): custom_password_hash algorithm "md5" has no verifier here \(bcrypt, argon2, pbkdf2\)/);
    assert.doesNotMatch(run.stdout + run.stderr, /5f4dcc3b|\$2b\$/, "no hash in the report");
    assert.deepEqual([(await show("auth0|5f1a")).username, (await show("auth0|5f1b")).state], ["ann0", "locked"]);
    await changes("auth0|5f1a", pw.bcrypt);

    const array = write("auth0-import.json", [
      { user_id: "64f1", email: "dan@auth0.example", custom_password_hash: { algorithm: "argon2", hash: { value: await argon2.hash(pw.argon) } } },
      { user_id: "64f2", email: "eve@auth0.example", custom_password_hash: auth0Pbkdf2(pw.pbkdf2) },
      { user_id: "64f3", email: "fay@auth0.example", custom_password_hash: { algorithm: "bcrypt", hash: { value: await bcrypt.hash(pw.custom, 4) } } },
    ]);
    assert.match(
      await cliOk(["user", "import", "--format", "auth0", "--file", array], service.env),
      /imported 3, skipped 0, updated 0, rejected 0 \(3 records\)/,
    );
    assert.equal((await show("auth0|64f1")).email, "dan@auth0.example", "the import schema's user_id is Auth0's auth0|… subject");
    await changes("auth0|64f1", pw.argon);
    await changes("auth0|64f2", pw.pbkdf2);
    await changes("auth0|64f3", pw.custom);
  });

  it("imports ZITADEL's v2 AddHumanUser and v1 ImportHumanUser JSON, and updates them as --on-conflict says", async () => {
    const [first, second, third] = [password("Zitadel"), password("Zitadel"), password("Zitadel")];
    const users = [
      {
        userId: "281765212093792001",
        username: "zann",
        organization: { orgId: "zorg" },
        email: { email: "zann@zitadel.example", isVerified: true },
        hashedPassword: { hash: await bcrypt.hash(first, 4) },
      },
      {
        userName: "zben",
        email: { email: "zben@zitadel.example" },
        hashedPassword: { value: await bcrypt.hash(second, 4), algorithm: "bcrypt" },
        profile: { firstName: "Ben" },
      },
      { userId: "281765212093792003", username: "zcat", organization: { orgDomain: "zitadel.example" } },
      {
        userId: "281765212093792004",
        organization: { orgId: "zorg" },
        user: { userName: "zdan", hashedPassword: { value: await bcrypt.hash(second, 4), algorithm: "bcrypt" } },
      },
    ];
    const file = write("zitadel.jsonl", users.map((u) => JSON.stringify(u)).join("\n"));
    const run = await cli(["user", "import", "--format", "zitadel", "--file", file], service.env);
    assert.match(run.stdout, /^imported 3, skipped 0, updated 0, rejected 1 \(4 records\)$/m, run.stderr);
    assert.match(run.stdout, /record 3 \(id 281765212093792003\): organization.orgDomain is not supported: give organization.orgId/);
    assert.equal((await show("281765212093792001")).orgId, "zorg");
    assert.deepEqual(
      [(await show("281765212093792004")).username, (await show("281765212093792004")).orgId],
      ["zdan", "zorg"],
      "a humanUsers entry of ZITADEL's export",
    );
    await changes("281765212093792001", first);
    await changes("281765212093792004", second);

    const moved = write("zitadel-update.json", [
      { userId: "281765212093792001", username: "zann", organization: { orgId: "zorg" }, hashedPassword: { hash: await bcrypt.hash(third, 4) } },
    ]);
    assert.match(await cliOk(["user", "import", "--format", "zitadel", "--file", moved], service.env), /imported 0, skipped 1, updated 0/);
    assert.match(await cliOk(["user", "import", "--format", "zitadel", "--file", moved, "--on-conflict", "update"], service.env), /updated 1, rejected 0/);
    const shown = await show("281765212093792001");
    assert.equal(shown.email, "zann@zitadel.example", "an update keeps the email the record leaves out");
    await changes("281765212093792001", third);
  });

  it("takes each format's language (Keycloak's locale attribute, Auth0's user_metadata, ZITADEL's profile); one not served leaves the user none", async () => {
    const languages = (ids: string[]) => Promise.all(ids.map(async (id) => (await show(id)).preferredLanguage));
    const realm = write("lang-realm.json", {
      realm: "lang",
      users: [
        { id: "kc-de", username: "kc-de", attributes: { locale: ["de-AT"] } },
        { id: "kc-sv", username: "kc-sv", attributes: { locale: ["sv"] } },
        { id: "kc-none", username: "kc-none", attributes: { note: ["x"] } },
      ],
    });
    assert.match(await cliOk(["user", "import", "--format", "keycloak", "--file", realm], service.env), /imported 3, skipped 0, updated 0, rejected 0/);
    assert.deepEqual(await languages(["kc-de", "kc-sv", "kc-none"]), ["de", null, null]);

    const auth0 = write("lang-auth0.json", [
      { user_id: "lang-fr", email: "fr@auth0.example", user_metadata: { language: "fr" } },
      { user_id: "lang-ja", email: "ja@auth0.example", user_metadata: { language: "sv", locale: "ja-JP" } },
      { user_id: "lang-bad", email: "bad@auth0.example", user_metadata: { language: 7 } },
    ]);
    const run = await cli(["user", "import", "--format", "auth0", "--file", auth0], service.env);
    assert.match(run.stdout, /^imported 2, skipped 0, updated 0, rejected 1 \(3 records\)$/m, run.stderr);
    assert.match(run.stdout, /record 3 \(id lang-bad\): user_metadata.language must be a string/);
    assert.deepEqual(await languages(["auth0|lang-fr", "auth0|lang-ja"]), ["fr", "ja"]);

    const zitadel = write(
      "lang-zitadel.jsonl",
      [
        { userId: "lang-z-pl", username: "zpl", profile: { givenName: "Piotr", preferredLanguage: "pl" } },
        { userId: "lang-z-und", username: "zund", profile: { preferredLanguage: "und" } },
        { userId: "lang-z-zh", user: { userName: "zzh", profile: { preferredLanguage: "zh-Hant" } } },
      ]
        .map((u) => JSON.stringify(u))
        .join("\n"),
    );
    assert.match(await cliOk(["user", "import", "--format", "zitadel", "--file", zitadel], service.env), /imported 3, skipped 0, updated 0, rejected 0/);
    assert.deepEqual(await languages(["lang-z-pl", "lang-z-und", "lang-z-zh"]), ["pl", null, "zh"]);
  });

  it("stops past --max-errors, and at a document broken midway writes what came before it", async () => {
    const bad = Array.from({ length: 4 }, (_, i) => ({ user_id: `auth0|bad-${i}`, email: "x" }));
    const capped = await cli(["user", "import", "--format", "auth0", "--file", write("bad.json", bad), "--max-errors", "1"], service.env);
    assert.match(capped.stderr, /stopped: more than 1 records were rejected/);
    assert.match(capped.stdout, /rejected 2 \(2 records\)/);

    const whole = JSON.stringify([
      { user_id: "auth0|cut-1", email: "cut1@auth0.example" },
      { user_id: "auth0|cut-2", email: "cut2@auth0.example" },
    ]);
    const cut = await cli(["user", "import", "--format", "auth0", "--file", write("cut.json", whole.slice(0, whole.lastIndexOf("{") + 8))], service.env);
    assert.equal(cut.code, 1);
    assert.match(cut.stderr, /stopped after record 1: the file is not valid JSON/);
    assert.match(cut.stdout, /imported 1, skipped 0, updated 0, rejected 1/);
    assert.equal((await show("auth0|cut-1")).email, "cut1@auth0.example");

    const shape = await cli(["user", "import", "--format", "keycloak", "--file", write("array.json", [{ id: "x" }])], service.env);
    assert.match(shape.stderr, /stopped after record 0: the document is not a JSON object with "users"/);
  });

  it("JSON Lines: --ignore-unknown counts what it skips, --dry-run predicts the duplicates within the file, and a JSON document gets one line naming --format", async () => {
    const extra = write(
      "extra.jsonl",
      `${JSON.stringify({ id: "ign-1", username: "ign1", nickname: "I", locale: "de" })}\n${JSON.stringify({ id: "ign-2", username: "ign2" })}\n`,
    );
    const refused = await cli(["user", "import", "--file", extra], service.env);
    assert.match(refused.stdout, /line 1 \(id ign-1\): unknown field "nickname" \(--ignore-unknown skips such fields\)/);
    const ignored = await cliOk(["user", "import", "--file", extra, "--ignore-unknown"], service.env);
    assert.match(ignored, /^imported 1, skipped 1, updated 0, rejected 0 \(2 lines, 2 unknown fields ignored\)$/m);

    const twice = write(
      "twice.jsonl",
      [
        { id: "twice-1", username: "twice-a", orgId: "twice-org" },
        { id: "twice-1", username: "twice-b", orgId: "twice-org" },
        { username: "twice-c", orgId: "twice-org" },
        { username: "twice-C", orgId: "twice-org" },
        { id: "twice-2", username: "twice-a", orgId: "twice-org" },
      ]
        .map((row) => JSON.stringify(row))
        .join("\n"),
    );
    for (const onConflict of ["skip", "fail"]) {
      const file = twice.replace("twice", `twice-${onConflict}`);
      fs.writeFileSync(file, fs.readFileSync(twice, "utf8").replaceAll("twice-", `twice-${onConflict}-`));
      const args = ["user", "import", "--file", file, "--on-conflict", onConflict];
      const dry = await cli([...args, "--dry-run"], service.env);
      const real = await cli(args, service.env);
      const summary = (out: string) => out.split("\n")[0].replace(/^would import/, "imported");
      assert.equal(summary(dry.stdout), summary(real.stdout), `${onConflict}: the dry run predicts the real one\n${dry.stdout}\n${real.stdout}`);
      assert.match(real.stdout, onConflict === "skip" ? /imported 2, skipped 2, updated 0, rejected 1/ : /imported 2, skipped 0, updated 0, rejected 3/);
      assert.equal((await show(`twice-${onConflict}-1`)).username, `twice-${onConflict}-a`, "the first of two rows with one ID is the one imported");
    }

    for (const document of [
      [
        { id: "doc-1", username: "doc1" },
        { id: "doc-2", username: "doc2" },
      ],
      { realm: "r", users: [{ id: "doc-3", username: "doc3" }] },
    ]) {
      const run = await cli(["user", "import", "--file", write("document.json", document)], service.env);
      assert.equal(run.code, 2);
      assert.equal(
        run.stderr
          .trim()
          .split("\n")
          .filter((line) => !line.startsWith("warning: BCRYPT_COST")).length,
        1,
        run.stderr,
      );
      assert.match(run.stderr, /one JSON document, not JSON Lines.*--format keycloak, auth0 or zitadel/);
      assert.equal(run.stdout, "");
    }
    assert.equal((await cli(["user", "show", "--user", "doc-1"], service.env)).code, 2, "nothing written");
  });
});
