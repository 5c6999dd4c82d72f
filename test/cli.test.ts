import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { decodeJwt } from "jose";
import { runCli } from "../src/cli/main.js";
import { loadConfig } from "../src/config.js";
import { SETTINGS } from "../src/config/settings.js";
import { migrateToLatest } from "../src/store/migrations.js";
import { openDatabase } from "../src/store/open-database.js";
import { bearer, rest } from "./support/clients.js";
import { ON_POSTGRES, TEST_DATABASE_URL } from "./support/database.js";
import { BIN, cli, cliProcess, type CliResult, cliOk, ROOT, Service, serveRefused, tempDir, TestDatabase, testEnv } from "./support/service.js";

/** What a command wrote to stderr, without the warning every test's BCRYPT_COST brings. */
function errors(stderr: string): string {
  return stderr.replace(/^warning: BCRYPT_COST=4 .*\n/m, "");
}

/** `password-service ARGS` whose reader has gone before it writes, as `| head -1` leaves it. */
function withClosedStdout(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("close", (code) => resolve({ code, stderr: errors(stderr) }));
  });
}

describe("the command line", () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  before(async () => {
    database = await TestDatabase.create();
    env = testEnv(database);
  });
  after(() => database.drop());

  it("lists a group's commands for user, token and policy, alone or with --help", async () => {
    for (const [group, member] of [
      ["user", "user create"],
      ["token", "token issue"],
      ["policy", "policy set"],
    ]) {
      for (const args of [[group], [group, "--help"]]) {
        const out = await cli(args, env);
        assert.equal(out.code, 0, args.join(" "));
        assert.match(out.stdout, new RegExp(`^Usage: password-service ${group} <command>`), args.join(" "));
        assert.ok(out.stdout.includes(member), args.join(" "));
      }
    }
    assert.equal((await cli(["user", "frobnicate"], env)).code, 2);
  });

  it("prints its version, in its own process and in the test's", async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    for (const run of [cliProcess, cli]) {
      const out = await run(["--version"], env);
      assert.deepEqual([out.code, out.stdout.trim()], [0, version]);
    }
  });

  it("answers --help on every command", async () => {
    const overview = await cli(["--help"], env);
    assert.equal(overview.code, 0);
    const commands = [
      "serve",
      "migrate",
      "org create",
      "org list",
      "user create",
      "user list",
      "user show",
      "user lock",
      "user unlock",
      "user remove",
      "user import",
      "token issue",
      "policy show",
      "policy set",
      "events",
    ];
    for (const command of commands) {
      assert.match(overview.stdout, new RegExp(`^  ${command} `, "m"));
      const help = await cli([...command.split(" "), "--help"], env);
      assert.equal(help.code, 0, command);
      assert.match(help.stdout, new RegExp(`^Usage: password-service ${command}`), command);
    }
  });

  it("lists every variable of the environment with its default in serve --help", async () => {
    const help = await cli(["serve", "--help"], env);
    assert.equal(help.code, 0);
    for (const [name, setting] of Object.entries(SETTINGS)) {
      assert.match(help.stdout, new RegExp(`^  ${name} `, "m"), name);
      assert.ok(help.stdout.includes(`default: ${setting.default.replaceAll("`", "")};`), name);
    }
  });

  // Each command through a process of its own, as an administrator runs them: the bin's start, its exit codes.
  it("migrates, creates a user as JSON and issues a token for it", async () => {
    assert.equal((await cliProcess(["migrate"], env)).code, 0);
    const created = await cliProcess(["user", "create", "--username", "bob", "--password", "Bob-Passw0rd!", "--json"], env);
    assert.equal(created.code, 0, created.stderr);
    const user = JSON.parse(created.stdout);
    assert.deepEqual(Object.keys(user), ["userId", "resourceOwner", "sequence"]);
    assert.match(user.userId, /^\d{15,20}$/);
    assert.match(user.resourceOwner, /^\d{15,20}$/);
    assert.equal(user.sequence, "1");
    assert.ok(BigInt(user.userId) > BigInt(user.resourceOwner), "IDs are time-ordered");

    const issued = await cliProcess(["token", "issue", "--user", user.userId, "--ttl", "5m"], env);
    assert.equal(issued.code, 0);
    assert.equal(issued.stdout.trim().split("\n").length, 1, "the token alone on stdout");
    const claims = decodeJwt(issued.stdout.trim());
    assert.equal(claims.sub, user.userId);
    assert.equal(claims.exp! - claims.iat!, 300);

    // The signing key lives in the database: a server process started later accepts the CLI's token.
    const server = await Service.start({}, database);
    try {
      const changed = await rest(server.address, {
        oldPassword: "Bob-Passw0rd!",
        newPassword: "Bob-Passw0rd-2!",
        authorization: bearer(issued.stdout.trim()),
      });
      assert.equal(changed.ok, true, JSON.stringify(changed));
    } finally {
      await server.stop();
    }

    // Its refusal in the test's own process: `user create` ran in one of its own above.
    const again = await cli(["user", "create", "--username", "bob", "--org", user.resourceOwner], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /username "bob" is taken/);
  });

  it("stops with one line and exit code 2 on mistakes", async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["frobnicate"], {}, /unknown command "frobnicate"/],
      [["user", "create"], {}, /--username is required/],
      [["user", "create", "--username", "x", "--bogus"], {}, /Unknown option '--bogus'/],
      [["token", "issue", "--user", "1", "--ttl", "forever"], {}, /--ttl takes a duration/],
      [["token", "issue", "--user", "1", "--role", "owner"], {}, /--role takes "admin" or "login-client", not "owner"/],
      [["user", "create", "--username", "x", "--password-hash", "$2b$99$not-a-hash"], {}, /^password-service: --password-hash: /],
      [["user", "lock", "--user", "42"], {}, /no user 42/],
      [["migrate"], { BCRYPT_COST: "3" }, /BCRYPT_COST must be a whole number from 4 to 16/],
      [["migrate"], { PORT: "http" }, /PORT must be a whole number/],
      [["migrate"], { DATABASE_URL: "mysql://db/x" }, /only SQLite \(sqlite:PATH\) and PostgreSQL \(postgres:\/\/\) are supported/],
      [
        ["migrate"],
        { DATABASE_URL: "postgres://ps:secret@127.0.0.1:1/ps" },
        /^password-service: cannot open the database postgres:\/\/ps:\*\*\*@127\.0\.0\.1:1\/ps: connect ECONNREFUSED/,
      ],
      [["serve"], { DATABASE_URL: "postgresql://ps@127.0.0.1:1/ps" }, /cannot open the database postgresql:\/\/ps@127\.0\.0\.1:1\/ps: connect ECONNREFUSED/],
      ...(TEST_DATABASE_URL ? [misconfiguredPostgres()] : []),
      [["migrate"], { JWKS_URL: "https://idp.example/jwks" }, /needs JWT_ISSUER and JWT_AUDIENCE/],
      [["token", "issue", "--user", "1"], { JWKS_URL: "https://idp.example/jwks", JWT_ISSUER: "i", JWT_AUDIENCE: "a" }, /issued by JWKS_URL's provider/],
    ];
    // All in the test's own process; serve's exit code 2 in a process of its own: the DATA_DIR test below.
    for (const [args, extra, message] of cases) {
      const result = await (args[0] === "serve" ? serveRefused({ ...env, ...extra }) : cli(args, { ...env, ...extra }));
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /secret/, "no password in messages");
      const lines = result.stderr.split("\n").filter((l) => l && !l.startsWith("warning: BCRYPT_COST"));
      assert.match(lines[0], message);
      assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    }
  });

  it("refuses a database that is not there to the commands that make nothing, in one line naming it", async () => {
    const dir = path.join(tempDir("ps-missing-"), "mistyped");
    // SQLite, whatever the suite runs on: a file that is not there.
    const sqlite = testEnv({ env: { DATA_DIR: dir } });
    const readers = [
      ["user", "list"],
      ["user", "show", "--user", "1"],
      ["events", "--user", "1"],
      ["policy", "show"],
      ["org", "list"],
      ["token", "issue", "--user", "1"],
      ["policy", "set", "--min-length", "9"],
      ["user", "lock", "--user", "1"],
    ];
    for (const args of readers) {
      const result = await cli(args, sqlite);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.deepEqual(
        result.stderr.split("\n").filter((l) => l && !l.startsWith("warning: BCRYPT_COST")),
        [`password-service: no database at ${dir}/password-service.db: check DATA_DIR or DATABASE_URL, or run \`password-service migrate\` to make one`],
      );
      assert.equal(fs.existsSync(dir), false, `${args.join(" ")} made nothing`);
    }
    assert.equal((await cli(["user", "create", "--username", "first"], sqlite)).code, 0, "a command that creates makes the database");
    assert.match(await cliOk(["user", "list"], sqlite), /first/);
    if (TEST_DATABASE_URL) {
      const url = new URL(TEST_DATABASE_URL);
      url.pathname = "/ps_no_such_database";
      const missing = await cli(["user", "list"], { ...env, DATABASE_URL: url.toString() });
      assert.equal(missing.code, 2, missing.stderr);
      assert.match(missing.stderr, /^password-service: cannot open the database .*ps_no_such_database: database "ps_no_such_database" does not exist$/m);
    }
  });

  it("stops with one line naming DATA_DIR when its folder cannot be made, instead of spinning", async () => {
    // Node's recursive mkdir loops forever under /proc: the test bounds its own time.
    const unmakeable = testEnv({ env: { DATA_DIR: "/proc/x/data" } }, { PORT: "0" });
    for (const args of [["migrate"], ["user", "create", "--username", "x"], ["serve"]]) {
      const result = await cliWithin(args, unmakeable, 30_000);
      assert.equal(result.killed, false, `${args.join(" ")} ended by itself`);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.deepEqual(
        result.stderr.split("\n").filter((l) => l && !l.startsWith("warning: BCRYPT_COST")),
        ["password-service: cannot make the folder /proc/x for the database (ENOENT): DATA_DIR or DATABASE_URL names a place where folders cannot be made"],
      );
    }
  });

  it("warns about a bcrypt cost for tests", async () => {
    const result = await cli(["migrate"], { ...env, BCRYPT_COST: "4" });
    assert.equal(result.code, 0);
    assert.match(result.stderr, /BCRYPT_COST=4 is below 10/);
  });

  it("prints the help and exits 2 with no command; --help exits 0 and ends with a newline", async () => {
    const bare = await cli([], env);
    assert.equal(bare.code, 2);
    assert.equal(bare.stdout, "");
    assert.match(bare.stderr, /^password-service: no command given\n\nUsage: password-service <command>/);
    const help = await cli(["--help"], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: password-service <command>[\s\S]*\n$/);
    assert.ok(!help.stdout.endsWith("\n\n"));
  });

  it("says which migrations it applied, then that the schema is up to date", async () => {
    const [fresh, older] = await Promise.all([TestDatabase.create(), TestDatabase.create()]);
    try {
      const first = await cli(["migrate"], testEnv(fresh));
      assert.equal(first.code, 0, first.stderr);
      const [, count, last] = /^applied (\d+) migrations \(0001–(\d{4})\): database at /.exec(first.stdout) ?? [];
      assert.equal(Number(count), Number(last), first.stdout);
      assert.match((await cli(["migrate"], testEnv(fresh))).stdout, /^already up to date: database at /);

      // A database left at migration 0004, as an older version made it.
      const db = openDatabase(loadConfig(older.env).config.database);
      await migrateToLatest(db, "0004_check_lease_hash_form_audit_count");
      await db.destroy();
      const upgraded = await cli(["migrate"], testEnv(older));
      assert.equal(upgraded.code, 0, upgraded.stderr);
      assert.match(upgraded.stdout, new RegExp(`^applied ${Number(last) - 4} migrations \\(0005–${last}\\)`));
    } finally {
      await Promise.all([fresh.drop(), older.drop()]);
    }
  });

  it("names the organisation a username was looked for in, and --org", async () => {
    const created = JSON.parse((await cli(["user", "create", "--username", "shown-ann", "--json"], env)).stdout);
    const missing = await cli(["user", "show", "--username", "nobody-here"], env);
    assert.equal(missing.code, 2);
    assert.equal(
      errors(missing.stderr),
      `password-service: no user "nobody-here" in the default organisation ${created.resourceOwner}; --org ORG_ID looks in another (\`org list\` shows them)\n`,
    );
    const elsewhere = await cli(["user", "show", "--username", "shown-ann", "--org", "other-org"], env);
    assert.equal(errors(elsewhere.stderr), 'password-service: no user "shown-ann" in organisation other-org; `org list` shows the others\n');
  });

  it("ends quietly with exit 0 when its reader has gone", async () => {
    await cli(["user", "create", "--username", "cat"], env);
    for (const args of [
      ["user", "list", "--json"],
      ["serve", "--help"],
    ]) {
      assert.deepEqual(await withClosedStdout(args, env), { code: 0, stderr: "" }, args.join(" "));
    }
  });

  it("ends a failure it has no message for with the whole error and exit code 1, on the run's own stderr", async () => {
    let stderr = "";
    const failing = {
      write(): boolean {
        throw Object.assign(new Error("write EIO"), { code: "EIO" });
      },
    };
    const code = await runCli(["--version"], { env, stdin: Readable.from([]), stdout: failing, stderr: { write: (text: string) => (stderr += text) } });
    assert.equal(code, 1);
    assert.match(stderr, /^Error: write EIO\n\s+at /);
  });

  it("names DATA_DIR when it is a file, or under one", { skip: ON_POSTGRES && "DATA_DIR holds no database on PostgreSQL" }, async () => {
    const dir = tempDir();
    const file = path.join(dir, "not-a-folder");
    fs.writeFileSync(file, "");
    try {
      for (const [dataDir, what] of [
        [file, "is a file"],
        [path.join(file, "data"), `is under ${file}, which is a file`],
      ]) {
        const out = await cli(["migrate"], { ...env, DATA_DIR: dataDir });
        assert.equal(out.code, 2);
        assert.equal(errors(out.stderr), `password-service: DATA_DIR ${dataDir} ${what}, not a folder (set DATA_DIR to a folder, or DATABASE_URL)\n`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** `password-service ARGS`, killed if it runs longer than `timeoutMs`. */
function cliWithin(args: string[], env: Record<string, string>, timeoutMs: number): Promise<CliResult & { killed: boolean }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, "bin/password-service.cjs"), ...args],
      { env, cwd: ROOT, timeout: timeoutMs, killSignal: "SIGKILL" },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr, killed: Boolean(err?.killed) }),
    );
  });
}

/** The suite's PostgreSQL with a wrong password: refused at start, in one line. */
function misconfiguredPostgres(): [string[], Record<string, string>, RegExp] {
  const url = new URL(TEST_DATABASE_URL!);
  url.password = "secret-but-wrong";
  return [["migrate"], { DATABASE_URL: url.toString() }, /cannot open the database .*: password authentication failed/];
}
