import fs from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { type Command, hasControl, help, isEmail, print, printError, required, UsageError } from "./args.js";
import { cliContext } from "../core/audit.js";
import type { Config } from "../config.js";
import { HashRefused, parseHash } from "../crypto/imported-hash.js";
import { BcryptHasher } from "../crypto/hashing.js";
import { isValidId } from "../core/ids.js";
import type { ImportField, ImportOutcome, ImportRow, NewUser, OnConflict, OrgPlan } from "../store/directory.js";

/** Rows committed together: a crash loses at most these, and a new run skips what committed. */
const DEFAULT_BATCH = 1000;
/** Reasons kept for the report; past them only the count grows, so memory stays flat. */
const MAX_REASONS = 100;
const PROGRESS_EVERY_MS = 500;

const FIELDS = new Set(["id", "username", "orgId", "orgName", "email", "password", "passwordHash", "state", "kind"]);

/** A line that cannot be imported, with a reason that quotes no secret. */
class LineRefused extends Error {}

/** Parses one JSON Lines row into a user, or throws LineRefused. Plain passwords are hashed later, in parallel. */
function parseLine(text: string): { user: NewUser; password?: string; stated: Set<ImportField> } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LineRefused("not valid JSON"); // V8's message would quote the line, password and all
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new LineRefused("not a JSON object");
  const row = json as Record<string, unknown>;
  for (const key of Object.keys(row)) if (!FIELDS.has(key)) throw new LineRefused(`unknown field "${key.slice(0, 40)}"`);
  const field = (name: string, max: number): string | undefined => {
    const value = row[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string" || value.length === 0 || value.length > max) throw new LineRefused(`${name} must be a string of 1 to ${max} characters`);
    return value;
  };
  const id = field("id", 200);
  if (id !== undefined && !isValidId(id)) throw new LineRefused("id must be 1 to 200 printable ASCII characters without spaces");
  const orgId = field("orgId", 200);
  if (orgId !== undefined && !isValidId(orgId)) throw new LineRefused("orgId must be 1 to 200 printable ASCII characters without spaces");
  const username = field("username", 200);
  if (username === undefined) throw new LineRefused("username is required");
  if (hasControl(username)) throw new LineRefused("username contains a control character");
  const email = field("email", 320);
  if (email !== undefined && !isEmail(email)) throw new LineRefused("email is not a bare address such as ann@example.com");
  const state = field("state", 10) ?? "active";
  if (state !== "active" && state !== "initial" && state !== "locked") throw new LineRefused("state must be active, initial or locked");
  const kind = field("kind", 10) ?? "human";
  if (kind !== "human" && kind !== "machine") throw new LineRefused("kind must be human or machine");
  const password = field("password", 1024);
  const passwordHash = field("passwordHash", 1024);
  if (password !== undefined && passwordHash !== undefined) throw new LineRefused("password and passwordHash contradict each other: give one");
  if (kind === "machine" && (password !== undefined || passwordHash !== undefined)) throw new LineRefused("a machine user has no password");
  if (password?.includes("\0")) throw new LineRefused("the password contains a NUL character");
  if (passwordHash !== undefined) {
    try {
      parseHash(passwordHash);
    } catch (err) {
      if (err instanceof HashRefused) throw new LineRefused(`passwordHash: ${err.message}`);
      throw err;
    }
  }
  const user: NewUser = { id, username, orgId, orgName: field("orgName", 200), email, passwordHash: passwordHash ?? null, passwordNfkc: null, kind, state };
  // What the row leaves out keeps the user's value on --on-conflict update.
  const given: [ImportField, unknown][] = [["email", email], ["password", password ?? passwordHash], ["state", row.state], ["kind", row.kind]];
  return { user, password, stated: new Set(given.filter(([, value]) => value !== undefined && value !== null).map(([name]) => name)) };
}

/** What the run has done so far, for the progress line and the report. */
class Tally {
  readonly counts = { imported: 0, skipped: 0, updated: 0, rejected: 0 };
  readonly reasons: string[] = [];
  lines = 0;

  add(outcome: ImportOutcome): void {
    this.counts[outcome.result]++;
    if (outcome.result === "rejected" && this.reasons.length < MAX_REASONS) this.reasons.push(`line ${outcome.line}: ${outcome.reason}`);
  }
}

export const importCommand: Command = {
  summary: "import users from a JSON Lines file (or - for standard input)",
  usage:
    "user import --file FILE|- [--on-conflict skip|fail|update] [--dry-run] [--max-errors N] [--batch-size 1000]\n\n" +
    'One JSON object per line: {"id"?, "username", "orgId"?, "orgName"?, "email"?, "password"? | "passwordHash"?,\n' +
    '"state"?: "active"|"initial"|"locked", "kind"?: "human"|"machine"}. Batches commit one by one: run it again\n' +
    "after a failure and it goes on where it stopped (--on-conflict skip, the default, passes what is there).\n" +
    "--dry-run checks every line and writes nothing. Exit code 0 when no line was rejected, 1 otherwise.",
  options: {
    ...help,
    file: { type: "string" },
    "on-conflict": { type: "string", default: "skip" },
    "dry-run": { type: "boolean" },
    "max-errors": { type: "string" },
    "batch-size": { type: "string", default: String(DEFAULT_BATCH) },
  },
  async run(values, config) {
    const file = required(values, "file");
    const onConflict = values["on-conflict"] as string;
    if (onConflict !== "skip" && onConflict !== "fail" && onConflict !== "update") throw new UsageError("--on-conflict takes skip, fail or update");
    const maxErrors = values["max-errors"] === undefined ? Infinity : wholeNumber(values["max-errors"] as string, "--max-errors", 0);
    const batchSize = wholeNumber(values["batch-size"] as string, "--batch-size", 1, 5000);
    const input = openInput(file);
    const tally = await importLines(input, config, { onConflict, dryRun: Boolean(values["dry-run"]), maxErrors, batchSize });
    report(tally, Boolean(values["dry-run"]));
    if (tally.counts.rejected > 0) process.exitCode = 1;
  },
};

function wholeNumber(text: string, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`${name} takes a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ""}`);
  return n;
}

interface Input {
  stream: Readable;
  /** The file's size, for an ETA; undefined for standard input. */
  size?: number;
}

function openInput(file: string): Input {
  if (file === "-") return { stream: process.stdin };
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (err) {
    throw new UsageError(`--file: cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`);
  }
  return { stream: fs.createReadStream(file), size };
}

interface Options {
  onConflict: OnConflict;
  dryRun: boolean;
  maxErrors: number;
  batchSize: number;
}

/**
 * Reads line by line (constant memory whatever the file's size), checks
 * each line, and writes a batch at a time. Plain passwords of a batch are
 * hashed all at once, on every thread of libuv's pool.
 */
async function importLines(input: Input, config: Config, options: Options): Promise<Tally> {
  const tally = new Tally();
  const hasher = new BcryptHasher(config.bcryptCost);
  const store = options.dryRun ? undefined : await (await import("../store/open-store.js")).openStore(config);
  let batch: { line: number; user: NewUser; password?: string; stated: Set<ImportField> }[] = [];
  /** Organisations found so far, by ID or name. */
  const orgs = new Map<string, OrgPlan>();
  const flush = async () => {
    if (batch.length === 0) return;
    if (!store) {
      // A dry run has checked each line already: nothing to hash or write.
      for (const { line } of batch) tally.add({ line, result: "imported" });
      batch = [];
      return;
    }
    const rows: ImportRow[] = await Promise.all(
      batch.map(async ({ line, user, password, stated }) =>
        password === undefined ? { line, user, stated } : { line, user: { ...user, passwordHash: await hasher.hash(password), passwordNfkc: false }, stated },
      ),
    );
    batch = [];
    for (const outcome of await store.directory.importBatch(rows, options.onConflict, orgs, cliContext())) tally.add(outcome);
  };
  // Read from here on, and only here: a "data" listener attached while the
  // database was still being opened would take the file past the reader.
  const lines = createInterface({ input: input.stream, crlfDelay: Infinity });
  const progress = new Progress(input, tally);
  try {
    for await (const text of lines) {
      const line = ++tally.lines;
      if (text.trim() === "") continue;
      try {
        batch.push({ line, ...parseLine(text) });
      } catch (err) {
        if (!(err instanceof LineRefused)) throw err;
        tally.add({ line, result: "rejected", reason: err.message });
      }
      if (batch.length >= options.batchSize) await flush();
      if (tally.counts.rejected > options.maxErrors) break;
      progress.tick();
    }
    if (tally.counts.rejected <= options.maxErrors) await flush();
  } finally {
    progress.done();
    input.stream.destroy();
    await store?.close();
  }
  if (tally.counts.rejected > options.maxErrors) printError(`stopped: more than ${options.maxErrors} lines were rejected`);
  return tally;
}

function report(tally: Tally, dryRun: boolean): void {
  const { imported, skipped, updated, rejected } = tally.counts;
  const verb = dryRun ? "would import" : "imported";
  print(`${verb} ${imported}, skipped ${skipped}, updated ${updated}, rejected ${rejected} (${tally.lines} lines)`);
  for (const reason of tally.reasons) print(`  ${reason}`);
  if (rejected > tally.reasons.length) print(`  … and ${rejected - tally.reasons.length} more`);
}

/** A progress line on a terminal (rows a second, and an ETA when the size is known); nothing when piped. */
class Progress {
  private readonly started = Date.now();
  private last = 0;
  private bytes = 0;
  private readonly enabled = Boolean(process.stderr.isTTY);

  constructor(
    private readonly input: Input,
    private readonly tally: Tally,
  ) {
    if (this.enabled) input.stream.on("data", (chunk: Buffer | string) => (this.bytes += chunk.length));
  }

  tick(): void {
    if (!this.enabled || Date.now() - this.last < PROGRESS_EVERY_MS) return;
    this.last = Date.now();
    const seconds = (Date.now() - this.started) / 1000;
    const rate = Math.round(this.tally.lines / seconds);
    let eta = "";
    if (this.input.size && this.bytes > 0) eta = `, about ${Math.ceil(((this.input.size - this.bytes) / this.bytes) * seconds)} s left`;
    process.stderr.write(`\r${this.tally.lines} lines, ${rate} rows/s${eta}   `);
  }

  done(): void {
    if (this.enabled && this.last > 0) process.stderr.write("\n");
  }
}
