import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { bearer, rest } from "./support/clients.js";
import { FAMILY_SAMPLES } from "./support/hash-samples.js";
import { cli, cliOk, cliProcess, ROOT, Service, tempDir } from "./support/service.js";

describe("user import", () => {
  let service: Service;
  let dir: string;

  before(async () => {
    service = await Service.start();
    dir = tempDir("ps-import-");
  });
  after(() => service.stop());

  const write = (name: string, rows: (object | string)[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n");
    return file;
  };

  it("imports good lines, reports each bad one by number and reason without its secret, and exits 1", async () => {
    const file = write("mixed.jsonl", [
      { id: "imp-1", username: "ann", orgId: "imp-org", orgName: "Imported Org", email: "ann@example.com", password: "Ann-Passw0rd!" },
      { id: "imp-2", username: "ben", orgId: "imp-org", passwordHash: FAMILY_SAMPLES[4][2] },
      { id: "imp-3", username: "cat", orgName: "By Name", state: "locked" },
      '{"id": "imp-4", "username": "dan", "password": "Secret-In-Bad-Json',
      { id: "imp-5", username: "eve", passwordHash: "$2b$31$" + "a".repeat(53) },
      { id: "imp-6", username: "fay", kind: "machine", password: "Machine-Secret!" },
      { id: "imp 7", username: "gus" },
      { id: "imp-8", username: "ANN", orgId: "imp-org" },
      { id: "imp-9", username: "hal", kind: "machine" },
      { username: "BEN", orgId: "imp-org" },
    ]);
    // A process of its own: exit code 1 as a shell sees it.
    const run = await cliProcess(["user", "import", "--file", file], service.env);
    assert.equal(run.code, 1, run.stderr);
    // Without an ID, a name that exists is that user (an import run again): skipped. With another ID, a clash.
    assert.match(run.stdout, /^imported 4, skipped 1, updated 0, rejected 5 \(10 lines\)$/m);
    assert.match(run.stdout, /line 4: not valid JSON/);
    assert.match(run.stdout, /line 5 \(id imp-5\): passwordHash: bcrypt cost must be from 4 to 16, not 31/);
    assert.match(run.stdout, /line 6 \(id imp-6\): a machine user has no password/);
    assert.match(run.stdout, /line 7 \(id imp 7\): id must be 1 to 200 printable ASCII characters without spaces/);
    assert.match(run.stdout, /line 8 \(id imp-8\): username "ANN" is taken in organisation imp-org/);
    assert.doesNotMatch(run.stdout + run.stderr, /Secret|Passw0rd|\$2b\$31/, "no secret in the report");
    assert.doesNotMatch(run.stderr, /\r|rows\/s/, "no progress line when the output is not a terminal");

    const ann = JSON.parse(await cliOk(["user", "show", "--user", "imp-1", "--json"], service.env));
    assert.deepEqual([ann.orgId, ann.email, ann.passwordFamily, ann.sequence], ["imp-org", "ann@example.com", "bcrypt", 1]);
    assert.equal(JSON.parse(await cliOk(["user", "show", "--user", "imp-3", "--json"], service.env)).state, "locked");
    assert.deepEqual(
      (await service.events("imp-2")).map((e) => [e.sequence, e.type]),
      [[1, "user.imported"]],
    );
    const changed = await rest(service.address, {
      oldPassword: FAMILY_SAMPLES[4][1],
      newPassword: "Ben-New-Passw0rd!",
      authorization: bearer(await service.token("imp-2")),
    });
    assert.equal(changed.ok && changed.sequence, "2", "the first change after the import is sequence 2");
  });

  it("refuses each row whose hash is past a bound or could never be verified, naming the parameter, and imports one at a bound", async () => {
    const salt = "U29kaXVtQ2hsb3JpZGU";
    const scrypt = (ln: number, r: number) => `$scrypt$ln=${ln},r=${r},p=1$${salt}$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI`;
    const file = write("bounds.jsonl", [
      { id: "bound-1", username: "at-bound", passwordHash: scrypt(20, 2) },
      { id: "bound-2", username: "never", passwordHash: scrypt(16, 1) },
      { id: "bound-3", username: "argon", passwordHash: `$argon2id$v=19$m=262144,t=5,p=1$${salt}$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc` },
      { id: "bound-4", username: "sha", passwordHash: `$6$rounds=700001$${salt.slice(0, 16)}$${"a".repeat(86)}` },
      { id: "bound-5", username: "pbkdf2", passwordHash: `$pbkdf2-sha1$1000001$${salt}$${"a".repeat(54)}` },
    ]);
    const run = await cli(["user", "import", "--file", file], service.env);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^imported 1, skipped 0, updated 0, rejected 4 \(5 lines\)$/m);
    assert.match(run.stdout, /line 2 \(id bound-2\): passwordHash: scrypt cost \(ln\) must be below 16·r, 16 with r=1, not 16/);
    assert.match(run.stdout, /line 3 \(id bound-3\): passwordHash: argon2 memory × time \(m·t, KiB\) must be at most 1048576, not 1310720/);
    assert.match(run.stdout, /line 4 \(id bound-4\): passwordHash: sha-crypt rounds must be from 1000 to 700000, not 700001/);
    assert.match(
      run.stdout,
      /line 5 \(id bound-5\): passwordHash: pbkdf2 rounds × blocks \(the hash's length over the digest's\) must be at most 2000000, not 2000002/,
    );
    assert.doesNotMatch(run.stdout + run.stderr, new RegExp(salt.slice(0, 12)), "no hash in the report");
    assert.equal(JSON.parse(await cliOk(["user", "show", "--user", "bound-1", "--json"], service.env)).passwordFamily, "scrypt");
    assert.equal(await service.database.userRow("bound-2").catch(() => undefined), undefined, "a refused row writes nothing");
  });

  it("checks a file without writing under --dry-run, and stops past --max-errors", async () => {
    const file = write("dry.jsonl", [{ id: "dry-1", username: "dry" }, { id: "dry-2" }, { id: "dry-3", username: "dry3" }]);
    const dry = await cli(["user", "import", "--file", file, "--dry-run"], service.env);
    assert.equal(dry.code, 1);
    assert.match(dry.stdout, /would import 2, skipped 0, updated 0, rejected 1/);
    assert.match(dry.stdout, /line 2 \(id dry-2\): username is required/);
    assert.equal(await service.database.userRow("dry-1").catch(() => undefined), undefined, "nothing written");
    const capped = await cli(
      ["user", "import", "--file", write("errors.jsonl", ["x", "y", "z", { id: "late", username: "late" }]), "--max-errors", "1"],
      service.env,
    );
    assert.match(capped.stderr, /stopped: more than 1 lines were rejected/);
    assert.match(capped.stdout, /imported 0, skipped 0, updated 0, rejected 2/);
  });

  it("skips, refuses or updates users that exist, as --on-conflict says", async () => {
    const first = write("conflict-1.jsonl", [{ id: "con-1", username: "con", email: "old@example.com", password: "Con-Passw0rd-1!" }]);
    await cliOk(["user", "import", "--file", first], service.env);
    const second = write("conflict-2.jsonl", [{ id: "con-1", username: "con", email: "new@example.com", password: "Con-Passw0rd-2!" }]);
    assert.match(await cliOk(["user", "import", "--file", second], service.env), /imported 0, skipped 1/);
    const failed = await cli(["user", "import", "--file", second, "--on-conflict", "fail"], service.env);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /line 1 \(id con-1\): a user con-1 exists already/);
    assert.match(await cliOk(["user", "import", "--file", second, "--on-conflict", "update"], service.env), /imported 0, skipped 0, updated 1/);
    const user = JSON.parse(await cliOk(["user", "show", "--user", "con-1", "--json"], service.env));
    assert.deepEqual([user.email, user.sequence], ["new@example.com", 2]);
    const changed = await rest(service.address, {
      oldPassword: "Con-Passw0rd-2!",
      newPassword: "Con-Passw0rd-3!",
      authorization: bearer(await service.token("con-1")),
    });
    assert.equal(changed.ok && changed.sequence, "3");
  });

  /** The user's audit events, as `password-service events --json` lists them. */
  const auditOf = async (userId: string) => (await cliOk(["events", "--user", userId, "--json"], service.env)).split("\n").map((line) => JSON.parse(line));

  /** An open reset code of the user, asked for by an instance administrator, and that administrator's token. */
  const resetCode = async (userId: string) => {
    const admin = await service.createUser();
    const token = await cliOk(["token", "issue", "--user", admin.userId, "--role", "admin"], service.env);
    service.secrets.push(token);
    const asked = await v2(`/v2/users/${encodeURIComponent(userId)}/password_reset`, { returnCode: {} }, token);
    assert.equal(asked.status, 200, JSON.stringify(asked.json));
    service.secrets.push(asked.json.verificationCode);
    return { code: asked.json.verificationCode as string, token };
  };
  const v2 = async (route: string, body: unknown, token: string) => {
    const res = await fetch(`${service.url}${route}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  };
  const resetCodes = async (userId: string) =>
    (await service.database.db.selectFrom("password_reset_codes").select("user_id").where("user_id", "=", userId).execute()).length;

  it("refuses an update that would take a user of another organisation, and a new hash revokes the user's tokens and voids its reset code", async () => {
    const victim = await service.createUser("Victim-Passw0rd-1!", { username: "victim", orgName: "Victim's" });
    const untouched = await service.userRow(victim.userId);
    service.secrets.push("Attacker-Passw0rd-1!", "Victim-Passw0rd-2!", "Victim-Passw0rd-3!");
    const across = write("across.jsonl", [{ id: victim.userId, username: "victim", orgId: "attacker-org", password: "Attacker-Passw0rd-1!" }]);
    const refused = await cli(["user", "import", "--file", across, "--on-conflict", "update"], service.env);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stdout, /updated 0, rejected 1/);
    assert.ok(
      refused.stdout.includes(
        `line 1 (id ${victim.userId}): user ${victim.userId} is in organisation ${victim.resourceOwner}, not attacker-org: an import does not move users`,
      ),
      refused.stdout,
    );
    assert.deepEqual(await service.userRow(victim.userId), untouched, "the user is as it was");
    assert.doesNotMatch(await cliOk(["org", "list"], service.env), /attacker-org/, "the row's organisation was not made");
    assert.equal((await rest(service.address, { oldPassword: "x", newPassword: "Victim-Passw0rd-9!", authorization: bearer(victim.token) })).ok, false);

    const { code, token: adminToken } = await resetCode(victim.userId);
    const own = write("own-org.jsonl", [{ id: victim.userId, username: "victim", orgId: victim.resourceOwner, password: "Victim-Passw0rd-2!" }]);
    assert.match(await cliOk(["user", "import", "--file", own, "--on-conflict", "update"], service.env), /updated 1, rejected 0/);
    const stale = await rest(service.address, { oldPassword: "Victim-Passw0rd-2!", newPassword: "Victim-Passw0rd-3!", authorization: bearer(victim.token) });
    assert.equal(!stale.ok && stale.code, 16, "a token from before the imported hash is revoked");
    assert.equal(await resetCodes(victim.userId), 0, "the open reset code is void");
    const withCode = await v2(
      `/v2/users/${encodeURIComponent(victim.userId)}/password`,
      { newPassword: { password: "Victim-Passw0rd-3!" }, verificationCode: code },
      adminToken,
    );
    assert.notEqual(withCode.status, 200, "the code sets no password");
    const fresh = await rest(service.address, {
      oldPassword: "Victim-Passw0rd-2!",
      newPassword: "Victim-Passw0rd-3!",
      authorization: bearer(await service.token(victim.userId)),
    });
    assert.equal(fresh.ok, true, "a new token and the imported password work");
    const updated = (await auditOf(victim.userId)).filter((e) => e.type === "user.updated");
    assert.deepEqual(
      updated.map((e) => [e.payload.changed, e.payload.tokensRevoked, e.payload.resetCodeVoided]),
      [[["password"], true, true]],
    );
  });

  it("keeps what an update row leaves out, and writes each change to the user's events", async () => {
    const user = await service.createUser("Kept-Passw0rd-1!", { username: "kept", email: "kept@example.com" });
    service.secrets.push("Kept-Passw0rd-2!");
    await cliOk(["user", "lock", "--user", user.userId], service.env);
    const before = await service.userRow(user.userId);
    const renamed = write("partial.jsonl", [{ id: user.userId, username: "kept-renamed" }]);
    assert.match(await cliOk(["user", "import", "--file", renamed, "--on-conflict", "update"], service.env), /imported 0, skipped 0, updated 1, rejected 0/);
    const shown = JSON.parse(await cliOk(["user", "show", "--user", user.userId, "--json"], service.env));
    assert.deepEqual(
      [shown.username, shown.email, shown.state, shown.passwordFamily, shown.orgId],
      ["kept-renamed", "kept@example.com", "locked", "bcrypt", user.resourceOwner],
      "only the name changed",
    );
    assert.equal((await service.userRow(user.userId)).password_hash, before.password_hash, "the password is the one it was");
    let audit = await auditOf(user.userId);
    assert.deepEqual(audit.at(-1).payload, { sequence: before.sequence + 1, changed: ["username"], state: "locked" });

    const unlocked = write("unlock.jsonl", [{ id: user.userId, username: "kept-renamed", state: "active", password: "Kept-Passw0rd-2!" }]);
    assert.match(await cliOk(["user", "import", "--file", unlocked, "--on-conflict", "update"], service.env), /updated 1/);
    audit = await auditOf(user.userId);
    assert.deepEqual(
      [audit.at(-1).type, audit.at(-1).payload.changed, audit.at(-1).payload.state, audit.at(-1).userAgent],
      ["user.updated", ["password", "state"], "active", "password-service-cli"],
    );
    const changed = await rest(service.address, {
      oldPassword: "Kept-Passw0rd-2!",
      newPassword: "Kept-Passw0rd-3!",
      authorization: bearer(await service.token(user.userId)),
    });
    assert.equal(changed.ok, true, JSON.stringify(changed));

    const same = write("same.jsonl", [{ id: user.userId, username: "kept-renamed", state: "active", email: "kept@example.com" }]);
    const sequence = (await service.userRow(user.userId)).sequence;
    assert.match(await cliOk(["user", "import", "--file", same, "--on-conflict", "update"], service.env), /skipped 1, updated 0/);
    assert.equal((await service.userRow(user.userId)).sequence, sequence, "a row that changes nothing writes nothing");
    const machine = await service.createUser("", { machine: true });
    const removed = await service.createUser("", { username: "gone" });
    await service.setUserState(removed.userId, "deleted");
    const refusals = write("kinds.jsonl", [
      { id: user.userId, username: "kept-renamed", kind: "machine" },
      { id: machine.userId, username: "robot", password: "Kept-Passw0rd-2!" },
      { id: removed.userId, username: "back-again" },
    ]);
    const refused = await cli(["user", "import", "--file", refusals, "--on-conflict", "update"], service.env);
    assert.match(refused.stdout, new RegExp(`line 1 \\(id ${user.userId}\\): user ${user.userId} is a human user: an import does not change its kind`));
    assert.match(refused.stdout, new RegExp(`line 2 \\(id ${machine.userId}\\): user ${machine.userId} is a machine user: it has no password`));
    assert.match(refused.stdout, new RegExp(`line 3 \\(id ${removed.userId}\\): user ${removed.userId} was removed`));
    assert.equal((await service.userRow(removed.userId)).state, "deleted", "a removed user stays removed");
  });

  it("keeps a row's language as the served language it names, refuses one not served, and changes or keeps it on update", async () => {
    const file = write("languages.jsonl", [
      { id: "lang-1", username: "lang-1", language: "de-CH" },
      { id: "lang-2", username: "lang-2", language: "xx" },
      { id: "lang-3", username: "lang-3", language: ["de"] },
      { id: "lang-4", username: "lang-4" },
    ]);
    const run = await cli(["user", "import", "--file", file], service.env);
    assert.match(run.stdout, /imported 2, skipped 0, updated 0, rejected 2/);
    assert.match(run.stdout, /line 2 \(id lang-2\): language must be a BCP 47 tag of a served language \(en, de, fr, it, es, pt, nl, pl, ja, zh\)/);
    assert.match(run.stdout, /line 3 \(id lang-3\): language must be a string of 1 to 35 characters/);
    const language = async (id: string) => (await service.userRow(id)).preferred_language;
    assert.deepEqual([await language("lang-1"), await language("lang-4")], ["de", null]);

    const update = write("languages-update.jsonl", [
      { id: "lang-1", username: "lang-1" },
      { id: "lang-4", username: "lang-4", language: "ja" },
    ]);
    assert.match(await cliOk(["user", "import", "--file", update, "--on-conflict", "update"], service.env), /skipped 1, updated 1, rejected 0/);
    assert.deepEqual([await language("lang-1"), await language("lang-4")], ["de", "ja"], "a row without a language keeps the user's");
    assert.deepEqual((await auditOf("lang-4")).at(-1).payload.changed, ["language"]);
  });

  it("refuses an email address with a name or angle brackets, and a username with a control character", async () => {
    const file = write("hostile.jsonl", [
      { id: "hostile-1", username: "victim-1", email: '"Victim"<attacker@evil.test>' },
      { id: "hostile-2", username: "victim-2", email: "Victim<attacker@evil.test>" },
      { id: "hostile-3", username: "victim-3", email: "victim@corp.example(attacker@evil.test)" },
      { id: "hostile-4", username: "line\r\nInjected: yes" },
      { id: "hostile-5", username: "nul\u0000byte" },
      { id: "hostile-6", username: "c1\u0085next" },
      { id: "hostile-7", username: "jörg", email: "jörg.o'brien+tag@müller.example" },
    ]);
    const run = await cli(["user", "import", "--file", file], service.env);
    assert.match(run.stdout, /imported 1, skipped 0, updated 0, rejected 6/);
    for (const line of [1, 2, 3])
      assert.match(run.stdout, new RegExp(`line ${line} \\(id hostile-${line}\\): email is not a bare address such as ann@example.com`));
    for (const line of [4, 5, 6]) assert.match(run.stdout, new RegExp(`line ${line} \\(id hostile-${line}\\): username contains a control character`));
    for (const id of ["hostile-1", "hostile-4", "hostile-5", "hostile-6"]) assert.equal((await cli(["user", "show", "--user", id], service.env)).code, 2, id);
  });

  it("shows a progress line on a terminal, with rows a second and the time left", async () => {
    const file = write(
      "tty.jsonl",
      Array.from({ length: 50 }, (_, i) => ({ id: `tty-${i}`, username: `tty-${i}` })),
    );
    // script(1) gives the command a terminal of its own; its output is what the terminal showed.
    const bin = path.join(ROOT, "bin/password-service.cjs");
    const shown = await new Promise<string>((resolve, reject) =>
      execFile(
        "script",
        ["-qec", `"${process.execPath}" "${bin}" user import --file "${file}"`, "/dev/null"],
        { env: service.env, cwd: ROOT },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
    assert.match(shown, /\r\d+ lines, \d+ rows\/s, about \d+ s left/);
    assert.match(shown, /imported 50, skipped 0, updated 0, rejected 0/);
  });

  it("resumes after the process is killed mid-file: every user once, each with one event", async () => {
    const count = 6000;
    const hash = FAMILY_SAMPLES[0][2];
    const rows = Array.from({ length: count }, (_, i) => ({ id: `kill-${i}`, username: `kill-${i}`, orgId: "kill-org", passwordHash: hash }));
    const file = write("big.jsonl", rows);
    const child = spawn(process.execPath, [path.join(ROOT, "bin/password-service.cjs"), "user", "import", "--file", file, "--batch-size", "50"], {
      env: service.env,
      stdio: "ignore",
    });
    // Killed once some batches have committed, before the last has.
    const deadline = Date.now() + 60_000;
    let seen = 0;
    while (Date.now() < deadline && child.exitCode === null) {
      seen = await service.database.countUsers("kill-org");
      if (seen >= 200) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const before = await service.database.countUsers("kill-org");
    assert.ok(before > 0 && before < count, `killed mid-file: ${before} of ${count} in`);
    assert.equal(before % 50, 0, "only whole batches committed");
    const resumed = await cli(["user", "import", "--file", file, "--batch-size", "500"], service.env);
    assert.equal(resumed.code, 0, resumed.stdout);
    assert.match(resumed.stdout, new RegExp(`imported ${count - before}, skipped ${before}, updated 0, rejected 0`));
    assert.equal(await service.database.countUsers("kill-org"), count);
    assert.equal(await service.database.countEvents("kill-"), count, "one user.imported event each");
  });
});
