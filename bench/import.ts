/**
 * `npm run bench -- --only import`: `user import` of a JSON Lines file of
 * pre-hashed users on SQLite and on PostgreSQL (wall time and the importing
 * process's peak RSS), and of plain passwords against the machine's bcrypt
 * bound. Writes bench/results/import.json and import.md.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import bcrypt from "bcrypt";
import { ROOT } from "./shared.js";

export interface ImportRun {
  backend: "sqlite" | "postgres";
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
}

export interface ImportResults {
  preHashed: ImportRun[];
  plain: { rows: number; cost: number; rowsPerSecond: number; boundPerSecond: number; ofBound: number };
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** A file of `rows` users, each with the same bcrypt hash, in organisations of 10,000. */
async function writeFile(file: string, rows: number, hash: string): Promise<void> {
  const out = fs.createWriteStream(file);
  for (let i = 0; i < rows; i++) {
    const line = `${JSON.stringify({ id: `bench-${i}`, username: `user-${i}`, orgId: `org-${Math.floor(i / 10_000)}`, email: `user-${i}@example.com`, passwordHash: hash })}\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

/** Runs `user import` as its own process, polling its peak RSS (VmHWM) until it exits. */
async function timedImport(file: string, env: Record<string, string>, backend: ImportRun["backend"], rows: number): Promise<ImportRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, "bin/password-service.cjs"), "user", "import", "--file", file], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // exited between two polls
    }
  }, 100);
  let out = "";
  child.stdout!.on("data", (c) => (out += c));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearInterval(poll);
  if (code !== 0) throw new Error(`user import on ${backend} exited ${code}: ${out}`);
  const seconds = (performance.now() - started) / 1000;
  const run = { backend, rows, seconds, rowsPerSecond: rows / seconds, peakRssMb: peakKb / 1024 };
  log(
    `import ${backend}: ${rows} rows in ${seconds.toFixed(1)} s (${Math.round(run.rowsPerSecond)}/s), peak RSS ${run.peakRssMb.toFixed(0)} MB — ${out.trim().split("\n")[0]}`,
  );
  return run;
}

/** A PostgreSQL cluster of the benchmark's own (.ci/postgres), or undefined when it cannot be had. */
function startPostgres(dir: string): string | undefined {
  try {
    return execFileSync("bash", [path.join(ROOT, ".ci/postgres"), "start", dir], { encoding: "utf8" })
      .trim()
      .split("\n")
      .at(-1);
  } catch (err) {
    log(`import: no PostgreSQL (${(err as Error).message.split("\n")[0]}); skipping it`);
    return undefined;
  }
}

export async function importBench(quick: boolean, cost: number): Promise<ImportResults> {
  const rows = quick ? 20_000 : 1_000_000;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-import-"));
  try {
    const file = path.join(work, "users.jsonl");
    await writeFile(file, rows, await bcrypt.hash("bench-password", cost));
    const base = { BCRYPT_COST: String(cost), LOG_LEVEL: "warn" };
    const preHashed = [await timedImport(file, { ...base, DATA_DIR: path.join(work, "sqlite") }, "sqlite", rows)];
    // Beside the work folder, not in it: the postgres user must reach its cluster, and mkdtemp's folders are the owner's alone.
    const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-import-pg-"));
    const url = startPostgres(pgDir);
    if (url) {
      try {
        preHashed.push(await timedImport(file, { ...base, DATA_DIR: path.join(work, "pg-data"), DATABASE_URL: url }, "postgres", rows));
      } finally {
        execFileSync("bash", [path.join(ROOT, ".ci/postgres"), "stop", pgDir]);
      }
    }
    fs.rmSync(pgDir, { recursive: true, force: true });
    return { preHashed, plain: await plainPasswords(work, cost, quick) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Plain passwords hashed by the import, against bcrypt with every core busy. */
async function plainPasswords(work: string, cost: number, quick: boolean): Promise<ImportResults["plain"]> {
  const cores = os.availableParallelism();
  // Enough hashes that the process's start is a small part of the run.
  const rows = (quick ? 8 : 128) * cores;
  const started = performance.now();
  await Promise.all(Array.from({ length: rows }, (_, i) => bcrypt.hash(`bound-${i}`, cost)));
  const boundPerSecond = rows / ((performance.now() - started) / 1000);
  const file = path.join(work, "plain.jsonl");
  fs.writeFileSync(
    file,
    Array.from({ length: rows }, (_, i) => JSON.stringify({ id: `plain-${i}`, username: `plain-${i}`, password: `Plain-Passw0rd-${i}!` })).join("\n"),
  );
  const run = await timedImport(file, { BCRYPT_COST: String(cost), LOG_LEVEL: "warn", DATA_DIR: path.join(work, "plain") }, "sqlite", rows);
  const plain = { rows, cost, rowsPerSecond: run.rowsPerSecond, boundPerSecond, ofBound: run.rowsPerSecond / boundPerSecond };
  log(
    `import plain passwords: ${plain.rowsPerSecond.toFixed(1)}/s against a bound of ${boundPerSecond.toFixed(1)} hashes/s (${(plain.ofBound * 100).toFixed(0)}%)`,
  );
  return plain;
}

export function importMarkdown(r: ImportResults, date: string, command: string): string {
  const lines = [
    `Measured ${date.slice(0, 10)} on ${os.cpus()[0]?.model} (${os.availableParallelism()} cores, Node ${process.version}) with \`${command}\`.`,
    "",
    "| backend | rows (pre-hashed) | seconds | rows/s | peak RSS of the importing process |",
    "|---|---|---|---|---|",
    ...r.preHashed.map((p) => `| ${p.backend} | ${p.rows} | ${p.seconds.toFixed(1)} | ${Math.round(p.rowsPerSecond)} | ${p.peakRssMb.toFixed(0)} MB |`),
    "",
    `Plain passwords (bcrypt cost ${r.plain.cost}, ${r.plain.rows} rows): ${r.plain.rowsPerSecond.toFixed(1)} rows/s against ${r.plain.boundPerSecond.toFixed(1)} hashes/s with every core busy (${(r.plain.ofBound * 100).toFixed(0)}% of the bound; the rest is the process's start and the batches' writes).`,
  ];
  return `${lines.join("\n")}\n`;
}
