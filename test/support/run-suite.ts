/**
 * `npm test`'s runner: the compiled test files in a few processes, each
 * running a group of files one after another, four processes at a time.
 *
 * `node --test` alone gives every file a process of its own, and each pays
 * Node's start and the service's modules (about a second of CPU when the
 * file imports the app): over sixty-eight files, a third of the suite's CPU on
 * two cores. The files are written to share a process: each starts its
 * servers on port 0 and stops them, keeps its state in its own module, and
 * changes nothing process-wide. A file still runs alone as
 * `node --test dist/test/NAME.test.js`.
 *
 * The groups are balanced by how long each file took in the last run, kept
 * in node_modules/.cache/ as jest keeps its own. Before any run of its own
 * (a fresh clone, CI), a checkout takes the times of test-durations.json
 * beside this file, a run of the suite committed as the knapsack gem
 * commits its report; a file in neither counts as the median. The longest
 * groups start first.
 *
 *   node dist/test/support/run-suite.js [FILE ...]
 *
 * With no FILE, every `dist/test/*.test.js`. The exit code is the test
 * runner's.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./root.js";

/**
 * Processes at a time: on two cores, four keep them busy while some files
 * wait on timers and sockets (limits.test.js alone waits about 15 s of its 22).
 */
const CONCURRENCY = 4;
/**
 * Groups: twice CONCURRENCY, so that a process that finishes early takes
 * another group instead of leaving a core idle beside the last one.
 */
const GROUPS = 2 * CONCURRENCY;
/** A file's time on PostgreSQL is not its time on SQLite: one record for each. */
const BACKEND = process.env.TEST_DATABASE_URL ? "postgres" : "sqlite";
const DURATIONS = path.join(ROOT, `node_modules/.cache/password-service/test-durations-${BACKEND}.json`);
/** Each file's time in one run of npm test (2026-12-06, this machine's kind, four processes at a time). */
const COMMITTED = path.join(ROOT, "test/support/test-durations.json");
const REPORTER = path.join(import.meta.dirname, "durations-reporter.js");
const TEST_DIR = path.resolve(import.meta.dirname, "..");

type Durations = Record<string, number>;

function suiteFiles(): string[] {
  return readdirSync(TEST_DIR)
    .filter((name) => name.endsWith(".test.js"))
    .sort()
    .map((name) => path.join(TEST_DIR, name));
}

function readDurations(file = DURATIONS): Durations {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Durations;
  } catch {
    return {};
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 1 : sorted[Math.floor(sorted.length / 2)];
}

/** Longest file first, each to the group with the least time so far; the groups then longest first. */
function grouped(files: string[], durations: Durations): string[][] {
  const fallback = median(Object.values(durations));
  const weight = (file: string) => durations[path.basename(file)] ?? fallback;
  const groups = Array.from({ length: Math.min(GROUPS, files.length) }, () => ({ files: [] as string[], total: 0 }));
  for (const file of [...files].sort((a, b) => weight(b) - weight(a))) {
    const lightest = groups.reduce((least, group) => (group.total < least.total ? group : least));
    lightest.files.push(file);
    lightest.total += weight(file);
  }
  return groups.sort((a, b) => b.total - a.total).map((group) => group.files);
}

/** One module a group: it imports the group's files, whose tests then run in its process in that order. */
function writeGroups(dir: string, groups: string[][]): string[] {
  return groups.map((files, i) => {
    const entry = path.join(dir, `group-${i + 1}.test.mjs`);
    const imports = files.map((file) => `import ${JSON.stringify(pathToFileURL(file).href)};`);
    writeFileSync(entry, `${imports.join("\n")}\n`);
    return entry;
  });
}

/** node --test on the groups, with its usual reporter on stdout and the durations reporter's lines into a file. */
function run(entries: string[], timings: string): Promise<number> {
  const reporter = process.stdout.isTTY ? "spec" : "tap";
  const args = ["--test", `--test-concurrency=${CONCURRENCY}`, `--test-reporter=${reporter}`, "--test-reporter-destination=stdout"];
  args.push(`--test-reporter=${REPORTER}`, `--test-reporter-destination=${timings}`, ...entries);
  const child = spawn(process.execPath, args, { stdio: "inherit" });
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

/** Adds this run's times (lines of "file<TAB>ms", a line a top-level test) to those kept: of the suite's files only, those still there. */
function keepDurations(timings: string): void {
  if (!existsSync(timings)) return;
  const measured: Durations = {};
  for (const line of readFileSync(timings, "utf8").split("\n")) {
    const [file, ms] = line.split("\t");
    if (file && ms) measured[path.basename(file)] = (measured[path.basename(file)] ?? 0) + Number(ms);
  }
  mkdirSync(path.dirname(DURATIONS), { recursive: true });
  const kept = Object.entries({ ...readDurations(), ...measured }).filter(([name]) => existsSync(path.join(TEST_DIR, name)));
  writeFileSync(DURATIONS, `${JSON.stringify(Object.fromEntries(kept), null, 2)}\n`);
}

// Ctrl-C reaches the test runner too: wait for it to stop, then clean up.
process.on("SIGINT", () => {});

const files = process.argv.length > 2 ? process.argv.slice(2).map((file) => path.resolve(file)) : suiteFiles();
const dir = mkdtempSync(path.join(os.tmpdir(), "password-service-suite-"));
try {
  const timings = path.join(dir, "durations.tsv");
  const durations = { ...readDurations(COMMITTED), ...readDurations() };
  process.exitCode = await run(writeGroups(dir, grouped(files, durations)), timings);
  keepDurations(timings);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
