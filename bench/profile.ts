/**
 * `npm run bench:profile -- --request locked --protocol grpc`: where the
 * server's main thread spends its time under one kind of load (a change, a
 * sign-in, or one of the refusals), and its CPU per request. It seeds a
 * database as the benchmark does, starts the server under V8's CPU profiler,
 * drives it at concurrency 32 with the lean clients, and prints the self time
 * per request by package and by function, counting only the samples taken
 * while the load ran (start-up and shutdown left out). docs/performance.md
 * quotes its figures.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { runNode, seed, startServer, usage } from "./servers.js";
import { type LoadResult, type Protocol, type Request, ROOT } from "./shared.js";

const REQUESTS: Request[] = ["change", "signin", "bad-token", "invalid-body", "locked"];
/** The protocols, each through its lean client (bench/load.ts). */
const PROTOCOLS: Protocol[] = ["grpc", "grpcweb", "connect", "rest"];

const { values: opts } = parseArgs({
  options: {
    request: { type: "string", default: "change" },
    protocol: { type: "string", default: "rest" },
    seconds: { type: "string", default: "10" },
    cost: { type: "string", default: "10" },
    top: { type: "string", default: "25" },
  },
});
const request = opts.request as Request;
const protocol = opts.protocol as Protocol;
if (!REQUESTS.includes(request) || !PROTOCOLS.includes(protocol)) {
  process.stderr.write(`usage: --request ${REQUESTS.join("|")} --protocol ${PROTOCOLS.join("|")} [--seconds 10] [--cost 10] [--top 25]\n`);
  process.exit(2);
}
const seconds = Number(opts.seconds);
const top = Number(opts.top);

/** The parts of V8's .cpuprofile read here. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

type CallFrame = CpuProfile["nodes"][number]["callFrame"];

/** Microseconds of CLOCK_MONOTONIC, the clock V8 stamps its samples with on Linux. */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

const seeded = await seed(200, Number(opts.cost));
const profileDir = path.join(seeded.dataDir, "profile");
const server = await startServer(seeded, Number(opts.cost), ["--cpu-prof", `--cpu-prof-dir=${profileDir}`]);
const job = {
  baseUrl: server.baseUrl,
  protocol,
  request,
  concurrency: 32,
  lean: true,
  seconds,
  usersFile: request === "locked" ? seeded.lockedFile : seeded.usersFile,
  loginToken: seeded.loginToken,
};
const from = monotonicUs();
const cpuBefore = usage(server.pid).cpuSeconds;
const result = await runNode<LoadResult>("load.ts", [JSON.stringify(job)]);
const serverCpuMs = ((usage(server.pid).cpuSeconds - cpuBefore) * 1000) / result.requests;
const to = monotonicUs();
await server.stop(); // the profile is written as the server exits
const profile = JSON.parse(fs.readFileSync(path.join(profileDir, fs.readdirSync(profileDir)[0]), "utf8")) as CpuProfile;
fs.rmSync(seeded.dataDir, { recursive: true, force: true });

// Self time of each sampled node while the load ran.
const selfUs = new Map<number, number>();
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i];
  if (at >= from && at <= to) selfUs.set(id, (selfUs.get(id) ?? 0) + profile.timeDeltas[i]);
});
const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, us] of selfUs) {
  const frame = frames.get(id)!;
  add(byPackage, packageOf(frame), us);
  add(byFunction, frame.url === "" ? packageOf(frame) : `${frame.functionName || "(anonymous)"} ${where(frame)}:${frame.lineNumber + 1}`, us);
}
const sampledUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

const answered = Object.entries(result.codes)
  .map(([code, count]) => `${code} ${count}`)
  .join(", ");
console.log(
  `${result.requests} ${request} requests over ${protocol} in ${seconds} s (${answered}); ${(sampledUs / 1000).toFixed(0)} ms of the main thread sampled, ${(sampledUs / result.requests).toFixed(1)} µs a request`,
);
// Every thread's (bcrypt's on the pool among them), the profiler's own cost included.
console.log(`server CPU, every thread (from /proc): ${serverCpuMs.toFixed(2)} ms a request`);
console.log(`\nself time a request, by package:\n${table(byPackage)}`);
console.log(`\nself time a request, by function:\n${table(byFunction)}`);

function add(totals: Map<string, number>, key: string, us: number): void {
  totals.set(key, (totals.get(key) ?? 0) + us);
}

/** A file as a reader would name it: a package's path, Node's module, or this repository's source. */
function where(frame: CallFrame): string {
  return frame.url
    .replace(/^file:\/\//, "")
    .replace(/.*\/node_modules\//, "")
    .replace(`${ROOT}/dist/`, "")
    .replace(`${ROOT}/`, "");
}

/** The npm package, Node's part (`node:internal`, `node:events`, …), this service (`src`), or V8's own entries such as `(garbage collector)`. */
function packageOf(frame: CallFrame): string {
  if (frame.url === "") return frame.functionName.startsWith("(") ? frame.functionName : `(${frame.functionName})`;
  if (frame.url.includes("/node_modules/")) {
    const [first, second] = where(frame).split("/");
    return first.startsWith("@") ? `${first}/${second}` : first;
  }
  if (frame.url.startsWith("node:")) return frame.url.split("/")[0];
  return where(frame).split("/")[0];
}

function table(totals: Map<string, number>): string {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => `${(us / result.requests).toFixed(1).padStart(9)} µs ${((100 * us) / sampledUs).toFixed(1).padStart(5)} %  ${name}`)
    .join("\n");
}
