import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import net from "node:net";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { loadConfig } from "../src/config.js";
import { JwksServer } from "./support/issuer.js";
import { BIN, cli, ROOT, Service, TestDatabase, testEnv } from "./support/service.js";
import { freePort } from "./support/tools.js";

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
  it("names PORT or METRICS_PORT when the port is taken", async () => {
    const taken = await takenPort();
    const database = await TestDatabase.create();
    try {
      const api = await cli(["serve"], testEnv(database, { PORT: String(taken.port) }));
      assert.equal(api.code, 2);
      assert.match(api.stderr, new RegExp(`^password-service: PORT ${taken.port} is in use \\(set PORT, or 0 for any free port\\)\\n$`, "m"));
      const metrics = await cli(["serve"], testEnv(database, { PORT: "0", METRICS_PORT: String(taken.port) }));
      assert.equal(metrics.code, 2);
      assert.match(metrics.stderr, new RegExp(`^password-service: METRICS_PORT ${taken.port} is in use \\(set METRICS_PORT, or 0 to turn metrics off\\)\\n$`, "m"));
    } finally {
      taken.close();
      await database.drop();
    }
  });

  it("says at start whose tokens it takes, whether it mails and serves the page, and its database, without a password", async () => {
    const own = await Service.start();
    try {
      const lines = messages(own.logs);
      assert.ok(lines.includes("tokens: own keys (issuer password-service, audience password-service); `token issue` signs them"), lines.join("\n"));
      assert.ok(lines.includes("mail: off (SMTP_URL unset)"));
      assert.ok(lines.includes("page: on, at /account/"));
      const database = loadConfig(own.env).config.database;
      const expected = database.kind === "sqlite" ? `database: SQLite at ${database.path}` : `database: PostgreSQL at ${new URL(database.url).host}${new URL(database.url).pathname}`;
      assert.ok(lines.includes(expected), lines.join("\n"));
    } finally {
      await own.stop();
    }

    const jwks = await JwksServer.start();
    const smtpPassword = "smtp-Secret-9";
    const external = await Service.start({
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
    const service = await Service.start();
    try {
      const user = await service.createUser("Before-Passw0rd!");
      const body = JSON.stringify({ oldPassword: "Before-Passw0rd!", newPassword: "After-Passw0rd!" });
      const socket = net.connect(service.port, "127.0.0.1");
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
      const exited = service.terminate("SIGTERM");
      await until(() => service.logs.some((l) => l.includes("shutting down")));
      service.process.kill("SIGINT");
      await until(() => service.logs.filter((l) => l.includes("shutting down")).length === 2);
      socket.write(body);
      assert.equal(await exited, 0);
      socket.destroy();
      const said = messages(service.logs);
      const from = said.findIndex((m) => m.startsWith("shutting down"));
      assert.deepEqual(said.slice(from).filter((m) => m !== "request"), [said[from], "already shutting down", "stopped"]);
    } finally {
      await service.stop();
    }
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
      assert.ok(since.every((l) => /^\[[\d:.]+\] .*request.*"rpc":"zitadel\.auth\.v1\.AuthService\/UpdateMyPassword"/.test(l)), since.join("\n"));
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      await database.drop();
    }
  });
});
