/**
 * The load generator: a process of its own, so that its CPU is not the
 * server's, and so that it can report what it used. Reads a job as JSON
 * from argv, prints its result as JSON on stdout.
 */
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { AuthService } from "../gen/zitadel/auth_pb.js";
import { type BenchUser, type Job, type LoadResult, passwordFor, type Protocol, type Request } from "./shared.js";

const REST_CODE: Record<number, Code> = { 400: Code.InvalidArgument, 401: Code.Unauthenticated, 409: Code.Aborted, 429: Code.ResourceExhausted, 500: Code.Internal, 503: Code.Unavailable };

function transportFor(protocol: Exclude<Protocol, "rest">, baseUrl: string): Transport {
  if (protocol === "grpc") return createGrpcTransport({ baseUrl });
  if (protocol === "grpcweb") return createGrpcWebTransport({ baseUrl, httpVersion: "1.1" });
  return createConnectTransport({ baseUrl, httpVersion: "1.1" });
}

type Call = (token: string, oldPassword: string, newPassword: string) => Promise<Code | 0>;

function caller(job: Job): Call {
  if (job.protocol === "rest") {
    const url = `${job.baseUrl}/auth/v1/users/me/password`;
    return async (token, oldPassword, newPassword) => {
      const res = await fetch(url, {
        method: "PUT",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ oldPassword, newPassword }),
      });
      await res.arrayBuffer();
      return res.status === 200 ? 0 : (REST_CODE[res.status] ?? Code.Unknown);
    };
  }
  const client = createClient(AuthService, transportFor(job.protocol, job.baseUrl));
  return async (token, oldPassword, newPassword) => {
    try {
      await client.updateMyPassword({ oldPassword, newPassword }, { headers: { authorization: `Bearer ${token}` } });
      return 0;
    } catch (err) {
      return ConnectError.from(err).code;
    }
  };
}

/** Hands out users so that no user has two changes in flight. */
class UserPool {
  private readonly free: BenchUser[];
  constructor(users: BenchUser[]) {
    this.free = [...users];
  }
  take(): BenchUser | undefined {
    return this.free.pop();
  }
  give(user: BenchUser): void {
    this.free.unshift(user);
  }
}

async function run(job: Job): Promise<LoadResult> {
  const users = JSON.parse(fs.readFileSync(job.usersFile, "utf8")) as BenchUser[];
  const pool = new UserPool(users);
  const call = caller(job);
  const latencies: number[] = [];
  const codes: Record<string, number> = {};
  let starved = 0;

  const once = async (): Promise<boolean> => {
    const user = pool.take();
    if (!user) return false;
    const started = performance.now();
    const [token, oldPassword, newPassword] = requestFor(job.request, user);
    const code = await call(token, oldPassword, newPassword).catch(() => Code.Unknown);
    latencies.push(performance.now() - started);
    codes[Code[code] ?? "OK"] = (codes[Code[code] ?? "OK"] ?? 0) + 1;
    if (code === 0 && job.request === "change") user.generation++;
    pool.give(user);
    return true;
  };

  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  if (job.ratePerSecond) {
    const inFlight: Promise<unknown>[] = [];
    const interval = 1000 / job.ratePerSecond;
    for (let next = started; next < deadline; next += interval) {
      await sleepUntil(next);
      const p = once().then((sent) => sent || starved++);
      inFlight.push(p);
    }
    await Promise.all(inFlight);
  } else {
    await Promise.all(
      Array.from({ length: job.concurrency ?? 1 }, async () => {
        while (performance.now() < deadline) if (!(await once())) break;
      }),
    );
  }
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  if (job.request === "change") fs.writeFileSync(job.usersFile, JSON.stringify(users));

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  const ok = codes.OK ?? 0;
  return {
    requests: latencies.length,
    ok,
    codes,
    perSecond: latencies.length / wall,
    okPerSecond: ok / wall,
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    generatorCpu: (cpu.user + cpu.system) / 1e6 / wall,
    starved,
  };
}

/** What each kind of request sends: a change, or one refused before any hash. */
function requestFor(request: Request, user: BenchUser): [string, string, string] {
  const current = passwordFor(user.generation);
  if (request === "bad-token") return ["not-a-token", current, passwordFor(user.generation + 1)];
  if (request === "invalid-body") return [user.token, current, ""];
  return [user.token, current, passwordFor(user.generation + 1)];
}

function sleepUntil(t: number): Promise<void> {
  const wait = t - performance.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}

run(JSON.parse(process.argv[2]) as Job).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
