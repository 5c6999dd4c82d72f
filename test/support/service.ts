import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import SQLite from "better-sqlite3";
import { assertNoSecretsLeaked } from "./secrets.js";

export const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "bin/password-service.cjs");

/** Environment for every process a test starts: a low bcrypt cost keeps the suite fast. */
export function testEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? os.tmpdir(),
    DATA_DIR: dataDir,
    BCRYPT_COST: "4",
    HOST: "127.0.0.1",
    // Off unless a test asks: services started side by side would all want port 9464.
    METRICS_PORT: "0",
    ...extra,
  };
}

export function tempDir(prefix = "ps-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `password-service ARGS` as its own process. */
export function cli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd: ROOT }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function cliOk(args: string[], env: Record<string, string>): Promise<string> {
  const result = await cli(args, env);
  if (result.code !== 0) throw new Error(`password-service ${args[0]} failed (${result.code}): ${result.stderr}`);
  return result.stdout.trim();
}

export interface TestUser {
  userId: string;
  resourceOwner: string;
  password: string;
  token: string;
}

/** A running server process on a free loopback port, with its own DATA_DIR. */
export class Service {
  /** Passwords and tokens this test handed the server: none may leak (checked on stop). */
  readonly secrets: string[] = [];

  private constructor(
    readonly process: ChildProcess,
    readonly port: number,
    readonly env: Record<string, string>,
    /** Every line the server wrote, stdout and stderr, as it goes. */
    readonly logs: string[],
  ) {}

  static async start(extraEnv: Record<string, string> = {}, dataDir = tempDir()): Promise<Service> {
    const env = testEnv(dataDir, { PORT: "0", ...extraEnv });
    const child = spawn(process.execPath, [BIN, "serve"], { env, cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const logs: string[] = [];
    createInterface({ input: child.stderr! }).on("line", (line) => logs.push(line));
    const port = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on("line", (line) => {
        logs.push(line);
        const entry = safeJson(line);
        if (entry?.msg?.startsWith("listening on")) resolve(entry.port);
      });
      child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${logs.join("\n")}`)));
    });
    return new Service(child, port, env, logs);
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

  async createUser(password = "Initial-Passw0rd!", extraArgs: string[] = []): Promise<TestUser> {
    const username = `user-${Math.random().toString(36).slice(2, 10)}`;
    const args = ["user", "create", "--username", username, "--json", ...extraArgs];
    const out = await cliOk(password ? [...args, "--password", password] : args, this.env);
    const created = JSON.parse(out) as { userId: string; resourceOwner: string };
    this.secrets.push(password);
    return { ...created, password, token: await this.token(created.userId) };
  }

  async token(userId: string, ttl = "15m"): Promise<string> {
    const token = await cliOk(["token", "issue", "--user", userId, "--ttl", ttl], this.env);
    this.secrets.push(token);
    return token;
  }

  /** The user's row as stored, read straight from the database file. */
  userRow(userId: string): { password_hash: string | null; sequence: number; failed_attempts: number; state: string } {
    const db = new SQLite(path.join(this.dataDir, "password-service.db"), { readonly: true });
    try {
      return db.prepare("select password_hash, sequence, failed_attempts, state from users where id = ?").get(userId) as never;
    } finally {
      db.close();
    }
  }

  events(userId: string): { sequence: number; type: string }[] {
    const db = new SQLite(path.join(this.dataDir, "password-service.db"), { readonly: true });
    try {
      return db.prepare("select sequence, type from events where user_id = ? order by sequence").all(userId) as never;
    } finally {
      db.close();
    }
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once("exit", resolve));
    this.process.kill("SIGTERM");
    await exited;
    assertNoSecretsLeaked(this.dataDir, this.logs, this.secrets);
  }
}

function safeJson(line: string): any {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
