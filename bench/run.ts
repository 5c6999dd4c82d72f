/**
 * `npm run bench`: the service against the machine's bcrypt limit.
 * See docs/performance.md. `--quick` runs every section briefly at a
 * low cost, to prove the benchmark works (npm test does that).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { type Job, type LoadResult, type Protocol, ROOT } from "./shared.js";
import { importBench, importMarkdown } from "./import.js";
import { PROJECTION, type StoreHeadroom, storeHeadroom } from "./store-headroom.js";
import { FLOOD_CLIENTS, runNode, type Seeded, type Server, seed, startFloor, startServer, usage } from "./servers.js";

const { values: opts } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    cost: { type: "string" },
    seconds: { type: "string" },
    out: { type: "string" },
    "large-users": { type: "string" },
    runs: { type: "string" },
    only: { type: "string" },
    postgres: { type: "string" },
  },
});
const quick = opts.quick!;
const cost = Number(opts.cost ?? (quick ? 4 : 10));
const seconds = Number(opts.seconds ?? (quick ? 1 : 10));
const outDir = path.resolve(opts.out ?? (quick ? fs.mkdtempSync(path.join(os.tmpdir(), "bench-")) : path.join(ROOT, "bench/results")));
const cores = os.availableParallelism();
const smallUsers = 1000;
const largeUsers = Number(opts["large-users"] ?? (quick ? 20_000 : 1_000_000));
/** Each section runs this many times; the report gives each figure's median and range. */
const runs = Number(opts.runs ?? (quick ? 1 : 3));
const PROTOCOLS: Protocol[] = ["grpc", "grpcweb", "connect", "rest"];
const SECTIONS = ["throughput", "idle", "cheap", "responsiveness", "overload", "signin", "size", "signin-pg"] as const;
/** `--only idle,cheap`: some sections, for tuning one thing; the log shows them, nothing is written. `--only import` is the import's own. */
const only = opts.only?.split(",");
const wanted = (section: (typeof SECTIONS)[number]) => !only || only.includes(section);
const CONCURRENCY = quick ? [1, 2 * cores] : [1, 2 * cores, 16 * cores];
/** The throughput runs' highest concurrency: what every section calls saturated. */
const SATURATED = CONCURRENCY.at(-1)!;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

const load = (job: Omit<Job, "seconds" | "usersFile"> & Partial<Job>, usersFile: string) =>
  runNode<LoadResult>("load.ts", [JSON.stringify({ seconds, usersFile, ...job })]);

interface Bound {
  pairsPerSecond: number;
  opMs: number;
  /** CPU (every thread) of one verify-plus-hash pair. */
  pairCpuMs: number;
}

/**
 * Every measurement of the bound, in order. The machine's speed drifts by a
 * few percent from minute to minute, so the bound is measured again after
 * each group of runs, and their ratios are taken against the mean of the
 * measurements just before and just after them.
 */
const bounds: Bound[] = [];

async function measureBound(): Promise<Bound> {
  const bound = await runNode<Bound>("bound.ts", [String(cost), String(seconds)], { UV_THREADPOOL_SIZE: String(cores) });
  bounds.push(bound);
  log(`bound: ${bound.pairsPerSecond.toFixed(1)} pairs/s, one operation ${bound.opMs.toFixed(1)} ms`);
  return bound;
}

/** Runs `measure` between the last bound and a new one; returns the mean of the two with its result. */
async function bracketed<T>(measure: () => Promise<T>): Promise<{ result: T; boundPerSecond: number; opMs: number; pairCpuMs: number }> {
  const before = bounds.at(-1)!;
  const result = await measure();
  const after = await measureBound();
  const mean = (key: keyof Bound) => (before[key] + after[key]) / 2;
  return { result, boundPerSecond: mean("pairsPerSecond"), opMs: mean("opMs"), pairCpuMs: mean("pairCpuMs") };
}

/** A server on a seeded database, as most sections use it. */
interface Context {
  small: Seeded;
  server: Server;
}

interface Throughput extends LoadResult {
  ratio: number;
  boundPerSecond: number;
  /** The server's CPU (every thread, from /proc) per change, and as a multiple of one pair's. */
  serverCpuMsPerChange: number;
  cpuRatio: number;
}

async function throughput({ small, server }: Context) {
  const results: Record<string, Throughput> = {};
  for (const protocol of PROTOCOLS) {
    const {
      result: runs,
      boundPerSecond,
      pairCpuMs,
    } = await bracketed(async () => {
      const runs: [number, LoadResult, number][] = [];
      for (const concurrency of CONCURRENCY) {
        const before = usage(server.pid).cpuSeconds;
        const r = await load({ baseUrl: server.baseUrl, protocol, request: "change", concurrency }, small.usersFile);
        runs.push([concurrency, r, ((usage(server.pid).cpuSeconds - before) * 1000) / Math.max(1, r.ok)]);
      }
      return runs;
    });
    for (const [concurrency, r, serverCpuMsPerChange] of runs) {
      const ratio = r.okPerSecond / boundPerSecond;
      const cpuRatio = serverCpuMsPerChange / pairCpuMs;
      results[`${protocol}@${concurrency}`] = { ...r, ratio, boundPerSecond, serverCpuMsPerChange, cpuRatio };
      log(
        `${protocol} c=${concurrency}: ${r.okPerSecond.toFixed(1)}/s (${ratio.toFixed(2)} of bound), p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms, ` +
          `server CPU ${serverCpuMsPerChange.toFixed(1)} ms a change (${cpuRatio.toFixed(3)} x a pair's ${pairCpuMs.toFixed(1)} ms)`,
      );
    }
  }
  return results;
}

/**
 * How a sign-in run loads the server: the lean clients, which cost the
 * generator's process about 0.5 to 1.4 ms of CPU a sign-in at cost 10
 * where connect-es's gRPC client costs about 3.4 (on the same two cores, every
 * millisecond of it is taken from the hashes), after a second of warm-up
 * that is not counted, and with the server's CPU read over the counted
 * seconds only.
 */
const SIGN_IN_LOAD = { request: "signin", lean: true, warmupSeconds: 1 } as const;

/**
 * Sign-ins on every protocol before the section's first round, three runs'
 * length each, not counted. At the verify bound's few dozen requests a
 * second V8 takes a minute or more to optimise the code a sign-in runs:
 * over eight 10 s windows of gRPC-Web sign-ins on a new server, its
 * compiler threads went from 124 to 41 functions compiled a window and
 * the event loop from 4.8 to 2.9 ms a sign-in. A server in service has
 * long since done that; the section measures one that has too.
 */
async function warmSignIns({ small, server }: Context): Promise<void> {
  for (const protocol of PROTOCOLS) {
    const job = { ...SIGN_IN_LOAD, protocol, concurrency: SATURATED, loginToken: small.loginToken, baseUrl: server.baseUrl, seconds: 3 * seconds };
    const r = await load(job, small.usersFile);
    // A warm-up of refusals would warm the wrong code.
    if (r.requests - r.ok > 0) throw new Error(`sign-in warm-up over ${protocol}: ${JSON.stringify(r.codes)}`);
  }
}

/**
 * One protocol's sign-ins at saturation. The server's CPU a sign-in is also
 * split by thread: the thread pool's (bcrypt) as a multiple of one verify's
 * CPU in the bound, and the event loop's and the other threads' in ms; what
 * is not bcrypt is what keeps the ratio below 1 on a machine whose every
 * core hashes.
 */
interface SignInResult {
  okPerSecond: number;
  ratio: number;
  p50Ms: number;
  p99Ms: number;
  cpuRatio: number;
  poolRatio: number;
  mainMs: number;
  otherMs: number;
  /** The load generator's CPU a sign-in, in ms: on the same cores, it is taken from the hashes too. */
  generatorMs: number;
  errors: number;
  /** The floor server's sign-ins a second, and its share of the same verify bound. */
  floorPerSecond: number;
  floorRatio: number;
  /** The floor's event loop a sign-in, in ms: what reading a request and answering it costs any Node server here. */
  floorMainMs: number;
}

/**
 * Sign-ins (CreateSession with user and password) at saturation on every
 * protocol, against the verify bound: a sign-in is one bcrypt verify, so its
 * bound is twice the pair bound, measured just before and after. Beside each
 * protocol's run, in the same bracket, the floor's (bench/floor-server.cjs:
 * one verify a request and nothing else) under the same load. Then an idle
 * sign-in against one verify, the server's CPU per sign-in against one
 * verify's (half a pair's), and a flood of wrong passwords on one user
 * beside the others' sign-ins.
 */
async function signIn(context: Context) {
  const { small, server } = context;
  const floor = await startFloor(cost);
  const results: Record<string, SignInResult> = {};
  for (const protocol of PROTOCOLS) {
    const job = { ...SIGN_IN_LOAD, protocol, concurrency: SATURATED, loginToken: small.loginToken };
    const floorUrl = protocol === "grpc" ? floor.grpcUrl : floor.http1Url;
    const { result, boundPerSecond, pairCpuMs } = await bracketed(async () => ({
      r: await load({ ...job, baseUrl: server.baseUrl, serverPid: server.pid }, small.usersFile),
      floor: await load({ ...job, baseUrl: floorUrl, serverPid: floor.pid }, small.usersFile),
    }));
    const { r } = result;
    const verifyCpuMs = pairCpuMs / 2;
    const perSignIn = (cpuSeconds: number, run = r) => (cpuSeconds * 1000) / Math.max(1, run.ok);
    const s: SignInResult = {
      okPerSecond: r.okPerSecond,
      ratio: r.okPerSecond / (2 * boundPerSecond),
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      cpuRatio: perSignIn(r.serverCpuSeconds!) / verifyCpuMs,
      poolRatio: perSignIn(r.serverThreads!.pool) / verifyCpuMs,
      mainMs: perSignIn(r.serverThreads!.main),
      otherMs: perSignIn(r.serverThreads!.other),
      generatorMs: (r.generatorCpu * 1000) / Math.max(1, r.okPerSecond),
      errors: r.requests - r.ok + result.floor.requests - result.floor.ok,
      floorPerSecond: result.floor.okPerSecond,
      floorRatio: result.floor.okPerSecond / (2 * boundPerSecond),
      floorMainMs: perSignIn(result.floor.serverThreads!.main, result.floor),
    };
    results[protocol] = s;
    log(
      `sign-in ${protocol}: ${s.okPerSecond.toFixed(1)}/s (${s.ratio.toFixed(2)} of the verify bound; the floor ${s.floorRatio.toFixed(2)}), server CPU ${s.cpuRatio.toFixed(2)} x one verify's ` +
        `(the thread pool ${s.poolRatio.toFixed(3)} x, the event loop ${s.mainMs.toFixed(1)} ms, other threads ${s.otherMs.toFixed(1)} ms a sign-in; ` +
        `the floor's event loop ${s.floorMainMs.toFixed(1)} ms, the generator ${s.generatorMs.toFixed(1)} ms)`,
    );
  }
  await floor.stop();
  const { result: idle, opMs } = await bracketed(() =>
    load({ baseUrl: server.baseUrl, protocol: "grpc", request: "signin", concurrency: 1, loginToken: small.loginToken }, small.usersFile),
  );
  const idleRatio = idle.p50Ms / opMs;
  log(`idle sign-in: ${idle.p50Ms.toFixed(1)} ms = ${idleRatio.toFixed(2)} x one verify`);
  return { protocols: results, idle: { p50Ms: idle.p50Ms, opMs, ratio: idleRatio }, flood: await flood(context) };
}

/**
 * Wrong passwords on one user, tried by FLOOD_CLIENTS clients at once and
 * offered at the verify bound's rate (unchecked, the guesses alone could
 * take every core), beside the other users' sign-ins at saturation; against
 * the same sign-ins just before, without the flood. The tarpit and the
 * user's one check at a time should leave the guesses a verify every few
 * seconds, and the rest refused before any hash. The guesses go through the
 * lean gRPC client: the generator's CPU is not the server's.
 */
async function flood({ small, server }: Context) {
  const others = () =>
    load({ baseUrl: server.baseUrl, protocol: "grpc", request: "signin", concurrency: SATURATED, loginToken: small.loginToken }, small.usersFile);
  const guessesPerSecond = 2 * bounds.at(-1)!.pairsPerSecond;
  const alone = await others();
  const before = usage(server.pid).cpuSeconds;
  const [beside, guesses] = await Promise.all([
    others(),
    load(
      { baseUrl: server.baseUrl, protocol: "grpc", request: "wrong-password", ratePerSecond: guessesPerSecond, lean: true, loginToken: small.loginToken },
      small.floodFile,
    ),
  ]);
  const serverCpuMs = (usage(server.pid).cpuSeconds - before) * 1000;
  const result = {
    aloneOkPerSecond: alone.okPerSecond,
    besideOkPerSecond: beside.okPerSecond,
    ratio: beside.okPerSecond / alone.okPerSecond,
    aloneP99Ms: alone.p99Ms,
    besideP99Ms: beside.p99Ms,
    errors: beside.requests - beside.ok + (alone.requests - alone.ok),
    guessesPerSecond,
    guesses: guesses.codes,
    serverCpuMs,
  };
  log(
    `flood: others ${beside.okPerSecond.toFixed(1)}/s beside it vs ${alone.okPerSecond.toFixed(1)}/s alone (${result.ratio.toFixed(3)}), ` +
      `p99 ${beside.p99Ms.toFixed(0)} vs ${alone.p99Ms.toFixed(0)} ms, errors ${result.errors}; guesses ${JSON.stringify(guesses.codes)}`,
  );
  return result;
}

/** The store's headroom on PostgreSQL (bench/store-headroom.ts), or why it was skipped. */
async function signInPostgres(): Promise<StoreHeadroom | { skipped: string }> {
  if (!opts.postgres) {
    const skipped = "no --postgres URL (a role that may create databases; bash .ci/postgres start DIR prints one)";
    log(`signin-pg: skipped, ${skipped}`);
    return { skipped };
  }
  const result = await storeHeadroom(opts.postgres, runs, seconds, SATURATED, log);
  log(
    `signin-pg: ${result.okPerSecond.toFixed(0)} sign-ins/s at cost ${result.cost}; ${PROJECTION.cores} cores at cost ${PROJECTION.cost} verify ` +
      `${result.projectedVerifiesPerSecond.toFixed(0)}/s (one verify ${result.projectionVerifyMs.toFixed(0)} ms here): headroom ${result.headroom.toFixed(2)} x`,
  );
  return result;
}

async function idleLatency({ small, server }: Context) {
  const { result: idle, opMs } = await bracketed(() => load({ baseUrl: server.baseUrl, protocol: "grpc", request: "change", concurrency: 1 }, small.usersFile));
  const result = { p50Ms: idle.p50Ms, opMs, ratio: idle.p50Ms / opMs };
  log(`idle latency: ${idle.p50Ms.toFixed(1)} ms = ${result.ratio.toFixed(2)} x one bcrypt operation`);
  return result;
}

async function cheapRefusals({ small, server }: Context) {
  const results: Record<string, LoadResult & { serverCpuMsPerRequest: number }> = {};
  for (const request of ["bad-token", "invalid-body", "locked"] as const) {
    for (const protocol of ["grpc", "rest"] as const) {
      const before = usage(server.pid).cpuSeconds;
      const file = request === "locked" ? small.lockedFile : small.usersFile;
      const r = await load({ baseUrl: server.baseUrl, protocol, request, concurrency: 32, lean: true }, file);
      const cpuMs = ((usage(server.pid).cpuSeconds - before) * 1000) / Math.max(1, r.requests);
      results[`${request}/${protocol}`] = { ...r, serverCpuMsPerRequest: cpuMs };
      log(`cheap ${request} over ${protocol}: ${r.perSecond.toFixed(0)}/s, server CPU ${cpuMs.toFixed(2)} ms each, generator CPU ${r.generatorCpu.toFixed(2)}`);
    }
  }
  return results;
}

/** A locked user's request: a valid token, a database read and an audit write, but no hash. */
async function responsiveness({ small, server }: Context) {
  const [saturating, probe] = await Promise.all([
    load({ baseUrl: server.baseUrl, protocol: "grpc", request: "change", concurrency: 16 * cores }, small.usersFile),
    load({ baseUrl: server.baseUrl, protocol: "rest", request: "locked", ratePerSecond: 50, lean: true }, small.lockedFile),
  ]);
  const result = { saturatingOkPerSecond: saturating.okPerSecond, probeP50Ms: probe.p50Ms, probeP99Ms: probe.p99Ms, probeRequests: probe.requests };
  log(
    `responsiveness: hash-free p50 ${probe.p50Ms.toFixed(1)} ms, p99 ${probe.p99Ms.toFixed(1)} ms while changes run at ${saturating.okPerSecond.toFixed(1)}/s`,
  );
  return result;
}

async function overload({ small, server }: Context) {
  const rssBefore = usage(server.pid).rssMb;
  let rssMax = rssBefore;
  const offered = 4 * bounds.at(-1)!.pairsPerSecond;
  const { result: over, boundPerSecond } = await bracketed(async () => {
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, usage(server.pid).rssMb)), 200);
    // Three requests in four are refused: a lean client, as for the cheap refusals.
    const job = { baseUrl: server.baseUrl, protocol: "grpc", request: "change", ratePerSecond: offered, seconds: seconds * 2, lean: true } as const;
    return load(job, small.usersFile).finally(() => clearInterval(sampler));
  });
  const ratio = over.okPerSecond / boundPerSecond;
  const result = { offeredPerSecond: offered, ...over, ratio, boundPerSecond, rssBeforeMb: rssBefore, rssMaxMb: rssMax };
  log(
    `overload at ${offered.toFixed(0)}/s: ${over.okPerSecond.toFixed(1)}/s accepted (${result.ratio.toFixed(2)} of bound), codes ${JSON.stringify(over.codes)}, RSS ${rssBefore.toFixed(0)} -> max ${rssMax.toFixed(0)} MB`,
  );
  return result;
}

/**
 * Like against like: each size on a server of its own, warmed up the same
 * way, and runs taken in turns (small, large, small, ...) so that drift in
 * the machine's speed falls on both; the median of each size's runs counts.
 */
async function size() {
  const rounds = quick ? 1 : 3;
  const sides = [];
  for (const users of [smallUsers, largeUsers]) {
    log(`seeding ${users} users ...`);
    const seeded = await seed(users, cost);
    sides.push({ seeded, server: await startServer(seeded, cost), runs: [] as number[] });
  }
  const job = (server: Server) => ({ baseUrl: server.baseUrl, protocol: "grpc" as const, request: "change" as const, concurrency: 2 * cores });
  for (const side of sides) await load({ ...job(side.server), seconds: quick ? 0.5 : 2 }, side.seeded.usersFile);
  for (let round = 0; round < rounds; round++) {
    for (const side of sides) side.runs.push((await load(job(side.server), side.seeded.usersFile)).okPerSecond);
  }
  for (const side of sides) {
    await side.server.stop();
    fs.rmSync(side.seeded.dataDir, { recursive: true, force: true });
  }
  const [small, large] = sides.map((side) => median(side.runs));
  log(
    `size: ${largeUsers} users ${large.toFixed(1)}/s vs ${smallUsers} users ${small.toFixed(1)}/s (runs ${sides.map((s) => s.runs.map((r) => r.toFixed(1)).join(" ")).join(" | ")})`,
  );
  return { smallUsers, largeUsers, rounds, smallOkPerSecond: small, largeOkPerSecond: large, cost: 1 - large / small };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * One result shaped as each run's, each number in it the runs' numbers
 * taken together by `combine` (the median, the lowest, the highest); what is
 * not a number is the first run's.
 */
function across<T>(rounds: T[], combine: (values: number[]) => number): T {
  const [first] = rounds;
  if (typeof first === "number") return combine(rounds as number[]) as T;
  if (first === null || typeof first !== "object" || Array.isArray(first)) return first;
  const keys = new Set(rounds.flatMap((r) => Object.keys(r as object)));
  return Object.fromEntries(
    [...keys].map((key) => {
      const values = rounds.map((r) => (r as Record<string, unknown>)[key]).filter((v) => v !== undefined);
      return [key, across(values, combine)];
    }),
  ) as T;
}

async function main(): Promise<void> {
  log(`bench: cost ${cost}, ${seconds}s a run, ${cores} cores${quick ? ", quick" : ""}`);
  if (only?.includes("import")) return importOnly();
  await measureBound();
  const small = await seed(smallUsers, cost);
  const server = await startServer(small, cost);
  await load({ baseUrl: server.baseUrl, protocol: "grpc", request: "change", concurrency: 2 * cores, seconds: quick ? 0.5 : 2 }, small.usersFile);
  const context = { small, server };
  if (wanted("signin")) await warmSignIns(context);
  const date = new Date().toISOString();
  // Every section, `runs` times over: the figures are each one's median, with the range beside it.
  const rounds = [];
  for (let round = 1; round <= runs; round++) {
    if (runs > 1) log(`== run ${round} of ${runs}`);
    rounds.push({
      throughput: wanted("throughput") ? await throughput(context) : undefined,
      idleLatency: wanted("idle") ? await idleLatency(context) : undefined,
      cheap: wanted("cheap") ? await cheapRefusals(context) : undefined,
      responsiveness: wanted("responsiveness") ? await responsiveness(context) : undefined,
      overload: wanted("overload") ? await overload(context) : undefined,
      signIn: wanted("signin") ? await signIn(context) : undefined,
    });
  }
  const sections = across(rounds, median);
  await server.stop();
  fs.rmSync(small.dataDir, { recursive: true, force: true });
  const sizeResult = wanted("size") ? await size() : undefined;
  const storeResult = wanted("signin-pg") ? await signInPostgres() : undefined;
  const results = {
    date,
    machine: { cpu: os.cpus()[0]?.model, cores, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    command: `npm run bench${quick ? " -- --quick" : ""}`,
    cost,
    secondsPerRun: seconds,
    runs,
    bound: {
      pairsPerSecond: median(bounds.map((b) => b.pairsPerSecond)),
      opMs: median(bounds.map((b) => b.opMs)),
      pairCpuMs: median(bounds.map((b) => b.pairCpuMs)),
      measurements: bounds,
    },
    ...sections,
    /** Each figure's lowest and highest over the runs. */
    low: across(rounds, (values) => Math.min(...values)),
    high: across(rounds, (values) => Math.max(...values)),
    rounds,
    size: sizeResult,
    signInPostgres: storeResult,
  };
  if (only) return log("--only: nothing written");

  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, "latest.md"), markdown(results));
  log(`wrote ${path.join(outDir, "latest.json")} and latest.md`);
  process.stdout.write(markdown(results));
}

/** `--only import`: the import's own results, written beside the others. */
async function importOnly(): Promise<void> {
  const results = await importBench(quick, cost);
  const command = `npm run bench -- --only import${quick ? " --quick" : ""}`;
  const markdown = importMarkdown(results, new Date().toISOString(), command);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "import.json"), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, "import.md"), markdown);
  process.stdout.write(markdown);
}

function boundRange(measurements: Bound[]): string {
  const rates = measurements.map((b) => b.pairsPerSecond);
  return `${Math.min(...rates).toFixed(1)} to ${Math.max(...rates).toFixed(1)}`;
}

function markdown(r: any): string {
  const n = (x: number, d = 1) => x.toFixed(d);
  /** A figure's median, and with several runs its lowest and highest: `0.95 (0.94–0.96)`. */
  const m = (path: (x: any) => number, d = 1) => {
    const median = n(path(r), d);
    return r.runs > 1 ? `${median} (${n(path(r.low), d)}–${n(path(r.high), d)})` : median;
  };
  const runs = r.runs > 1 ? `the median of ${r.runs} runs of each, with the lowest and highest in brackets` : "one run of each";
  const lines = [
    `Measured ${r.date.slice(0, 10)} on ${r.machine.cpu} (${r.machine.cores} cores, ${r.machine.memoryGb} GiB, Node ${r.machine.node}) with \`${r.command}\`, bcrypt cost ${r.cost}, ${r.secondsPerRun} s a run; ${runs}.`,
    "",
    `Bound: ${n(r.bound.pairsPerSecond)} verify-plus-hash pairs per second with every core busy (median of ${r.bound.measurements.length} measurements taken in turns with the runs, ${boundRange(r.bound.measurements)}); one bcrypt operation ${n(r.bound.opMs)} ms; one pair costs ${n(r.bound.pairCpuMs)} ms of CPU. Each ratio is to the mean of the bound measured just before and just after its runs. Server CPU is every thread of the server process, from /proc, per change that succeeded, as a multiple of one pair's CPU.`,
    "",
    "| protocol | concurrency | changes/s | of bound | server CPU per change, × one pair | p50 ms | p99 ms | errors | generator CPU |",
    "|---|---|---|---|---|---|---|---|---|",
    ...Object.keys(r.throughput).map((key) => {
      const [protocol, concurrency] = key.split("@");
      const t = (x: any) => x.throughput[key];
      return `| ${protocol} | ${concurrency} | ${m((x) => t(x).okPerSecond)} | ${m((x) => t(x).ratio, 2)} | ${m((x) => t(x).cpuRatio, 3)} | ${m((x) => t(x).p50Ms, 0)} | ${m((x) => t(x).p99Ms, 0)} | ${t(r).requests - t(r).ok} | ${n(t(r).generatorCpu, 2)} |`;
    }),
    "",
    "| measure | result |",
    "|---|---|",
    `| idle latency, × one bcrypt operation | ${m((x) => x.idleLatency.ratio, 2)} (${n(r.idleLatency.p50Ms)} ms; the operation ${n(r.idleLatency.opMs)} ms, measured before and after) |`,
    ...Object.keys(r.cheap).map((key) => {
      const c = (x: any) => x.cheap[key];
      return `| cheap refusal, ${key.replace("/", " over ")} (concurrency 32), per second | ${m((x) => c(x).perSecond, 0)}; server CPU ${m((x) => c(x).serverCpuMsPerRequest, 2)} ms each; generator CPU ${n(c(r).generatorCpu, 2)} |`;
    }),
    `| hash-free request (a locked user's, over REST) while saturated, p99 ms | ${m((x) => x.responsiveness.probeP99Ms)} (p50 ${n(r.responsiveness.probeP50Ms)} ms; changes meanwhile ${n(r.responsiveness.saturatingOkPerSecond)}/s) |`,
    `| overload, ${n(r.overload.offeredPerSecond, 0)}/s offered (4 × bound), share of the bound accepted | ${m((x) => x.overload.ratio, 2)} (${n(r.overload.okPerSecond)}/s; answers ${JSON.stringify(r.overload.codes)}; RSS ${n(r.overload.rssBeforeMb, 0)} → max ${n(r.overload.rssMaxMb, 0)} MB) |`,
    `| ${r.size.largeUsers.toLocaleString("en")} users vs ${r.size.smallUsers.toLocaleString("en")} (median of ${r.size.rounds} runs each, in turns) | ${n(r.size.largeOkPerSecond)}/s vs ${n(r.size.smallOkPerSecond)}/s (${r.size.cost >= 0 ? `${n(r.size.cost * 100)} % lower` : `${n(-r.size.cost * 100)} % higher`}) |`,
    "",
    ...signInMarkdown(r, m, n),
  ];
  return lines.join("\n");
}

/** The sign-in section: every protocol at saturation, idle, the flood, and the store's headroom on PostgreSQL. */
function signInMarkdown(r: any, m: (path: (x: any) => number, d?: number) => string, n: (x: number, d?: number) => string): string[] {
  const f = r.signIn.flood;
  const pg = r.signInPostgres;
  return [
    `Sign-ins (CreateSession with the user and the password, under a login application's token) at concurrency ${SATURATED}: a sign-in is one bcrypt verify, so the bound is twice the pairs a second, measured just before and after each protocol's run. The floor is bench/floor-server.cjs under the same load in the same bracket: a Node server that reads the request, verifies once and answers, with nothing else (no token, database, decoding, log or metric); it is what this machine allows any Node server with the load generator on the same cores. Server CPU per sign-in is a multiple of one verify's (half a pair's); beside the service's event loop, the floor's, and the load generator's CPU a sign-in, which is taken from the same cores.`,
    "",
    "| protocol | sign-ins/s | of the verify bound | the floor, of the verify bound | server CPU per sign-in, × one verify | of it: thread pool, × one verify | event loop, ms | other threads, ms | the floor's event loop, ms | generator, ms | p50 ms | p99 ms | errors |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...Object.keys(r.signIn.protocols).map((protocol) => {
      const s = (x: any) => x.signIn.protocols[protocol];
      return `| ${protocol} | ${m((x) => s(x).okPerSecond)} | ${m((x) => s(x).ratio, 2)} | ${m((x) => s(x).floorRatio, 2)} | ${m((x) => s(x).cpuRatio, 3)} | ${m((x) => s(x).poolRatio, 3)} | ${m((x) => s(x).mainMs, 1)} | ${m((x) => s(x).otherMs, 1)} | ${m((x) => s(x).floorMainMs, 1)} | ${m((x) => s(x).generatorMs, 1)} | ${m((x) => s(x).p50Ms, 0)} | ${m((x) => s(x).p99Ms, 0)} | ${s(r).errors} |`;
    }),
    "",
    "| measure | result |",
    "|---|---|",
    `| idle sign-in (grpc, concurrency 1), × one bcrypt verify | ${m((x) => x.signIn.idle.ratio, 2)} (${n(r.signIn.idle.p50Ms)} ms; the verify ${n(r.signIn.idle.opMs)} ms) |`,
    `| other users' sign-ins (grpc, concurrency ${SATURATED}) beside ${FLOOD_CLIENTS} clients guessing one user's password at ${n(f.guessesPerSecond, 0)}/s, against the same without them | ${m((x) => x.signIn.flood.ratio, 3)} (${n(f.besideOkPerSecond)}/s vs ${n(f.aloneOkPerSecond)}/s; p99 ${m((x) => x.signIn.flood.besideP99Ms, 0)} vs ${m((x) => x.signIn.flood.aloneP99Ms, 0)} ms; errors ${f.errors}; the guesses answered ${JSON.stringify(f.guesses)}) |`,
    pg.skipped
      ? `| sign-ins/s of one process on PostgreSQL | skipped: ${pg.skipped} |`
      : `| sign-ins/s of one process on PostgreSQL, bcrypt cost ${pg.cost} (lean REST client, concurrency ${pg.concurrency}; median of ${pg.runs.length}) | ${n(pg.okPerSecond, 0)} (runs ${pg.runs.map((x: number) => n(x, 0)).join(", ")}; server CPU ${n(pg.serverCpuMs, 2)} ms, PostgreSQL's backends ${pg.postgresCpuMs === undefined ? "not readable" : `${n(pg.postgresCpuMs, 2)} ms`} a sign-in; generator CPU ${n(pg.generatorCpu, 2)}; errors ${pg.errors}) |`,
    ...(pg.skipped
      ? []
      : [
          `| ${PROJECTION.cores} cores at cost ${PROJECTION.cost}: verifies/s (one verify ${n(pg.projectionVerifyMs, 0)} ms here, × cores), and the store's headroom above them | ${n(pg.projectedVerifiesPerSecond, 0)}/s; headroom ${n(pg.headroom, 2)} × |`,
        ]),
    "",
  ];
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
