/** The benchmark's seeded databases, its server processes and its helper processes: shared by run.ts and profile.ts. */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import bcrypt from "bcrypt";
import { loadConfig } from "../src/config.js";
import { LOGIN_CLIENT_ROLE } from "../src/core/roles.js";
import { createIssuer } from "../src/crypto/tokens.js";
import { openStore } from "../src/store/open-store.js";
import { seedUsers } from "./seed-users.js";
import { type BenchUser, COMPILED, cpuSecondsOf, passwordFor, ROOT } from "./shared.js";

/** Runs a file of this folder as its own Node process and returns the JSON it prints. */
export function runNode<T>(file: string, args: string[], env: Record<string, string> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    // As this process runs: compiled (a tenth of a second to start), or through tsx.
    const script = path.join(import.meta.dirname, COMPILED ? file.replace(/\.ts$/, ".js") : file);
    const child = spawn(process.execPath, [...(COMPILED ? [] : ["--import", "tsx"]), script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`${file} exited ${code}`))));
  });
}

export interface Seeded {
  dataDir: string;
  /** A PostgreSQL database's URL; without it the database is SQLite's, in dataDir. */
  databaseUrl?: string;
  usersFile: string;
  lockedFile: string;
  /** One more user, FLOOD_CLIENTS times: wrong passwords are tried on it, by that many clients at once. */
  floodFile: string;
  /** A login application's token, for sign-ins. */
  loginToken: string;
}

/** How many clients at once guess a password in the sign-in section's flood. */
export const FLOOD_CLIENTS = 8;

/**
 * A database of `count` users (and 200 locked ones, and one for the flood),
 * with tokens for those the load uses: SQLite's in a new folder, or the
 * PostgreSQL database `databaseUrl` names.
 */
export async function seed(count: number, cost: number, databaseUrl?: string): Promise<Seeded> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-data-"));
  const { config } = loadConfig({ DATA_DIR: dataDir, BCRYPT_COST: String(cost), ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
  const store = await openStore(config);
  const hash = await bcrypt.hash(passwordFor(0), cost);
  const userIds = await seedUsers(store.db, "bench", count, hash);
  const lockedIds = await seedUsers(store.db, "locked", 200, hash);
  for (const id of lockedIds) await store.users.setUserState(id, "locked", { userAgent: "password-service-bench" });
  const [victim] = await seedUsers(store.db, "victim", 1, hash);
  const [loginApp] = await seedUsers(store.db, "login-app", 1, hash);
  const loginOrg = (await store.userAdmin.findUser({ id: loginApp }))!.orgId;
  const issuer = await createIssuer(config.auth, store.signingKeys);
  await store.close();
  const loginToken = await issuer.issue(loginApp, "2h", { [LOGIN_CLIENT_ROLE]: [loginOrg] });
  const withTokens = async (ids: string[]): Promise<BenchUser[]> =>
    Promise.all(ids.map(async (userId) => ({ userId, token: await issuer.issue(userId, "2h"), generation: 0 })));
  // The load only ever needs as many users as it has requests in flight.
  const usersFile = path.join(dataDir, "users.json");
  const lockedFile = path.join(dataDir, "locked.json");
  const floodFile = path.join(dataDir, "flood.json");
  fs.writeFileSync(usersFile, JSON.stringify(await withTokens(userIds.slice(0, 2000))));
  fs.writeFileSync(lockedFile, JSON.stringify(await withTokens(lockedIds)));
  fs.writeFileSync(floodFile, JSON.stringify(await withTokens(Array(FLOOD_CLIENTS).fill(victim))));
  return { dataDir, databaseUrl, usersFile, lockedFile, floodFile, loginToken };
}

export interface Server {
  pid: number;
  baseUrl: string;
  stop(): Promise<void>;
}

/** Servers still running, stopped with this process whatever ends it. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** CPU seconds and resident memory of a process, from /proc. */
export function usage(pid: number): { cpuSeconds: number; rssMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return { cpuSeconds: cpuSecondsOf(pid), rssMb: Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024 };
}

/** The floor server's two listeners: h2c for gRPC, HTTP/1.1 for REST, gRPC-Web and Connect. */
export interface Floor {
  pid: number;
  grpcUrl: string;
  http1Url: string;
  stop(): Promise<void>;
}

/** Starts bench/floor-server.cjs: one bcrypt verify a request and nothing else. */
export async function startFloor(cost: number): Promise<Floor> {
  const child = spawn(process.execPath, [path.join(ROOT, "bench/floor-server.cjs"), String(cost)], { stdio: ["ignore", "pipe", "inherit"] });
  running.add(child);
  child.once("exit", () => running.delete(child));
  const [line] = (await once(child.stdout!, "data")) as [Buffer];
  const { grpc, http1 } = JSON.parse(line.toString()) as { grpc: string; http1: string };
  return { pid: child.pid!, grpcUrl: grpc, http1Url: http1, stop: () => stopChild(child) };
}

/** Where a server keeps its data: a seeded database's. */
export type DataOf = Pick<Seeded, "dataDir" | "databaseUrl">;

/**
 * The server writes its log to a file in its data folder: read through a
 * pipe, each line would cost this process CPU that the server and the load
 * generator need. No metrics listener, so that two servers can run at once.
 * `nodeOptions` go to Node before the script (a profiler's, say).
 */
export async function startServer({ dataDir, databaseUrl }: DataOf, cost: number, nodeOptions: string[] = []): Promise<Server> {
  const logFile = path.join(dataDir, `server-${Date.now()}.log`);
  const out = fs.openSync(logFile, "w");
  const database = databaseUrl ? { DATABASE_URL: databaseUrl } : {};
  const child = spawn(process.execPath, [...nodeOptions, path.join(ROOT, "bin/password-service.cjs"), "serve"], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, ...database, BCRYPT_COST: String(cost), PORT: "0", HOST: "127.0.0.1", METRICS_PORT: "0" },
    stdio: ["ignore", out, "inherit"],
  });
  fs.closeSync(out);
  running.add(child);
  let exited = false;
  child.once("exit", () => {
    exited = true;
    running.delete(child);
  });
  for (;;) {
    const port = /"port":(\d+).*listening/.exec(fs.readFileSync(logFile, "utf8"))?.[1];
    if (port) {
      return {
        pid: child.pid!,
        baseUrl: `http://127.0.0.1:${port}`,
        stop: () => stopChild(child),
      };
    }
    if (exited) throw new Error(`server exited ${child.exitCode}; see ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    child.once("exit", () => done());
    child.kill("SIGTERM");
  });
}
