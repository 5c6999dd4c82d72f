import { type ChildProcess, execFile, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { importJWK, SignJWT } from "jose";
import { loadConfig } from "../../src/config.js";
import { runCli } from "../../src/cli/main.js";
import { storedPassword } from "../../src/cli/users.js";
import { createIssuer, type TokenIssuer } from "../../src/crypto/tokens.js";
import { cliContext } from "../../src/core/audit.js";
import { LOGIN_CLIENT_ROLE } from "../../src/core/roles.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { TestDatabase } from "./database.js";
import { assertNoSecretsLeaked } from "./secrets.js";
import { ROOT } from "./root.js";

export { tempDir, TestDatabase } from "./database.js";

export { ROOT };
export const BIN = path.join(ROOT, "bin/password-service.cjs");

/**
 * Environment for every process a test starts, on the test's database
 * (see TestDatabase): a low bcrypt cost keeps the suite fast.
 */
export function testEnv(database: Pick<TestDatabase, "env">, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? os.tmpdir(),
    BCRYPT_COST: "4",
    HOST: "127.0.0.1",
    // Off unless a test asks: services started side by side would all want port 9464.
    METRICS_PORT: "0",
    // Under the test runner's coverage, the processes a test starts report theirs too.
    ...(process.env.NODE_V8_COVERAGE ? { NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE } : {}),
    ...database.env,
    ...extra,
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A stream a run of the command line writes to, kept as text. */
class Collected {
  text = "";

  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/**
 * Runs `password-service ARGS` in the test's own process, as the bin runs it
 * (`runCli`), on the environment given and an empty standard input. `serve`
 * stays on its signals: a test of it runs `cliProcess` or `Service.spawn`.
 */
export function cli(args: string[], env: Record<string, string>): Promise<CliResult> {
  if (args[0] === "serve" && !args.includes("--help") && !args.includes("-h")) throw new Error("serve runs in a process of its own: use cliProcess");
  return runInProcess(args, env);
}

/**
 * `password-service serve` in the test's own process, for an environment it
 * must refuse with exit code 2: what it says about a mistake, without a
 * process of its own. Its log, which goes to the process's own stdout, is
 * silenced. PORT 0 (or none) becomes a port held here: a serve that does not refuse
 * stops at that port (another message) instead of serving in this process.
 * A start refused after the store is open leaves it open: give it SQLite.
 */
export async function serveRefused(env: Record<string, string>): Promise<CliResult> {
  const held = net.createServer();
  await new Promise<void>((resolve) => held.listen(0, "127.0.0.1", resolve));
  const port = env.PORT === undefined || env.PORT === "0" ? String((held.address() as net.AddressInfo).port) : env.PORT;
  try {
    return await runInProcess(["serve"], { ...env, PORT: port, LOG_LEVEL: "silent" });
  } finally {
    held.close();
  }
}

async function runInProcess(args: string[], env: Record<string, string>): Promise<CliResult> {
  const stdout = new Collected();
  const stderr = new Collected();
  const code = await runCli(args, { env, stdin: Readable.from([]), stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Runs `password-service ARGS` as its own process: for tests whose subject is the process (the bin, exit codes, stdin, signals). */
export function cliProcess(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd: ROOT }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `cli`'s stdout, trimmed; fails the test unless the command exits 0. */
export async function cliOk(args: string[], env: Record<string, string>, run = cli): Promise<string> {
  const result = await run(args, env);
  if (result.code !== 0) throw new Error(`password-service ${args[0]} failed (${result.code}): ${result.stderr}`);
  return result.stdout.trim();
}

export interface FixtureOptions {
  /** The user's own ID, as `user create --id` takes one. */
  id?: string;
  username?: string;
  /** An existing organisation; without it, a new one named `orgName` (or made up). */
  orgId?: string;
  orgName?: string;
  email?: string;
  /** The language of the user's mails, as `user create --language` keeps it (`de`). */
  preferredLanguage?: string;
  /** A hash to store as it is, in place of the password's. */
  passwordHash?: string;
  machine?: boolean;
  /** The state of a user who has not logged in yet. */
  initial?: boolean;
}

interface Fixtures {
  store: Store;
  /** Undefined under JWKS_URL. */
  issuer?: TokenIssuer;
  bcryptCost: number;
}

/**
 * The password as `user create` stores it: hashed as the organisation's
 * profile says (NFKC under nist), or a given hash; none for an empty password.
 */
async function passwordColumns(store: Store, cost: number, orgId: string | undefined, password: string, hash?: string) {
  if (hash !== undefined || password === "") return { passwordHash: hash ?? null, passwordNfkc: null };
  return storedPassword(store, cost, orgId, password);
}

export interface TestUser {
  userId: string;
  resourceOwner: string;
  password: string;
  token: string;
}

/** Every line a server wrote, as it goes; emits "line" for each line added. */
class LogLines extends EventEmitter {
  readonly all: string[] = [];

  add(line: string): void {
    this.all.push(line);
    this.emit("line", line);
  }

  /** pino's destination in the test's own process: each write is one line or more. */
  write(chunk: string): void {
    for (const line of chunk.split("\n")) if (line) this.add(line);
  }
}

/** Where a test's server runs: a process of its own, or the test's own process. */
interface Running {
  port: number;
  /** The process of a spawned server. */
  child?: ChildProcess;
  readonly serving: boolean;
  close(): Promise<void>;
}

/** `password-service serve` as a process of its own (or `args` for node); resolves once it listens. */
async function spawnServer(env: Record<string, string>, lines: LogLines, args = [BIN, "serve"]): Promise<Running> {
  const child = spawn(process.execPath, args, { env, cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  createInterface({ input: child.stderr! }).on("line", (line) => lines.add(line));
  createInterface({ input: child.stdout! }).on("line", (line) => lines.add(line));
  const port = await new Promise<number>((resolve, reject) => {
    lines.on("line", (line: string) => {
      const entry = safeJson(line);
      if (entry?.msg?.startsWith("listening on")) resolve(entry.port);
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${lines.all.join("\n")}`)));
  });
  return {
    port,
    child,
    get serving() {
      return child.exitCode === null && child.signalCode === null;
    },
    close: () => terminate(child, "SIGTERM").then(() => undefined),
  };
}

/**
 * The server as `serve` wires it, in the test's own process: its log lines
 * go to `lines`, as a spawned server's stdout would, warnings first.
 */
async function startInProcess(env: Record<string, string>, lines: LogLines): Promise<Running> {
  const [{ startService }, { createLogger }] = await Promise.all([import("../../src/app.js"), import("../../src/ops/logging.js")]);
  const { config, warnings } = loadConfig(env);
  for (const warning of warnings) lines.add(`warning: ${warning}`);
  const server = await startService(config, createLogger(config, lines));
  let serving = true;
  return {
    port: server.port,
    get serving() {
      return serving;
    },
    close: async () => {
      if (!serving) return;
      serving = false;
      // The server's grace for connections that never end is an unref'd timer (it
      // must not keep a process alive); here it must fire, so the close holds the loop.
      const hold = setInterval(() => {}, 1000);
      try {
        await server.close();
      } finally {
        clearInterval(hold);
      }
    },
  };
}

/** Sends `signal` and waits for the exit; the exit code, or null if killed by the signal. */
async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill(signal);
  return exited;
}

/**
 * A running server on a free loopback port: in the test's own process
 * (`start`), or a process of its own (`spawn`) for tests whose subject is the
 * process. Without a database given it has one of its own, dropped when it
 * stops; several may share one.
 */
export class Service {
  /** Passwords and tokens this test handed the server: none may leak (checked on stop). */
  readonly secrets: string[] = [];
  private opened?: Promise<Fixtures>;

  private constructor(
    private readonly running: Running,
    readonly env: Record<string, string>,
    private readonly lines: LogLines,
    readonly database: TestDatabase,
    private readonly ownsDatabase: boolean,
  ) {}

  /** Every line the server wrote (a spawned one's stdout and stderr), as it goes. */
  get logs(): string[] {
    return this.lines.all;
  }

  get port(): number {
    return this.running.port;
  }

  /** Until `stop`, or a spawned server's exit. */
  get serving(): boolean {
    return this.running.serving;
  }

  /**
   * The first log entry, written already or to come, that `match` accepts;
   * undefined if none came within `timeoutMs`. A request's line is written
   * once its response is done, which the client may see first.
   */
  logEntry(match: (entry: Record<string, any>) => boolean, timeoutMs = 5000): Promise<Record<string, any> | undefined> {
    const found = this.logs.map(safeJson).find((entry) => entry && match(entry));
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const onLine = (line: string) => {
        const entry = safeJson(line);
        if (entry && match(entry)) finish(entry);
      };
      const finish = (entry: Record<string, any> | undefined) => {
        clearTimeout(timer);
        this.lines.off("line", onLine);
        resolve(entry);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      this.lines.on("line", onLine);
    });
  }

  /** The server in the test's own process: for every test whose subject is not the process. */
  static start(extraEnv: Record<string, string> = {}, shared?: TestDatabase): Promise<Service> {
    return Service.run(startInProcess, extraEnv, shared);
  }

  /** `password-service serve` as a process of its own: shutdown, signals, crashes, stdout, several processes. */
  static spawn(extraEnv: Record<string, string> = {}, shared?: TestDatabase): Promise<Service> {
    return Service.run(spawnServer, extraEnv, shared);
  }

  /** `serve` from src/ through tsx, as bin/ runs it when a source is newer than dist/. */
  static spawnFromSources(extraEnv: Record<string, string> = {}): Promise<Service> {
    return Service.run((env, lines) => spawnServer(env, lines, ["--import", "tsx", path.join(ROOT, "test/support/from-sources.ts"), "serve"]), extraEnv);
  }

  private static async run(
    how: (env: Record<string, string>, lines: LogLines) => Promise<Running>,
    extraEnv: Record<string, string>,
    shared?: TestDatabase,
  ): Promise<Service> {
    const database = shared ?? (await TestDatabase.create());
    const env = testEnv(database, { PORT: "0", ...extraEnv });
    const lines = new LogLines();
    return new Service(await how(env, lines), env, lines, database, !shared);
  }

  get dataDir(): string {
    return this.env.DATA_DIR;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /**
   * A user made straight through the store, as `user create --skip-policy`
   * makes one but without a process of its own, and a token for it as
   * `token issue` signs one. A machine user's token (which `token issue`
   * refuses) is signed with the same key; under JWKS_URL the service issues
   * none, and the test signs its own. The CLI has tests of its own.
   */
  async createUser(password = "Initial-Passw0rd!", options: FixtureOptions = {}): Promise<TestUser> {
    const { store, issuer, bcryptCost } = await this.fixtures();
    // An organisation of its own unless one is named, so that a test's policy touches no other test's users.
    const orgName = options.orgId === undefined ? (options.orgName ?? `org-${Math.random().toString(36).slice(2, 10)}`) : undefined;
    const created = await store.userAdmin.createUser({
      id: options.id,
      username: options.username ?? `user-${Math.random().toString(36).slice(2, 10)}`,
      orgId: options.orgId,
      orgName,
      email: options.email,
      preferredLanguage: options.preferredLanguage,
      ...(await passwordColumns(store, bcryptCost, options.orgId, password, options.passwordHash)),
      kind: options.machine ? "machine" : "human",
      state: options.initial ? "initial" : "active",
    });
    if (password) this.secrets.push(password);
    const token = options.machine ? await this.signedToken(created.userId) : ((await issuer?.issue(created.userId, "15m")) ?? "");
    if (token) this.secrets.push(token);
    return { userId: created.userId, resourceOwner: created.resourceOwner, password, token };
  }

  /** The service's store, opened in the test's own process: for fixtures, and to read what the service wrote. */
  async store(): Promise<Store> {
    return (await this.fixtures()).store;
  }

  /** The store and the token issuer, opened once, on the service's own configuration. */
  private fixtures(): Promise<Fixtures> {
    this.opened ??= (async () => {
      const { config } = loadConfig(this.env);
      const store = await openStore(config);
      const issuer = config.auth.mode === "self" ? await createIssuer(config.auth, store.signingKeys) : undefined;
      return { store, issuer, bcryptCost: config.bcryptCost };
    })();
    return this.opened;
  }

  /**
   * A token of a login application: a user of its own (no password) with
   * the login client's role, signed as `token issue --role login-client` signs it.
   */
  async loginClientToken(): Promise<{ userId: string; token: string }> {
    const { issuer } = await this.fixtures();
    const app = await this.createUser("", { username: `login-app-${Math.random().toString(36).slice(2, 8)}` });
    const token = await issuer!.issue(app.userId, "15m", { [LOGIN_CLIENT_ROLE]: [app.resourceOwner] });
    this.secrets.push(token);
    return { userId: app.userId, token };
  }

  /** A user's token, as `token issue` signs one, without a process of its own (cli.test.ts runs the command). */
  token(userId: string, ttl = "15m"): Promise<string> {
    return this.tokenWithRoles(userId, {}, ttl);
  }

  /** A token holding roles, as `token issue --role` signs one, without a process of its own. */
  async tokenWithRoles(userId: string, roles: Record<string, string[]>, ttl = "15m"): Promise<string> {
    const { issuer } = await this.fixtures();
    if (!issuer) throw new Error("under JWKS_URL the service issues no tokens");
    const token = await issuer.issue(userId, ttl, roles);
    this.secrets.push(token);
    return token;
  }

  /**
   * A token signed with the service's own key for any subject, as `token
   * issue` would sign it but without its checks: for users it refuses
   * (unknown, machine) and for tests of what the service does with them.
   */
  async signedToken(subject: string, ttlSeconds = 900): Promise<string> {
    const stored = await this.database.signingKey();
    const key = await importJWK(stored.privateJwk, "ES256");
    const now = Date.now() / 1000;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: stored.kid, typ: "JWT" })
      .setSubject(subject)
      .setIssuer("password-service")
      .setAudience("password-service")
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .sign(key);
    this.secrets.push(token);
    return token;
  }

  /** Locks, unlocks or removes a user as `user lock|unlock|remove` does, without a process of its own. */
  async setUserState(userId: string, state: "active" | "locked" | "deleted"): Promise<void> {
    await (await this.store()).users.setUserState(userId, state, cliContext());
  }

  /** The user's row as stored, read straight from the database. */
  userRow(userId: string) {
    return this.database.userRow(userId);
  }

  events(userId: string) {
    return this.database.events(userId);
  }

  /**
   * Stops the server (a process by SIGTERM), checks that no secret leaked
   * into its logs or the database, and drops its database if it is its own.
   */
  async stop(): Promise<void> {
    const wasServing = this.serving;
    await (await this.opened)?.store.close();
    await this.running.close();
    try {
      if (wasServing) await assertNoSecretsLeaked(this.database, this.logs, this.secrets);
    } finally {
      if (this.ownsDatabase) await this.database.drop();
    }
  }

  /** Stops serving (a process by SIGTERM) and keeps the database, for a server started again on it. */
  close(): Promise<void> {
    return this.running.close();
  }

  /** A spawned server's process. */
  get process(): ChildProcess {
    if (!this.running.child) throw new Error("this server runs in the test's own process: start it with Service.spawn");
    return this.running.child;
  }

  get pid(): number {
    return this.process.pid!;
  }

  /** Sends a spawned server `signal` and waits for the exit; the exit code, or null if killed by the signal. */
  terminate(signal: NodeJS.Signals): Promise<number | null> {
    return terminate(this.process, signal);
  }
}

function safeJson(line: string): any {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
