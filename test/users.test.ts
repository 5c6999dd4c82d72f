import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { decodeJwt } from "jose";
import { bearer, rest } from "./support/clients.js";
import { cli, cliOk, ROOT, Service, tempDir } from "./support/service.js";

/** `password-service ARGS` with `input` on its standard input. */
function cliWithInput(args: string[], env: Record<string, string>, input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [path.join(ROOT, "bin/password-service.cjs"), ...args], { env, cwd: ROOT }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
    child.stdin!.end(input);
  });
}

describe("organisations and users from the command line", () => {
  let service: Service;
  let env: Record<string, string>;
  const json = async (args: string[]) => JSON.parse(await cliOk([...args, "--json"], env));

  before(async () => {
    service = await Service.start();
    env = service.env;
  });
  after(() => service.stop());

  it("puts users without --org into one default organisation, and names are unique in it without regard to case", async () => {
    const alice = await json(["user", "create", "--username", "alice", "--password", "Alice-Passw0rd!"]);
    const bob = await json(["user", "create", "--username", "bob", "--password", "Bob-Passw0rd!"]);
    assert.equal(alice.resourceOwner, bob.resourceOwner, "one default organisation");
    const clash = await cli(["user", "create", "--username", "ALICE", "--password", "Alice-Passw0rd!"], env);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /username "ALICE" is taken in organisation/);
    const orgs = (await cliOk(["org", "list", "--json"], env)).split("\n").map((l) => JSON.parse(l));
    assert.equal(orgs.filter((o) => o.isDefault).length, 1);
    assert.equal((await json(["user", "show", "--username", "Alice"])).id, alice.userId, "found without regard to case");

    await cliOk(["user", "remove", "--user", alice.userId], env);
    const again = await json(["user", "create", "--username", "Alice", "--password", "Alice-Passw0rd-2!"]);
    assert.notEqual(again.userId, alice.userId, "a removed user's name is free again");
    await cliOk(["user", "lock", "--user", again.userId], env);
    assert.equal((await json(["user", "show", "--username", "alice"])).id, again.userId, "the user not removed is the one shown, locked or not");
  });

  it("takes IDs as issuers write them, and refuses what no issuer writes", async () => {
    const ids = ["69629023906488334", "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", "auth0|abc123", "x".repeat(200)];
    const org = await json(["org", "create", "--id", "org|acme", "--name", "Acme"]);
    assert.deepEqual(org, { orgId: "org|acme", name: "Acme" });
    for (const id of ids) {
      const created = await json(["user", "create", "--id", id, "--username", `u-${id.slice(0, 12)}`, "--org", "org|acme", "--password", "Some-Passw0rd!"]);
      assert.deepEqual(created, { userId: id, resourceOwner: "org|acme", sequence: "1" });
    }
    for (const bad of ["", "has space", "x".repeat(201), "naïve"]) {
      const refused = await cli(["user", "create", "--id", bad, "--username", "nobody"], env);
      assert.equal(refused.code, 2, bad);
      assert.match(refused.stderr, /--id takes an ID of 1 to 200 printable ASCII characters without spaces/);
    }
    const taken = await cli(["user", "create", "--id", "auth0|abc123", "--username", "other", "--org", "org|acme"], env);
    assert.match(taken.stderr, /a user auth0\|abc123 exists already/);
    const listed = (await cliOk(["user", "list", "--org", "org|acme", "--json"], env)).split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(listed.map((u) => u.id).sort(), [...ids].sort());
    assert.ok(
      listed.every((u) => u.passwordFamily === "bcrypt" && !JSON.stringify(u).includes("$2")),
      "no hash is shown",
    );
    const page = await cli(["user", "list", "--org", "org|acme", "--limit", "2"], env);
    assert.equal(page.stdout.trim().split("\n").length, 2);
    assert.match(page.stderr, /more: run again with --after /);
  });

  it("handles organisations as asked: unknown ones only with --create-org, no name for an existing one", async () => {
    const unknown = await cli(["user", "create", "--username", "carol", "--org", "4711"], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no organisation 4711; --create-org creates it/);
    const created = await json(["user", "create", "--username", "carol", "--org", "4711", "--create-org", "--org-name", "Carol's"]);
    assert.equal(created.resourceOwner, "4711");
    const named = await cli(["user", "create", "--username", "dave", "--org", "4711", "--org-name", "Other"], env);
    assert.match(named.stderr, /organisation 4711 exists already: --org-name names a new one/);
    assert.match((await cli(["org", "create", "--id", "4711", "--name", "Again"], env)).stderr, /organisation 4711 exists already/);
  });

  it("reads a password from standard input or a file, never takes '-' as one, and applies the policy unless told not to", async () => {
    const fromStdin = await cliWithInput(["user", "create", "--username", "stdin-user", "--password-stdin", "--json"], env, "Piped-Passw0rd!\n");
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    const file = path.join(tempDir("ps-pw-"), "pw");
    fs.writeFileSync(file, "Filed-Passw0rd!\n", { mode: 0o600 });
    const fromFile = JSON.parse(await cliOk(["user", "create", "--username", "file-user", "--password-file", file, "--json"], env));
    for (const [user, password] of [
      [JSON.parse(fromStdin.stdout), "Piped-Passw0rd!"],
      [fromFile, "Filed-Passw0rd!"],
    ]) {
      const changed = await rest(service.address, {
        oldPassword: password,
        newPassword: `${password}-2`,
        authorization: bearer(await service.token(user.userId)),
      });
      assert.equal(changed.ok, true, `the password is what was given, without its newline: ${JSON.stringify(changed)}`);
    }
    const unreadable = await cli(["user", "create", "--username", "nofile", "--password-file", `${file}-not-there`], env);
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.stderr, /^password-service: --password-file: cannot read .*-not-there: ENOENT$/m);
    const dash = await cli(["user", "create", "--username", "dash", "--password", "-"], env);
    assert.match(dash.stderr, /--password - would set the password "-": use --password-stdin/);
    const weak = await cli(["user", "create", "--username", "weak", "--password", "weak"], env);
    assert.equal(weak.code, 2);
    assert.match(weak.stderr, /does not meet the organisation's policy: Password is too short \(DOMAIN-HuJf6\); .*--skip-policy overrides it/);
    assert.doesNotMatch(weak.stderr, /weak"/, "the password is not quoted");
    assert.equal((await cli(["user", "create", "--username", "weak", "--password", "weak", "--skip-policy"], env)).code, 0);
    const contradictions: [string[], RegExp][] = [
      [["--machine", "--password", "Some-Passw0rd!"], /a machine user has no password/],
      [["--password", "Some-Passw0rd!", "--password-stdin"], /give the password one way/],
      [["--password", "Some-Passw0rd!", "--password-hash", "$1$dXc3I7Rw$ctlgjDdWJLMT.qwHsWhXR1"], /contradict each other/],
      [["--email", "ann at example.com"], /--email takes a bare address such as ann@example.com \(no name, no <>\), not "ann at example.com"/],
    ];
    for (const [args, message] of contradictions) {
      const result = await cli(["user", "create", "--username", "contrary", ...args], env);
      assert.equal(result.code, 2, args.join(" "));
      assert.match(result.stderr, message);
    }
  });

  it("refuses an email address with a name or angle brackets, and a username with a control character", async () => {
    const cases: [string[], RegExp][] = [
      [["--username", "mallory", "--email", '"Victim"<attacker@evil.test>'], /--email takes a bare address such as ann@example.com \(no name, no <>\)/],
      [["--username", "mallory", "--email", "Victim<attacker@evil.test>"], /--email takes a bare address/],
      [["--username", "mallory", "--email", "victim@corp.example,attacker@evil.test"], /--email takes a bare address/],
      [["--username", "line\r\nInjected: yes"], /--username takes no control characters/],
      [["--username", "escape\u001b[2J"], /--username takes no control characters/],
      [["--username", "c1\u0085next"], /--username takes no control characters/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(["user", "create", ...args, "--password", "Some-Passw0rd!"], env);
      assert.equal(result.code, 2, JSON.stringify(args));
      assert.match(result.stderr, message);
    }
    for (const [args] of cases) assert.equal((await cli(["user", "show", "--username", args[1]], env)).code, 2, `${JSON.stringify(args[1])} was not created`);
    const bare = await json(["user", "create", "--username", "jörg", "--email", "jörg.o'brien+tag@müller.example"]);
    assert.equal((await json(["user", "show", "--user", bare.userId])).email, "jörg.o'brien+tag@müller.example", "a bare address, international too");
  });

  it("keeps --language as the served language it names, shows it, and refuses one not served with exit code 2 and one line", async () => {
    const swiss = await json(["user", "create", "--username", "heidi", "--language", "de-CH"]);
    assert.equal((await json(["user", "show", "--user", swiss.userId])).preferredLanguage, "de", "de-CH is kept as de");
    assert.equal((await service.userRow(swiss.userId)).preferred_language, "de");
    const listed = (await cliOk(["user", "list", "--org", swiss.resourceOwner], env)).split("\n");
    assert.ok(
      listed.some((line) => line.startsWith(swiss.userId) && line.endsWith("  language de")),
      listed.join("\n"),
    );
    const none = await json(["user", "create", "--username", "nolang"]);
    assert.equal((await json(["user", "show", "--user", none.userId])).preferredLanguage, null);

    for (const tag of ["xx", "sv-SE", "de_CH", "", "de\nInjected: yes"]) {
      const refused = await cli(["user", "create", "--username", `lang-${tag.length}`, "--language", tag], env);
      assert.equal(refused.code, 2, JSON.stringify(tag));
      assert.match(
        refused.stderr,
        /(^|\n)password-service: --language takes a BCP 47 tag of a served language \(en, de, fr, it, es, pt, nl, pl, ja, zh\), such as de or de-CH; not ".*"\n$/,
        JSON.stringify(tag),
      );
      assert.equal((await cli(["user", "show", "--username", `lang-${tag.length}`], env)).code, 2, `${JSON.stringify(tag)}: no user made`);
    }
  });

  it("locks and unlocks idempotently, and says so", async () => {
    const user = await json(["user", "create", "--username", "idem", "--password", "Idem-Passw0rd!"]);
    assert.match(await cliOk(["user", "lock", "--user", user.userId], env), /locked \(sequence 2\)/);
    assert.match(await cliOk(["user", "lock", "--user", user.userId], env), /is locked already: nothing changed/);
    assert.match(await cliOk(["user", "unlock", "--user", user.userId], env), /unlocked \(sequence 3\)/);
    assert.match(await cliOk(["user", "unlock", "--user", user.userId], env), /is unlocked already: nothing changed/);
    assert.equal((await service.userRow(user.userId)).sequence, 3, "no event for a command that changed nothing");
  });

  it("issues tokens only for users that can change a password, for at most TOKEN_MAX_TTL", async () => {
    const user = await json(["user", "create", "--username", "tokened", "--password", "Token-Passw0rd!"]);
    const machine = await json(["user", "create", "--username", "robot", "--machine"]);
    const refusals: [string[], RegExp][] = [
      [["--user", "no-such-user"], /no user no-such-user/],
      [["--user", machine.userId], /is a machine user/],
      [["--user", user.userId, "--ttl", "100000d"], /--ttl 100000d is longer than TOKEN_MAX_TTL allows \(86400 s\)/],
      [["--user", user.userId, "--ttl", "25h"], /longer than TOKEN_MAX_TTL/],
    ];
    for (const [args, message] of refusals) {
      const result = await cli(["token", "issue", ...args], env);
      assert.equal(result.code, 2, args.join(" "));
      assert.match(result.stderr, message);
    }
    const day = decodeJwt(await cliOk(["token", "issue", "--user", user.userId, "--ttl", "24h"], env));
    assert.equal(Math.round(day.exp! - day.iat!), 86400);
    assert.equal((await cli(["token", "issue", "--user", user.userId, "--ttl", "2d"], { ...env, TOKEN_MAX_TTL: "7d" })).code, 0);
    await cliOk(["user", "remove", "--user", user.userId], env);
    assert.match((await cli(["token", "issue", "--user", user.userId], env)).stderr, /no user/);
  });

  it("answers unknown IDs in policy show and events with exit code 2 and a clear message", async () => {
    const cases: [string[], RegExp][] = [
      [["policy", "show", "--org", "no-such-org"], /no organisation no-such-org/],
      [["events", "--org", "no-such-org"], /no organisation no-such-org/],
      [["events", "--user", "no-such-user"], /no user no-such-user/],
      [["user", "show", "--user", "no-such-user"], /no user no-such-user/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args, env);
      assert.equal(result.code, 2, args.join(" "));
      assert.match(result.stderr, message);
    }
  });
});
