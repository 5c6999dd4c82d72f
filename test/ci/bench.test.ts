import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { it } from "node:test";
import { ROOT, tempDir } from "../support/service.js";

/**
 * The benchmark's quick mode, so that it cannot rot: every section runs and
 * reports, and every answer is one the service should give. It asserts no
 * timing; the figures belong to `npm run bench`.
 */
it("runs the benchmark's quick mode end to end", { timeout: 600_000 }, async () => {
  const out = tempDir("bench-out-");
  // As npm run bench runs it: compiled (npm test builds first), so that its many processes start fast.
  const args = ["dist/bench/run.js", "--quick", "--runs", "2", "--seconds", "0.25", "--large-users", "3000", "--out", out];
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 1 << 24 }, (err, _stdout, stderr) => (err ? reject(new Error(stderr)) : resolve())),
  );
  const results = JSON.parse(fs.readFileSync(path.join(out, "latest.json"), "utf8"));
  assert.ok(results.bound.pairsPerSecond > 0 && results.bound.opMs > 0);
  // Once at the start, then in each of the two runs after each protocol's runs, the idle run and the overload, and after each protocol's sign-ins and the idle sign-in.
  assert.equal(results.bound.measurements.length, 23, "the bound is measured in turns with the runs");
  assert.ok(results.bound.pairCpuMs > 0, "the CPU of one pair");
  assert.equal(results.rounds.length, 2);
  assert.deepEqual(
    Object.keys(results.throughput).sort(),
    ["connect@1", "connect@4", "grpc@1", "grpc@4", "grpcweb@1", "grpcweb@4", "rest@1", "rest@4"]
      .map((k) => k.replace("4", String(2 * results.machine.cores)))
      .sort(),
  );
  for (const [key, run] of Object.entries<any>(results.throughput)) {
    assert.ok(run.ok > 0, `${key} changed passwords`);
    assert.deepEqual(Object.keys(run.codes), ["OK"], `${key}: every change succeeded`);
    for (const figure of ["okPerSecond", "ratio", "cpuRatio", "p99Ms"]) {
      const each = results.rounds.map((round: any) => round.throughput[key][figure]);
      assert.equal(results.low.throughput[key][figure], Math.min(...each), `${key} ${figure}: the lowest of the runs`);
      assert.equal(results.high.throughput[key][figure], Math.max(...each), `${key} ${figure}: the highest of the runs`);
      assert.ok(each.includes(run[figure]), `${key} ${figure}: the median is one run's (of two, the higher)`);
    }
    for (const round of results.rounds) {
      const own = round.throughput[key];
      assert.ok(own.boundPerSecond > 0 && own.ratio === own.okPerSecond / own.boundPerSecond, `${key} has its ratio to the bound around it`);
      assert.ok(own.serverCpuMsPerChange > 0 && own.cpuRatio > 0, `${key} has its server CPU per change`);
    }
  }
  const expectedRefusal: Record<string, string> = { "bad-token": "Unauthenticated", "invalid-body": "InvalidArgument", locked: "FailedPrecondition" };
  for (const [key, run] of Object.entries<any>(results.cheap)) {
    const want = expectedRefusal[key.split("/")[0]];
    // REST reports 400 as InvalidArgument, whether the code was 3 or 9.
    const codes = Object.keys(run.codes).map((c) => (key.endsWith("rest") && c === "InvalidArgument" && want === "FailedPrecondition" ? want : c));
    assert.deepEqual(codes, [want], `${key} is refused as it should be`);
  }
  assert.ok(results.responsiveness.probeRequests > 0, "the hash-free probe ran");
  for (const code of Object.keys(results.overload.codes)) assert.ok(["OK", "ResourceExhausted"].includes(code), `overload answered ${code}`);
  assert.ok(results.size.smallOkPerSecond > 0 && results.size.largeOkPerSecond > 0);
  assert.deepEqual(Object.keys(results.signIn.protocols).sort(), ["connect", "grpc", "grpcweb", "rest"]);
  for (const [protocol, run] of Object.entries<any>(results.signIn.protocols)) {
    assert.ok(run.okPerSecond > 0 && run.ratio > 0 && run.cpuRatio > 0, `sign-ins over ${protocol}`);
    assert.ok(run.floorPerSecond > 0 && run.floorRatio > 0, `the floor server's sign-ins over ${protocol}`);
    // /proc counts in 10 ms ticks, and a quick run's window is short: a part may read 0, but not all of them.
    const parts = [run.poolRatio, run.mainMs, run.otherMs];
    assert.ok(parts.every((part) => Number.isFinite(part) && part >= 0) && parts.some((part) => part > 0), `${protocol}: the server's CPU split by thread`);
    assert.ok(Number.isFinite(run.floorMainMs) && run.floorMainMs >= 0, `${protocol}: the floor's event loop a sign-in`);
    assert.ok(run.generatorMs > 0, `${protocol}: the generator's CPU a sign-in`);
    assert.equal(run.errors, 0, `${protocol}: every sign-in succeeded`);
  }
  assert.ok(results.signIn.idle.ratio > 0, "the idle sign-in against one verify");
  const { flood } = results.signIn;
  assert.ok(flood.aloneOkPerSecond > 0 && flood.besideOkPerSecond > 0 && flood.ratio > 0, "the others' sign-ins with and without the flood");
  assert.equal(flood.errors, 0, "the others' sign-ins all succeeded beside the flood");
  // Each guess is a wrong password checked (3) or refused before any hash (8): never a sign-in.
  assert.ok(Object.keys(flood.guesses).length > 0, "the flood ran");
  for (const code of Object.keys(flood.guesses)) assert.ok(["InvalidArgument", "ResourceExhausted"].includes(code), `a guess answered ${code}`);
  assert.match(results.signInPostgres.skipped, /--postgres/, "without --postgres the store's headroom says why it was skipped");
  const report = fs.readFileSync(path.join(out, "latest.md"), "utf8");
  assert.match(report, /\| protocol \| concurrency \| changes\/s \| of bound \|/);
  assert.match(report, /\| protocol \| sign-ins\/s \| of the verify bound \|/);
  assert.match(report, /beside 8 clients guessing one user's password/);
});

it("runs the import benchmark's quick mode end to end", { timeout: 600_000 }, async () => {
  const out = tempDir("bench-import-out-");
  const args = ["dist/bench/run.js", "--only", "import", "--quick", "--out", out];
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 1 << 24 }, (err, _stdout, stderr) => (err ? reject(new Error(stderr)) : resolve())),
  );
  const results = JSON.parse(fs.readFileSync(path.join(out, "import.json"), "utf8"));
  // PostgreSQL is there in CI (.ci/run installs it); elsewhere the benchmark says it skipped it.
  assert.ok(results.preHashed.length >= 1 && results.preHashed[0].backend === "sqlite");
  for (const run of results.preHashed) assert.ok(run.rows === 20_000 && run.seconds > 0 && run.peakRssMb > 0, JSON.stringify(run));
  assert.ok(results.plain.rowsPerSecond > 0 && results.plain.boundPerSecond > 0);
  assert.match(fs.readFileSync(path.join(out, "import.md"), "utf8"), /\| backend \| rows \(pre-hashed\) \|/);
});

it("profiles a server under one kind of load", { timeout: 120_000 }, async () => {
  const args = ["dist/bench/profile.js", "--request", "locked", "--protocol", "grpc", "--seconds", "1", "--cost", "4", "--top", "40"];
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 1 << 24 }, (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout))),
  );
  const [header] = out.split("\n");
  // Every request was a locked user's, refused as one.
  assert.match(header, /^\d+ locked requests over grpc in 1 s \(FailedPrecondition \d+\); \d+ ms of the main thread sampled, [\d.]+ µs a request$/);
  const packages = out.slice(out.indexOf("by package:"), out.indexOf("by function:"));
  // The gRPC path through connect-es and a statement through Kysely, and the service's own code, all sampled.
  for (const name of ["@connectrpc/connect", "kysely", "src"]) assert.match(packages, new RegExp(`%  ${name}\\n`), name);
});
