import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { ROOT, Service, tempDir } from "./support/service.js";
import { freePort } from "./support/tools.js";

/** The shell blocks of README.md that follow a `<!-- MARKER -->` line, in order. */
function walkthrough(marker = "walkthrough"): string[] {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  return [...readme.matchAll(new RegExp(`<!-- ${marker} -->\n\`\`\`sh\n([\\s\\S]*?)\n\`\`\``, "g"))].map((m) => m[1]);
}

/** Runs a script with bash in the repository, with the service's environment; its output and exit code. */
function bash(script: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile("bash", ["-c", script], { cwd: ROOT, env, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ stdout, stderr, code: err ? Number(err.code) : 0 }),
    );
  });
}

describe("the README's walkthroughs", () => {
  let service: Service;
  /** The mail catcher's port, which the reset walkthrough starts it on. */
  let mailPort: number;
  before(async () => {
    // One server for every walkthrough. Its mail goes to the reset walkthrough's
    // catcher; the other walkthroughs' users have no address, so nothing waits for it.
    mailPort = await freePort();
    service = await Service.spawn({ SMTP_URL: `smtp://127.0.0.1:${mailPort}`, MAIL_POLL_INTERVAL_MS: "200", MAIL_RETRY_MAX_INTERVAL: "1s" });
  });
  after(() => service.stop());

  it("runs the README walkthrough as written", async () => {
    const blocks = walkthrough();
    assert.equal(blocks.length, 5, "the walkthrough's five blocks are found");
    // The one liberty taken: the server listens on a free port, not 8080.
    const script = ["set -euo pipefail", ...blocks].join("\n").replaceAll("localhost:8080", `localhost:${service.port}`);
    const { stdout, stderr, code } = await bash(script, service.env);
    assert.equal(code, 0, stderr);
    const userId = JSON.parse(stdout.split("\n")[0]).userId as string;
    assert.match(stdout, /"details":\{"sequence":"2","changeDate":"[^"]+Z","resourceOwner":"\d+"\}/, "curl (REST)");
    assert.match(stdout, /"sequence": "3"/, "buf curl (gRPC)");
    assert.match(stdout, /changed: sequence 4/, "Connect gRPC-Web client");
    assert.match(stdout, /\{"code":3,"message":"Password is invalid \(COMMAND-3M0fs\)".*"failedAttempts":1\}\]\}$/m, "the error example");
    assert.equal((await service.userRow(userId)).sequence, 4);
  });

  it("runs the README's sign-in walkthrough as written: create with the user, set the password, read the factors, change with the session token", async () => {
    const blocks = walkthrough("signin-walkthrough");
    assert.equal(blocks.length, 1, "the sign-in walkthrough's block is found");
    const script = ["set -euo pipefail", ...blocks].join("\n").replaceAll("localhost:8080", `localhost:${service.port}`);
    const { stdout, stderr, code } = await bash(script, service.env);
    assert.equal(code, 0, stderr);
    const [read, changed] = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.ok(read.session.factors.user.verifiedAt && read.session.factors.password.verifiedAt, JSON.stringify(read));
    assert.equal(changed.details.sequence, "3", JSON.stringify(changed));
    service.secrets.push("Carol-Passw0rd-1!", "Carol-Passw0rd-2!");
  });

  it("runs the README's reset walkthrough as written, with its mail catcher", async () => {
    const blocks = walkthrough("reset-walkthrough");
    assert.equal(blocks.length, 3, "the reset walkthrough's three blocks are found");
    const log = path.join(tempDir(), "mail.log");
    // The liberties taken: free ports for the server and the catcher, a log file of the test's own, and the catcher stopped at the end.
    const script = [
      "set -euo pipefail",
      ...blocks,
      "until grep -q 'was changed' /tmp/password-service-mail.log; do sleep 0.2; done",
      "cat /tmp/password-service-mail.log",
    ]
      .join("\n")
      .replaceAll("localhost:8080", `localhost:${service.port}`)
      .replaceAll("--port 1025", `--port ${mailPort}`)
      .replaceAll("/tmp/password-service-mail.log", log);
    const { stdout, stderr, code } = await bash(script, service.env).finally(() => bash(`pkill -f 'catch-mail.js --port ${mailPort}' || true`, service.env));
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^\{"details":\{"sequence":"1","changeDate":"[^"]+Z","resourceOwner":"\d+"\}\}/m, "the reset");
    assert.match(stdout, /^\{"details":\{"sequence":"2","changeDate":"[^"]+Z","resourceOwner":"\d+"\}\}/m, "the set with the code");
    assert.match(
      stdout,
      /Subject: Reset your password[\s\S]*https:\/\/login\.example\.com\/reset\?userID=\d+&code=[A-Z0-9]{6}&orgID=\d+/,
      "the mail and its link",
    );
    assert.match(stdout, /Subject: Your password was changed/, "the change notice");
    const code6 = /Your code: ([A-Z0-9]{6})/.exec(stdout)![1];
    service.secrets.push(code6, "Bob-Passw0rd-2!");
  });
});
