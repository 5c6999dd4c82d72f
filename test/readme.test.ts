import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, it } from "node:test";
import { ROOT, Service } from "./support/service.js";

/** The shell blocks of README.md that follow a `<!-- walkthrough -->` marker, in order. */
function walkthrough(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  return [...readme.matchAll(/<!-- walkthrough -->\n```sh\n([\s\S]*?)\n```/g)].map((m) => m[1]);
}

let service: Service;
before(async () => {
  service = await Service.start();
});
after(() => service.stop());

it("runs the README walkthrough as written", async () => {
  const blocks = walkthrough();
  assert.equal(blocks.length, 5, "the walkthrough's five blocks are found");
  // The one liberty taken: the server listens on a free port, not 8080.
  const script = ["set -euo pipefail", ...blocks].join("\n").replaceAll("localhost:8080", `localhost:${service.port}`);
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
    execFile("bash", ["-c", script], { cwd: ROOT, env: service.env }, (err, stdout, stderr) =>
      resolve({ stdout, stderr, code: err ? Number(err.code) : 0 }),
    );
  });
  assert.equal(code, 0, stderr);
  const userId = JSON.parse(stdout.split("\n")[0]).userId as string;
  assert.match(stdout, /"details":\{"sequence":"2","changeDate":"[^"]+Z","resourceOwner":"\d+"\}/, "curl (REST)");
  assert.match(stdout, /"sequence": "3"/, "buf curl (gRPC)");
  assert.match(stdout, /changed: sequence 4/, "Connect gRPC-Web client");
  assert.match(stdout, /\{"code":3,"message":"Password is invalid \(COMMAND-3M0fs\)".*"failedAttempts":1\}\]\}$/m, "the error example");
  assert.equal((await service.userRow(userId)).sequence, 4);
});
