import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../src/config.js";
import { JwksServer } from "./support/issuer.js";
import { BIN, cliProcess, ROOT, Service, serveRefused, tempDir, TestDatabase, testEnv } from "./support/service.js";
import { freePort, selfSigned } from "./support/tools.js";

/** The messages of a server's JSON log lines. */
function messages(logs: string[]): string[] {
  return logs.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l).msg as string);
}

/** A port held by another process's listener, as a second copy of the service would find it. */
async function takenPort(): Promise<{ port: number; close(): void }> {
  const holder = net.createServer();
  const port = await freePort();
  await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", resolve));
  return { port, close: () => holder.close() };
}

describe("the server's messages", () => {
  // A process of its own, the default environment: its startup lines, then its shutdown.
  let spawned: Service;
  before(async () => {
    spawned = await Service.spawn();
  });
  after(() => spawned.stop());

  it("names PORT or METRICS_PORT when the port is taken", async () => {
    const taken = await takenPort();
    const database = await TestDatabase.create();
    try {
      const api = await cliProcess(["serve"], testEnv(database, { PORT: String(taken.port) }));
      assert.equal(api.code, 2);
      assert.match(api.stderr, new RegExp(`^password-service: PORT ${taken.port} is in use \\(set PORT, or 0 for any free port\\)\\n$`, "m"));
      // The metrics' port in the test's own process, where the port is taken all the same; on
      // SQLite, as the store a refused start leaves open is never closed.
      const metrics = await serveRefused(configEnv({ METRICS_PORT: String(taken.port) }));
      assert.equal(metrics.code, 2);
      assert.match(
        metrics.stderr,
        new RegExp(`^password-service: METRICS_PORT ${taken.port} is in use \\(set METRICS_PORT, or 0 to turn metrics off\\)\\n$`, "m"),
      );
    } finally {
      taken.close();
      await database.drop();
    }
  });

  it("says at start whose tokens it takes, whether it mails and serves the page, and its database, without a password", async () => {
    const lines = messages(spawned.logs);
    assert.ok(lines.includes("tokens: own keys (issuer password-service, audience password-service); `token issue` signs them"), lines.join("\n"));
    assert.ok(lines.includes("mail: off (SMTP_URL unset)"));
    assert.ok(lines.includes("page: on, at /account/"));
    const database = loadConfig(spawned.env).config.database;
    const expected =
      database.kind === "sqlite"
        ? `database: SQLite at ${database.path}`
        : `database: PostgreSQL at ${new URL(database.url).host}${new URL(database.url).pathname}`;
    assert.ok(lines.includes(expected), lines.join("\n"));

    const jwks = await JwksServer.start();
    const smtpPassword = "smtp-Secret-9";
    // A process of its own: the SMTP password must be in nothing it prints, not only in its logger's lines.
    const external = await Service.spawn({
      JWKS_URL: jwks.url,
      JWT_ISSUER: "https://issuer.example.com",
      JWT_AUDIENCE: "the-api",
      JWT_ROLES_CLAIM: "groups",
      SMTP_URL: `smtp://mailer:${smtpPassword}@127.0.0.1:2525`,
      WEB_UI: "false",
    });
    try {
      const lines = messages(external.logs);
      assert.ok(lines.includes(`tokens: JWKS at ${jwks.url} (issuer https://issuer.example.com, audience the-api, roles claim groups)`), lines.join("\n"));
      assert.ok(lines.includes("mail: on, through 127.0.0.1:2525"));
      assert.ok(lines.includes("page: off (WEB_UI=false)"));
      assert.ok(!external.logs.some((l) => l.includes(smtpPassword)));
    } finally {
      await external.stop();
      await jwks.close();
    }
  });

  it("logs its shutdown in order, once, when a second signal comes while a request is in flight", async () => {
    const user = await spawned.createUser("Before-Passw0rd!");
    const body = JSON.stringify({ oldPassword: "Before-Passw0rd!", newPassword: "After-Passw0rd!" });
    const socket = net.connect(spawned.port, "127.0.0.1");
    const received: string[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk.toString()));
    const until = async (done: () => boolean) => {
      while (!done()) await new Promise((r) => setTimeout(r, 20));
    };
    // "100 Continue": the server holds the request, its handler waiting for the body, so the shutdown waits too.
    socket.write(
      "PUT /auth/v1/users/me/password HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
        `Authorization: Bearer ${user.token}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
    await until(() => received.join("").includes("100 Continue"));
    const exited = spawned.terminate("SIGTERM");
    await until(() => spawned.logs.some((l) => l.includes("shutting down")));
    spawned.process.kill("SIGINT");
    await until(() => spawned.logs.filter((l) => l.includes("shutting down")).length === 2);
    socket.write(body);
    assert.equal(await exited, 0);
    socket.destroy();
    const said = messages(spawned.logs);
    const from = said.findIndex((m) => m.startsWith("shutting down"));
    assert.deepEqual(
      said.slice(from).filter((m) => m !== "request"),
      [said[from], "already shutting down", "stopped"],
    );
  });

  it("prints one line per request with LOG_FORMAT=pretty", async () => {
    const database = await TestDatabase.create();
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, "serve"], {
      env: testEnv(database, { PORT: String(port), LOG_FORMAT: "pretty" }),
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    const listening = new Promise<void>((resolve) =>
      createInterface({ input: child.stdout }).on("line", (line) => {
        lines.push(line);
        if (line.includes("listening on")) resolve();
      }),
    );
    try {
      await listening;
      const before = lines.length;
      for (let i = 0; i < 3; i++) {
        await fetch(`http://127.0.0.1:${port}/auth/v1/users/me/password`, { method: "PUT", headers: { "content-type": "application/json" }, body: "{}" });
      }
      // A request's line is written once its response is done, which the client may see first.
      while (lines.filter((l) => l.includes("request")).length < 3) await new Promise((r) => setTimeout(r, 20));
      const since = lines.slice(before);
      assert.equal(since.length, 3, since.join("\n"));
      assert.ok(
        since.every((l) => /^\[[\d:.]+\] .*request.*"rpc":"zitadel\.auth\.v1\.AuthService\/UpdateMyPassword"/.test(l)),
        since.join("\n"),
      );
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      await database.drop();
    }
  });
});

/** A configuration case's environment: a data folder of its own, any free port. */
function configEnv(extra: Record<string, string>): Record<string, string> {
  return testEnv({ env: { DATA_DIR: tempDir("ps-config-") } }, { PORT: "0", ...extra });
}

/** `serve` with this environment in a process of its own, killed if it does not exit on its own within the bound. */
function serve(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/password-service.cjs"), "serve"], {
      env,
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.stdout!.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe("bad configuration stops the process with exit code 2 and one line", () => {
  let dir: string;
  let good: { cert: string; key: string };
  let other: { cert: string; key: string };

  before(async () => {
    dir = tempDir("ps-tls-config-");
    [good, other] = await Promise.all([selfSigned(dir, "good"), selfSigned(dir, "other", "other")]);
    fs.writeFileSync(path.join(dir, "garbage.pem"), "not a certificate\n");
  });

  // BCRYPT_COST=10 where loading the environment succeeds: 4, the tests'
  // default, adds a warning line of its own.
  const cases: [string, () => Record<string, string>, RegExp][] = [
    ["TLS_CERT_FILE without TLS_KEY_FILE", () => ({ TLS_CERT_FILE: good.cert }), /TLS_CERT_FILE and TLS_KEY_FILE go together/],
    ["TLS_KEY_FILE without TLS_CERT_FILE", () => ({ TLS_KEY_FILE: good.key }), /TLS_CERT_FILE and TLS_KEY_FILE go together/],
    ["BCRYPT_COST=3", () => ({ BCRYPT_COST: "3" }), /^password-service: BCRYPT_COST must be a whole number from \d+ to 16, not "3"$/],
    ["PORT=abc", () => ({ PORT: "abc" }), /^password-service: PORT must be a whole number from 0 to 65535, not "abc"$/],
    [
      "a certificate file that is not there",
      () => ({ BCRYPT_COST: "10", TLS_CERT_FILE: path.join(dir, "missing.pem"), TLS_KEY_FILE: good.key }),
      /TLS_CERT_FILE: cannot read .*missing\.pem: ENOENT/,
    ],
    ["a directory as key file", () => ({ BCRYPT_COST: "10", TLS_CERT_FILE: good.cert, TLS_KEY_FILE: dir }), /TLS_KEY_FILE: cannot read .*: EISDIR/],
    [
      "a certificate file that is no PEM",
      () => ({ BCRYPT_COST: "10", TLS_CERT_FILE: path.join(dir, "garbage.pem"), TLS_KEY_FILE: good.key }),
      /not a usable certificate and private key/,
    ],
    [
      "certificate and key swapped",
      () => ({ BCRYPT_COST: "10", TLS_CERT_FILE: good.key, TLS_KEY_FILE: good.cert }),
      /not a usable certificate and private key/,
    ],
    [
      "a key that is not the certificate's",
      () => ({ BCRYPT_COST: "10", TLS_CERT_FILE: good.cert, TLS_KEY_FILE: other.key }),
      /not a usable certificate and private key: key values mismatch/,
    ],
    ["a DATA_DIR that is a file", () => ({ BCRYPT_COST: "10", DATA_DIR: path.join(dir, "garbage.pem") }), /DATA_DIR .*garbage\.pem is a file, not a folder/],
    ["a HOST that does not resolve", () => ({ BCRYPT_COST: "10", HOST: "no-such-host.invalid" }), /(ENOTFOUND|EAI_AGAIN) no-such-host\.invalid/],
  ];

  // Two in a process of their own, the exit code and the one line of the real
  // process: one refused by the environment's check, one by the server's
  // start with its store open. The rest say the same in the test's own process.
  const inProcess = (name: string) => name !== "PORT=abc" && name !== "a key that is not the certificate's";

  it("for each mistake", async () => {
    const results = await Promise.all(cases.map(([name, env]) => (inProcess(name) ? serveRefused : serve)(configEnv(env()))));
    for (const [i, [name, , pattern]] of cases.entries()) {
      const { code, stderr, stdout } = results[i];
      assert.equal(code, 2, `${name}: exit code (stderr: ${stderr})`);
      const lines = stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, `${name}: one line, not ${JSON.stringify(stderr)}`);
      assert.match(lines[0], /^password-service: /, name);
      assert.match(lines[0], pattern, name);
      assert.doesNotMatch(stdout, /listening on/, `${name}: never listened`);
    }
  });
});
