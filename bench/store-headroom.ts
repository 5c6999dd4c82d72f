/**
 * `npm run bench -- --only signin-pg --postgres URL`: how many sign-ins a
 * second one process does on PostgreSQL with hashing at bcrypt's lowest
 * cost, so that the store and the process, not bcrypt, are what is
 * measured; and how far that lies above a large machine's bcrypt bound.
 * See docs/performance.md.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import bcrypt from "bcrypt";
import pg from "pg";
import { runNode, seed, startServer, usage } from "./servers.js";
import type { LoadResult } from "./shared.js";

/** bcrypt's lowest cost: a verify of well under a millisecond. */
const STORE_COST = 4;
/** The large machine of the projection: its cores, and the cost it hashes at. */
export const PROJECTION = { cores: 64, cost: 12 };

export interface StoreHeadroom {
  cost: number;
  concurrency: number;
  /** Each run's sign-ins a second, and their median. */
  runs: number[];
  okPerSecond: number;
  /** CPU per sign-in: the service's process (every thread), and the database's backends serving it (undefined if they cannot be read). */
  serverCpuMs: number;
  postgresCpuMs?: number;
  generatorCpu: number;
  errors: number;
  /** One verify at the projection's cost on this machine, and what its cores would do of them a second. */
  projectionVerifyMs: number;
  projectedVerifiesPerSecond: number;
  headroom: number;
}

/**
 * Sign-ins at saturation (concurrency `concurrency`, the lean REST client:
 * at this cost connect-es's clients would cost the generator more than the
 * server) on a database of its own, created in the cluster `adminUrl` names
 * and dropped after; `runs` runs of `seconds`, the median counted.
 */
export async function storeHeadroom(adminUrl: string, runs: number, seconds: number, concurrency: number, log: (m: string) => void): Promise<StoreHeadroom> {
  const name = `ps_bench_${randomBytes(6).toString("hex")}`;
  await admin(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    log(`signin-pg: seeding ${name} ...`);
    const seeded = await seed(1000, STORE_COST, url.toString());
    const server = await startServer(seeded, STORE_COST);
    try {
      const job = {
        baseUrl: server.baseUrl,
        protocol: "rest",
        request: "signin",
        concurrency,
        lean: true,
        usersFile: seeded.usersFile,
        loginToken: seeded.loginToken,
      };
      await runNode<LoadResult>("load.ts", [JSON.stringify({ ...job, seconds: 2 })]);
      const backends = await backendPids(url.toString(), name);
      const measured = [];
      for (let run = 0; run < runs; run++) {
        const before = { server: usage(server.pid).cpuSeconds, postgres: cpuOf(backends) };
        const r = await runNode<LoadResult>("load.ts", [JSON.stringify({ ...job, seconds })]);
        const after = { server: usage(server.pid).cpuSeconds, postgres: cpuOf(backends) };
        const per = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : ((b - a) * 1000) / Math.max(1, r.ok));
        measured.push({ r, serverCpuMs: per(before.server, after.server)!, postgresCpuMs: per(before.postgres, after.postgres) });
        log(`signin-pg: ${r.okPerSecond.toFixed(0)}/s, codes ${JSON.stringify(r.codes)}, server CPU ${measured.at(-1)!.serverCpuMs.toFixed(2)} ms a sign-in`);
      }
      measured.sort((a, b) => a.r.okPerSecond - b.r.okPerSecond);
      const middle = measured[Math.floor(measured.length / 2)];
      fs.rmSync(seeded.dataDir, { recursive: true, force: true });
      const projectionVerifyMs = await verifyMs(PROJECTION.cost);
      const projectedVerifiesPerSecond = (PROJECTION.cores * 1000) / projectionVerifyMs;
      return {
        cost: STORE_COST,
        concurrency,
        runs: measured.map((m) => m.r.okPerSecond),
        okPerSecond: middle.r.okPerSecond,
        serverCpuMs: middle.serverCpuMs,
        postgresCpuMs: middle.postgresCpuMs,
        generatorCpu: middle.r.generatorCpu,
        errors: measured.reduce((sum, m) => sum + m.r.requests - m.r.ok, 0),
        projectionVerifyMs,
        projectedVerifiesPerSecond,
        headroom: middle.r.okPerSecond / projectedVerifiesPerSecond,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await admin(adminUrl, `drop database if exists ${name} with (force)`);
  }
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The backends connected to the database: the service's pool, once the warm-up has opened it. */
async function backendPids(url: string, database: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query("select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [database]);
    return rows.map((row) => Number(row.pid));
  } finally {
    await client.end();
  }
}

/** CPU seconds of these processes, or undefined when one cannot be read (a database on another machine). */
function cpuOf(pids: number[]): number | undefined {
  try {
    return pids.reduce((sum, pid) => sum + usage(pid).cpuSeconds, 0);
  } catch {
    return undefined;
  }
}

/** The median of a few verifies at `cost`, in this process with nothing else of its own running. */
async function verifyMs(cost: number): Promise<number> {
  const password = "Projection-Passw0rd-1!";
  const hash = await bcrypt.hash(password, cost);
  const samples = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await bcrypt.compare(password, hash);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[2];
}
