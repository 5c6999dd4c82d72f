/** What the benchmark's orchestrator and its load generator agree on. */
import fs from "node:fs";
import path from "node:path";

/** Whether this runs as `npm run build` compiled it (dist/bench/), not through tsx. */
export const COMPILED = import.meta.filename.endsWith(".js");
/** The repository's root, from bench/ or from dist/bench/. */
export const ROOT = path.resolve(import.meta.dirname, COMPILED ? "../.." : "..");

export type Protocol = "grpc" | "grpcweb" | "connect" | "rest";
/** A change, one refused before any hash, or a sign-in with the user's password or a wrong one. */
export type Request = "change" | "bad-token" | "invalid-body" | "locked" | "signin" | "wrong-password";

export interface Job {
  baseUrl: string;
  protocol: Protocol;
  request: Request;
  /** Closed loop: this many requests in flight. */
  concurrency?: number;
  /** Open loop: this many requests started per second, whatever comes back. */
  ratePerSecond?: number;
  /** Lean clients of the wire protocol (HTTP/1.1 by hand, node:http2) instead of connect-es's and fetch. */
  lean?: boolean;
  seconds: number;
  /** Closed loop only: a run of this many seconds first, on the same connections, that is not counted. */
  warmupSeconds?: number;
  /** The server's process: its CPU over the counted seconds is reported as serverCpuSeconds. */
  serverPid?: number;
  /**
   * JSON file of BenchUser[]; change requests update it as passwords change.
   * A user's requests go one at a time, so a user listed N times is N clients.
   */
  usersFile: string;
  /** For sign-ins: a login application's token (the role password-service:login-client). */
  loginToken?: string;
}

export interface BenchUser {
  userId: string;
  token: string;
  /** The password is passwordFor(generation). */
  generation: number;
}

export interface LoadResult {
  requests: number;
  ok: number;
  /** Answers by gRPC code name (REST statuses are mapped back to codes). */
  codes: Record<string, number>;
  perSecond: number;
  okPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Load generator CPU seconds per wall second: above ~0.8 it is the bottleneck. */
  generatorCpu: number;
  /** The server's CPU (every thread) over the counted seconds, when the job named its process. */
  serverCpuSeconds?: number;
  /** The same, by kind of thread. */
  serverThreads?: ThreadCpu;
  /** Open loop only: requests not sent for want of a user not already in flight. */
  starved: number;
}

export const passwordFor = (generation: number) => `Bench-Passw0rd-${generation}!`;

/** A process's or a thread's /proc stat fields after the name: utime and stime in USER_HZ (100 on Linux) are 11 and 12, nice is 16. */
function statOf(file: string): string[] {
  return fs.readFileSync(file, "utf8").split(") ")[1].split(" ");
}

const cpuOfStat = (stat: string[]) => (Number(stat[11]) + Number(stat[12])) / 100;

/** A process's CPU (every thread), from /proc. */
export function cpuSecondsOf(pid: number): number {
  return cpuOfStat(statOf(`/proc/${pid}/stat`));
}

/**
 * A server's CPU seconds by kind of thread: the event loop's (the main
 * thread), the thread pool's where bcrypt runs (the bin sets those threads
 * to nice 19, and nothing else), and the rest (V8's compiler and garbage
 * collector; better-sqlite3 runs on the event loop).
 */
export interface ThreadCpu {
  main: number;
  pool: number;
  other: number;
}

export function threadCpuOf(pid: number): ThreadCpu {
  const cpu: ThreadCpu = { main: 0, pool: 0, other: 0 };
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    const stat = statOf(`/proc/${pid}/task/${tid}/stat`);
    const kind = tid === String(pid) ? "main" : stat[16] === "19" ? "pool" : "other";
    cpu[kind] += cpuOfStat(stat);
  }
  return cpu;
}
