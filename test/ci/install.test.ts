import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { tempDir } from "../support/database.js";
import { ROOT } from "../support/service.js";

/**
 * What the README tells a user to allow: the native packages, whose install
 * scripts build their addons, and the tarball itself, whose `prepare` npm
 * lists (by the tarball's path) though it does not run it for a tarball.
 */
function allowed(tarball: string): string {
  return `argon2,bcrypt,better-sqlite3,password-service@file:${tarball}`;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

function ok(result: Run, what: string): string {
  assert.equal(result.code, 0, `${what}: ${result.stderr}`);
  return result.stdout.trim();
}

/**
 * What a user does on a machine without the repository: `npm pack` here,
 * then `npm install -g` of the tarball into a prefix of its own, and the
 * installed command run from an unrelated folder with PATH as a user has
 * it. Slow (npm builds the native addons again): one test.
 */
describe("the packed tarball, installed", () => {
  const scratch = tempDir("ps-install-");
  const prefix = path.join(scratch, "prefix");
  const elsewhere = path.join(scratch, "elsewhere");
  // No repository on PATH (npm test puts node_modules/.bin there), only the prefix's bin and the system's.
  const PATH = `${path.join(prefix, "bin")}:${path.dirname(process.execPath)}:/usr/bin:/bin`;
  // npm keeps the user's own configuration (registry, certificates, proxy), as a user's install would.
  const npmEnv = { ...process.env, PATH } as Record<string, string>;
  const env = {
    PATH,
    HOME: scratch,
    DATA_DIR: path.join(elsewhere, "data"),
    BCRYPT_COST: "4",
    HOST: "127.0.0.1",
    METRICS_PORT: "0",
  };
  let installLog = "";
  before(async () => {
    fs.mkdirSync(elsewhere);
    // The dist/ that `npm test` built first (pretest): npm pack's own build (prepare) would
    // rewrite it under the feet of the servers other test files start meanwhile.
    const packed = await run("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", scratch], ROOT, { ...process.env } as Record<
      string,
      string
    >);
    const tarball = ok(packed, "npm pack");
    const file = path.join(scratch, tarball.split("\n").at(-1)!);
    const installed = await run(
      "npm",
      ["install", "-g", "--prefix", prefix, `--allow-scripts=${allowed(file)}`, "--no-audit", "--no-fund", file],
      elsewhere,
      npmEnv,
    );
    ok(installed, "npm install -g");
    installLog = installed.stdout + installed.stderr;
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("installs with its install scripts allowed, ships no TypeScript toolchain, and serves a password change from any folder", async () => {
    assert.doesNotMatch(installLog, /install-scripts|allowScripts/, "the README's install command leaves npm nothing to warn about");
    const installedAt = path.join(prefix, "lib/node_modules/password-service");
    for (const toolchain of ["tsx", "esbuild", "typescript"]) {
      assert.ok(!fs.existsSync(path.join(installedAt, "node_modules", toolchain)), `${toolchain} is installed with the package`);
    }
    assert.ok(!fs.existsSync(path.join(installedAt, "src")), "the sources are not shipped");

    const created = JSON.parse(
      ok(await run("password-service", ["user", "create", "--username", "ann", "--password", "Ann-Passw0rd-long!", "--json"], elsewhere, env), "user create"),
    );
    const token = ok(await run("password-service", ["token", "issue", "--user", created.userId], elsewhere, env), "token issue");

    const server = spawn("password-service", ["serve"], { cwd: elsewhere, env: { ...env, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        createInterface({ input: server.stdout }).on("line", (line) => {
          if (line.includes('"listening on')) resolve(JSON.parse(line).port);
        });
        server.once("exit", (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const base = `http://127.0.0.1:${port}`;
      const changed = await fetch(`${base}/auth/v1/users/me/password`, {
        method: "PUT",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ oldPassword: "Ann-Passw0rd-long!", newPassword: "Ann-New-Passw0rd-2!" }),
      });
      assert.equal(changed.status, 200, await changed.text());
      // The account page, its style and its script come from the build, not from a bundler at run time.
      const page = await fetch(`${base}/account/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<form/);
      const style = await fetch(`${base}/account/page.css`);
      assert.equal(style.status, 200);
      const script = await fetch(`${base}/account/app.js`);
      assert.equal(script.status, 200);
      assert.ok((await script.text()).length > 1000);
    } finally {
      server.kill("SIGTERM");
      await new Promise((resolve) => server.once("exit", resolve));
    }
  });
});
