import fs from "node:fs";
import type { Readable } from "node:stream";
import { type Command, currentIo, hasControl, help, isEmail, print, printError, required, UsageError } from "./args.js";
import { cliContext } from "../core/audit.js";
import type { Config } from "../config.js";
import { HashRefused, parseHash } from "../crypto/imported-hash.js";
import { BcryptHasher } from "../crypto/hashing.js";
import { isValidId } from "../core/ids.js";
import { hashImported } from "../core/new-password.js";
import { LANGUAGES, servedLanguage } from "../core/messages.js";
import { FORMATS, type Format, keycloakPolicy, RecordRefused, recordId, toRow } from "./import-formats.js";
import { DocumentBroken, documentRecords, jsonLines, type TopLevelStrings } from "./import-reader.js";
import type { ImportField, ImportOutcome, ImportRow, OnConflict } from "../store/imports.js";
import type { OrgPlan } from "../store/organisations.js";
import type { NewUser } from "../store/user-admin.js";

/** Rows committed together: a crash loses at most these, and a new run skips what committed. */
const DEFAULT_BATCH = 1000;
/** Reasons kept for the report; past them only the count grows, so memory stays flat. */
const MAX_REASONS = 100;
const PROGRESS_EVERY_MS = 500;

const FIELDS = new Set(["id", "username", "orgId", "orgName", "email", "language", "password", "passwordHash", "state", "kind"]);

/** A row of the JSON Lines format, checked: the user, its plain password if any, and the fields it states. */
interface ParsedRow {
  user: NewUser;
  password?: string;
  stated: Set<ImportField>;
  /** Fields skipped under --ignore-unknown. */
  unknown: number;
}

/** Parses one line of JSON Lines, or throws RecordRefused. */
function parseText(text: string, ignoreUnknown: boolean): ParsedRow {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RecordRefused("not valid JSON"); // V8's message would quote the line, password and all
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new RecordRefused("not a JSON object");
  return parseRow(json as Record<string, unknown>, ignoreUnknown);
}

/** Checks one row into a user, or throws RecordRefused. Plain passwords are hashed later, in parallel. */
function parseRow(row: Record<string, unknown>, ignoreUnknown: boolean): ParsedRow {
  const unknown = Object.keys(row).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0 && !ignoreUnknown) throw new RecordRefused(`unknown field "${unknown[0].slice(0, 40)}" (--ignore-unknown skips such fields)`);
  const field = (name: string, max: number): string | undefined => {
    const value = row[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string" || value.length === 0 || value.length > max) throw new RecordRefused(`${name} must be a string of 1 to ${max} characters`);
    return value;
  };
  const id = field("id", 200);
  if (id !== undefined && !isValidId(id)) throw new RecordRefused("id must be 1 to 200 printable ASCII characters without spaces");
  const orgId = field("orgId", 200);
  if (orgId !== undefined && !isValidId(orgId)) throw new RecordRefused("orgId must be 1 to 200 printable ASCII characters without spaces");
  const username = field("username", 200);
  if (username === undefined) throw new RecordRefused("username is required");
  if (hasControl(username)) throw new RecordRefused("username contains a control character");
  const email = field("email", 320);
  if (email !== undefined && !isEmail(email)) throw new RecordRefused("email is not a bare address such as ann@example.com");
  const tag = field("language", 35);
  const preferredLanguage = tag === undefined ? undefined : servedLanguage(tag);
  if (tag !== undefined && !preferredLanguage) throw new RecordRefused(`language must be a BCP 47 tag of a served language (${LANGUAGES.join(", ")})`);
  const state = field("state", 10) ?? "active";
  if (state !== "active" && state !== "initial" && state !== "locked") throw new RecordRefused("state must be active, initial or locked");
  const kind = field("kind", 10) ?? "human";
  if (kind !== "human" && kind !== "machine") throw new RecordRefused("kind must be human or machine");
  const password = field("password", 1024);
  const passwordHash = field("passwordHash", 1024);
  if (password !== undefined && passwordHash !== undefined) throw new RecordRefused("password and passwordHash contradict each other: give one");
  if (kind === "machine" && (password !== undefined || passwordHash !== undefined)) throw new RecordRefused("a machine user has no password");
  if (password?.includes("\0")) throw new RecordRefused("the password contains a NUL character");
  if (passwordHash !== undefined) {
    try {
      parseHash(passwordHash);
    } catch (err) {
      if (err instanceof HashRefused) throw new RecordRefused(`passwordHash: ${err.message}`);
      throw err;
    }
  }
  const user: NewUser = {
    id,
    username,
    orgId,
    orgName: field("orgName", 200),
    email,
    preferredLanguage,
    passwordHash: passwordHash ?? null,
    passwordNfkc: null,
    kind,
    state,
  };
  // What the row leaves out keeps the user's value on --on-conflict update.
  const given: [ImportField, unknown][] = [
    ["email", email],
    ["language", tag],
    ["password", password ?? passwordHash],
    ["state", row.state],
    ["kind", row.kind],
  ];
  const stated = new Set(given.filter(([, value]) => value !== undefined && value !== null).map(([name]) => name));
  return { user, password, stated, unknown: unknown.length };
}

/** What the run has done so far, for the progress line and the report. */
class Tally {
  readonly counts = { imported: 0, skipped: 0, updated: 0, rejected: 0 };
  readonly reasons: string[] = [];
  /** Lines (or records, for a JSON document) read. */
  lines = 0;
  /** Fields skipped under --ignore-unknown. */
  unknownFields = 0;

  constructor(readonly unit: "line" | "record") {}

  /** An outcome; a rejection is named by its position and the ID the record gave, never its hash. */
  add(outcome: ImportOutcome, id?: string): void {
    this.counts[outcome.result]++;
    if (outcome.result !== "rejected" || this.reasons.length >= MAX_REASONS) return;
    this.reasons.push(`${this.unit} ${outcome.line}${id === undefined ? "" : ` (id ${id})`}: ${outcome.reason}`);
  }
}

export const importCommand: Command = {
  summary: "import users from a JSON Lines file (or - for standard input), or a Keycloak, Auth0 or ZITADEL export",
  usage:
    "user import --file FILE|- [--format jsonl|keycloak|auth0|zitadel] [--on-conflict skip|fail|update] [--dry-run]\n" +
    "                          [--max-errors N] [--batch-size 1000] [--ignore-unknown]\n\n" +
    'One JSON object per line: {"id"?, "username", "orgId"?, "orgName"?, "email"?, "language"?, "password"? | "passwordHash"?,\n' +
    '"state"?: "active"|"initial"|"locked", "kind"?: "human"|"machine"}; --ignore-unknown skips other fields.\n' +
    `"language" is a BCP 47 tag of ${LANGUAGES.join(", ")} (de-CH is kept as de): the language of the user's mails.\n` +
    "--format keycloak reads a realm export (realm.json or *-users-*.json), auth0 Auth0's bulk export or import\n" +
    "(JSON Lines or a JSON array), zitadel ZITADEL's AddHumanUser/ImportHumanUser JSON. Batches commit one by\n" +
    "one: run it again after a failure and it goes on where it stopped (--on-conflict skip, the default, passes\n" +
    "what is there). --dry-run checks every record and writes nothing. Exit code 0 when none was rejected, 1 otherwise.",
  options: {
    ...help,
    file: { type: "string" },
    format: { type: "string", default: "jsonl" },
    "on-conflict": { type: "string", default: "skip" },
    "dry-run": { type: "boolean" },
    "max-errors": { type: "string" },
    "batch-size": { type: "string", default: String(DEFAULT_BATCH) },
    "ignore-unknown": { type: "boolean" },
  },
  async run(values, config) {
    const file = required(values, "file");
    const format = values.format as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format takes ${FORMATS.join(", ")}`);
    const onConflict = values["on-conflict"] as string;
    if (onConflict !== "skip" && onConflict !== "fail" && onConflict !== "update") throw new UsageError("--on-conflict takes skip, fail or update");
    if (values["ignore-unknown"] && format !== "jsonl")
      throw new UsageError("--ignore-unknown is for --format jsonl: the other formats skip what they do not use");
    const maxErrors = values["max-errors"] === undefined ? Infinity : wholeNumber(values["max-errors"] as string, "--max-errors", 0);
    const batchSize = wholeNumber(values["batch-size"] as string, "--batch-size", 1, 5000);
    const input = openInput(file);
    const dryRun = Boolean(values["dry-run"]);
    const top: TopLevelStrings = new Map();
    const tally = await importRecords(input, config, {
      format,
      onConflict,
      dryRun,
      maxErrors,
      batchSize,
      ignoreUnknown: Boolean(values["ignore-unknown"]),
      top,
    });
    report(tally, dryRun);
    const policy = top.get("passwordPolicy");
    if (policy) suggestPolicy(policy);
    return tally.counts.rejected > 0 ? 1 : undefined;
  },
};

function wholeNumber(text: string, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new UsageError(`${name} takes a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ""}`);
  return n;
}

interface Input {
  stream: Readable;
  /** The file's size, for an ETA; undefined for standard input. */
  size?: number;
}

function openInput(file: string): Input {
  if (file === "-") return { stream: currentIo().stdin };
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (err) {
    throw new UsageError(`--file: cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`);
  }
  return { stream: fs.createReadStream(file), size };
}

interface Options {
  format: Format;
  onConflict: OnConflict;
  dryRun: boolean;
  maxErrors: number;
  batchSize: number;
  ignoreUnknown: boolean;
  /** A document's top-level strings, filled as it is read: Keycloak's realm and passwordPolicy. */
  top: TopLevelStrings;
}

/** A record read and checked: the row, or why it was refused. */
type Checked = { position: number; id?: string } & ({ row: ParsedRow } | { refused: string });

/** Each record of the file, in order, checked into a row of the JSON Lines format. */
async function* checkedRecords(stream: Readable, options: Options): AsyncGenerator<Checked> {
  const { format, ignoreUnknown, top } = options;
  if (format === "jsonl") {
    let first = true;
    for await (const record of jsonLines(stream)) {
      const text = (record as { text: string }).text;
      const checked = check(record.position, undefined, () => parseText(text, ignoreUnknown));
      // A document (a realm.json, a JSON array) would fail on every line: one line says what it is instead.
      if (first && "refused" in checked && startsDocument(text)) throw new UsageError(ONE_DOCUMENT);
      first = false;
      yield { ...checked, id: "row" in checked ? checked.row.user.id : idOfLine(text) };
    }
    return;
  }
  for await (const record of documentRecords(stream, format === "keycloak" ? "users" : undefined, top)) {
    const value = (record as { value: unknown }).value;
    yield { ...check(record.position, recordId(format, value), () => parseRow(toRow(format, value, top.get("realm")), false)) };
  }
}

const ONE_DOCUMENT =
  "the file is one JSON document, not JSON Lines (one object a line): give --format keycloak, auth0 or zitadel for an export of those, or write one user a line";

/** A first line that opens an array, or an object it does not close: a document spanning lines. */
function startsDocument(text: string): boolean {
  if (/^\s*\[/.test(text)) return true;
  if (!/^\s*\{/.test(text)) return false;
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}

/** The ID of a refused line, when the line is JSON that gives one. */
function idOfLine(text: string): string | undefined {
  try {
    return recordId("jsonl", JSON.parse(text));
  } catch {
    return undefined;
  }
}

function check(position: number, id: string | undefined, parse: () => ParsedRow): Checked {
  try {
    return { position, id, row: parse() };
  } catch (err) {
    if (!(err instanceof RecordRefused)) throw err;
    return { position, id, refused: err.message };
  }
}
/** What a batch holds of a record: its position, the ID the record gave, and its row. */
type Pending = { line: number; id?: string } & ParsedRow;

/**
 * Reads record by record (constant memory whatever the file's size),
 * checks each, and writes a batch at a time. Plain passwords of a batch are
 * hashed all at once, on every thread of libuv's pool.
 */
async function importRecords(input: Input, config: Config, options: Options): Promise<Tally> {
  const tally = new Tally(options.format === "jsonl" ? "line" : "record");
  const hasher = new BcryptHasher(config.bcryptCost);
  const store = options.dryRun ? undefined : await (await import("../store/open-store.js")).openStore(config);
  let batch: Pending[] = [];
  const dryRun = new DryRun(options.onConflict);
  /** Organisations found so far, by ID or name. */
  const orgs = new Map<string, OrgPlan>();
  const flush = async () => {
    if (batch.length === 0) return;
    const ids = new Map(batch.map((p) => [p.line, p.id]));
    if (!store) {
      // A dry run has checked each record already: nothing to hash or write.
      for (const { line, id, user } of batch) tally.add(dryRun.predict(line, user), id);
      batch = [];
      return;
    }
    const rows: ImportRow[] = await Promise.all(
      batch.map(async ({ line, user, password, stated }) =>
        password === undefined ? { line, user, stated } : { line, user: { ...user, ...(await newHashOf(hasher, password)) }, stated },
      ),
    );
    batch = [];
    for (const outcome of await store.imports.importBatch(rows, options.onConflict, orgs, cliContext())) tally.add(outcome, ids.get(outcome.line));
  };
  // Read from here on, and only here: a "data" listener attached while the
  // database was still being opened would take the file past the reader.
  const progress = new Progress(input, tally);
  try {
    for await (const checked of checkedRecords(input.stream, options)) {
      tally.lines = checked.position;
      if ("row" in checked) {
        batch.push({ line: checked.position, id: checked.id, ...checked.row });
        tally.unknownFields += checked.row.unknown;
      } else {
        tally.add({ line: checked.position, result: "rejected", reason: checked.refused }, checked.id);
      }
      if (batch.length >= options.batchSize) await flush();
      if (tally.counts.rejected > options.maxErrors) break;
      progress.tick();
    }
    if (tally.counts.rejected <= options.maxErrors) await flush();
  } catch (err) {
    if (!(err instanceof DocumentBroken)) throw err;
    // What was read before the break is good: it is written, and a run on a mended file skips it.
    await flush();
    printError(`stopped after record ${err.position}: ${err.message}`);
    tally.counts.rejected++;
  } finally {
    progress.done();
    input.stream.destroy();
    await store?.close();
  }
  if (tally.counts.rejected > options.maxErrors) printError(`stopped: more than ${options.maxErrors} ${tally.unit}s were rejected`);
  return tally;
}

/** A plain password's hash, as an import stores it (see hashImported). */
async function newHashOf(hasher: BcryptHasher, password: string): Promise<Pick<NewUser, "passwordHash" | "passwordNfkc">> {
  const { hash, nfkc } = await hashImported((typed) => hasher.hash(typed), password);
  return { passwordHash: hash, passwordNfkc: nfkc };
}

/**
 * What the real run would do with each row, as far as the file tells: a
 * row that gives an ID or a name an earlier row gave meets that user as one
 * that exists, as the real run does. The database is not read: users there
 * already are the real run's to find.
 */
class DryRun {
  /** The name key (organisation and lower-case username) of each ID given so far. */
  private readonly ids = new Map<string, string>();
  /** The ID (or "" without one) of each name key so far. */
  private readonly names = new Map<string, string>();

  constructor(private readonly onConflict: OnConflict) {}

  predict(line: number, user: NewUser): ImportOutcome {
    const org =
      user.orgId !== undefined ? `organisation ${user.orgId}` : user.orgName !== undefined ? `organisation "${user.orgName}"` : "the default organisation";
    const name = `${org}\n${user.username.toLowerCase()}`;
    const id = user.id ?? "";
    if (user.id !== undefined ? this.ids.has(user.id) : this.names.has(name)) return this.conflict(line, user.id ?? this.names.get(name)!);
    if (this.names.has(name)) return { line, result: "rejected", reason: `username "${user.username}" is taken in ${org} (by an earlier row)` };
    this.names.set(name, id);
    if (user.id !== undefined) this.ids.set(user.id, name);
    return { line, result: "imported" };
  }

  private conflict(line: number, id: string): ImportOutcome {
    if (this.onConflict === "skip") return { line, result: "skipped" };
    if (this.onConflict === "update") return { line, result: "updated" };
    return { line, result: "rejected", reason: `a user ${id || "of that name"} exists already (an earlier row)` };
  }
}

function report(tally: Tally, dryRun: boolean): void {
  const { imported, skipped, updated, rejected } = tally.counts;
  const verb = dryRun ? "would import" : "imported";
  const unknown = tally.unknownFields > 0 ? `, ${tally.unknownFields} unknown fields ignored` : "";
  print(`${verb} ${imported}, skipped ${skipped}, updated ${updated}, rejected ${rejected} (${tally.lines} ${tally.unit}s${unknown})`);
  for (const reason of tally.reasons) print(`  ${reason}`);
  if (rejected > tally.reasons.length) print(`  … and ${rejected - tally.reasons.length} more`);
}

/** A Keycloak realm's password policy as a `policy set` to run, never applied here. */
function suggestPolicy(policy: string): void {
  const { options, unmapped } = keycloakPolicy(policy);
  print("the realm's password policy was not applied; to apply it:");
  print(`  password-service policy set ${options.join(" ")}`);
  if (unmapped.length > 0) print(`  (no counterpart here: ${unmapped.join(", ")})`);
}

/** A progress line on a terminal (rows a second, and an ETA when the size is known); nothing when piped. */
class Progress {
  private readonly started = Date.now();
  private last = 0;
  private bytes = 0;
  private readonly stderr = currentIo().stderr;
  private readonly enabled = Boolean(this.stderr.isTTY);

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
    this.stderr.write(`\r${this.tally.lines} ${this.tally.unit}s, ${rate} rows/s${eta}   `);
  }

  done(): void {
    if (this.enabled && this.last > 0) this.stderr.write("\n");
  }
}
