/**
 * The load generator: a process of its own, so that its CPU is not the
 * server's, and so that it can report what it used. Reads a job as JSON
 * from argv, prints its result as JSON on stdout.
 */
import fs from "node:fs";
import http2 from "node:http2";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { AuthService } from "../gen/zitadel/auth_pb.js";
import { SessionService } from "../gen/zitadel/session/v2/session_service_pb.js";
import { type BenchUser, cpuSecondsOf, type Job, type LoadResult, passwordFor, type Protocol, type Request, type ThreadCpu, threadCpuOf } from "./shared.js";

const REST_CODE: Record<number, Code> = {
  400: Code.InvalidArgument,
  401: Code.Unauthenticated,
  409: Code.Aborted,
  429: Code.ResourceExhausted,
  500: Code.Internal,
  503: Code.Unavailable,
};

function transportFor(protocol: Exclude<Protocol, "rest">, baseUrl: string): Transport {
  if (protocol === "grpc") return createGrpcTransport({ baseUrl });
  if (protocol === "grpcweb") return createGrpcWebTransport({ baseUrl, httpVersion: "1.1" });
  return createConnectTransport({ baseUrl, httpVersion: "1.1" });
}

/** One request: for a change the user's token and both passwords, for a sign-in the user's ID and the password tried. */
type Call = (token: string, oldPassword: string, newPassword: string) => Promise<Code | 0>;

/**
 * What a request is on each wire: a change (UpdateMyPassword under the
 * user's token), or a sign-in as a login application makes it
 * (CreateSession with the user and the password, under the login
 * application's token).
 */
interface Rpc {
  grpcPath: string;
  message: (a: string, b: string, c: string) => Uint8Array;
  restMethod: string;
  restPath: string;
  restBody: (a: string, b: string, c: string) => string;
  restOk: number;
  authorization: (a: string) => string;
}

const CHANGE: Rpc = {
  grpcPath: "/zitadel.auth.v1.AuthService/UpdateMyPassword",
  // UpdateMyPasswordRequest: old_password = 1, new_password = 2.
  message: (_token, oldPassword, newPassword) => Buffer.concat([field(1, oldPassword), field(2, newPassword)]),
  restMethod: "PUT",
  restPath: "/auth/v1/users/me/password",
  restBody: (_token, oldPassword, newPassword) => JSON.stringify({ oldPassword, newPassword }),
  restOk: 200,
  authorization: (token) => `Bearer ${token}`,
};

function signInRpc(loginToken: string | undefined): Rpc {
  return {
    grpcPath: "/zitadel.session.v2.SessionService/CreateSession",
    // CreateSessionRequest: checks = 1 { user = 1 { user_id = 1 }, password = 2 { password = 1 } }.
    message: (userId, password) => field(1, Buffer.concat([field(1, field(1, userId)), field(2, field(1, password))])),
    restMethod: "POST",
    restPath: "/v2/sessions",
    restBody: (userId, password) => JSON.stringify({ checks: { user: { userId }, password: { password } } }),
    // ZITADEL's success code for a new session.
    restOk: 201,
    authorization: () => `Bearer ${loginToken}`,
  };
}

/**
 * connect-es's clients and fetch, as users' code would call, or lean clients
 * of the same wire protocols: connect-es spends about a millisecond of CPU a
 * call, so where most requests are refused, or the hash is cheap, the
 * generator, not the server, would set the rate on two cores.
 */
function caller(job: Job): Call {
  const rpc = job.request === "signin" || job.request === "wrong-password" ? signInRpc(job.loginToken) : CHANGE;
  if (job.lean && job.protocol === "grpc") return leanGrpc(job.baseUrl, rpc);
  if (job.lean && job.protocol === "rest") return leanRest(job.baseUrl, rpc);
  if (job.lean && job.protocol === "grpcweb") return leanGrpcWeb(job.baseUrl, rpc);
  if (job.lean && job.protocol === "connect") return leanConnect(job.baseUrl, rpc);
  if (job.protocol === "rest") return fetchRest(job.baseUrl, rpc);
  return rpc === CHANGE ? connectChange(job) : connectSignIn(job);
}

function fetchRest(baseUrl: string, rpc: Rpc): Call {
  const url = `${baseUrl}${rpc.restPath}`;
  return async (a, b, c) => {
    const res = await fetch(url, {
      method: rpc.restMethod,
      headers: { "content-type": "application/json", authorization: rpc.authorization(a) },
      body: rpc.restBody(a, b, c),
    });
    await res.arrayBuffer();
    return res.status === rpc.restOk ? 0 : (REST_CODE[res.status] ?? Code.Unknown);
  };
}

async function codeOf(call: Promise<unknown>): Promise<Code | 0> {
  try {
    await call;
    return 0;
  } catch (err) {
    return ConnectError.from(err).code;
  }
}

function connectChange(job: Job): Call {
  const client = createClient(AuthService, transportFor(job.protocol as Exclude<Protocol, "rest">, job.baseUrl));
  return (token, oldPassword, newPassword) => codeOf(client.updateMyPassword({ oldPassword, newPassword }, { headers: { authorization: `Bearer ${token}` } }));
}

function connectSignIn(job: Job): Call {
  const client = createClient(SessionService, transportFor(job.protocol as Exclude<Protocol, "rest">, job.baseUrl));
  const headers = { authorization: `Bearer ${job.loginToken}` };
  return (userId, password) =>
    codeOf(client.createSession({ checks: { user: { search: { case: "userId", value: userId } }, password: { password } } }, { headers }));
}

/** gRPC over one h2c connection with node:http2: a length-prefixed message out, grpc-status back. */
function leanGrpc(baseUrl: string, rpc: Rpc): Call {
  const session = http2.connect(baseUrl);
  // A lost connection fails its streams, which count as Unknown.
  session.on("error", () => {});
  return (a, b, c) =>
    new Promise((resolve) => {
      const stream = session.request({
        ":method": "POST",
        ":path": rpc.grpcPath,
        "content-type": "application/grpc",
        te: "trailers",
        authorization: rpc.authorization(a),
      });
      let status: unknown;
      // A refusal is usually trailers-only: grpc-status arrives with the headers.
      stream.on("response", (headers) => (status = headers["grpc-status"] ?? status));
      stream.on("trailers", (trailers) => (status = trailers["grpc-status"] ?? status));
      stream.on("data", () => {});
      stream.on("close", () => resolve(status === undefined ? Code.Unknown : (Number(status) as Code)));
      stream.on("error", () => {});
      stream.end(framed(rpc.message(a, b, c)));
    });
}

/** An HTTP/1.1 answer, read whole; header names in lower case. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * HTTP/1.1 over keep-alive sockets, one request at a time on each: the
 * request written in one piece, the answer read by hand (status line,
 * headers, a body by content-length or in chunks). The generator shares the
 * server's cores, and at the verify bound's few dozen requests a second its
 * code runs cold: node:http's client (and undici's) cost it about 1.0 to 1.5
 * ms of CPU a request against the floor server, this one about 0.5 ms
 * (docs/performance.md).
 */
class Http1 {
  private readonly idle: net.Socket[] = [];

  constructor(private readonly url: URL) {}

  /** One request; undefined if the connection failed or closed before the whole answer. */
  async request(method: string, path: string, headers: Record<string, string>, body: string | Uint8Array): Promise<Answer | undefined> {
    const payload = typeof body === "string" ? Buffer.from(body) : body;
    const lines = Object.entries({ host: this.url.host, ...headers, "content-length": String(payload.length) }).map(([name, value]) => `${name}: ${value}\r\n`);
    const socket = this.socket();
    const answer = await exchange(socket, Buffer.concat([Buffer.from(`${method} ${path} HTTP/1.1\r\n${lines.join("")}\r\n`), payload]));
    if (answer && answer.headers.connection !== "close") this.idle.push(socket);
    else socket.destroy();
    return answer;
  }

  private socket(): net.Socket {
    for (let socket = this.idle.pop(); socket; socket = this.idle.pop()) if (!socket.destroyed) return socket;
    const socket = net.connect({ host: this.url.hostname, port: Number(this.url.port), noDelay: true });
    // A failed connection closes, and its request answers undefined.
    socket.on("error", () => {});
    return socket;
  }
}

/** Writes the request, and resolves with the answer once it is whole. */
function exchange(socket: net.Socket, request: Buffer): Promise<Answer | undefined> {
  return new Promise((resolve) => {
    let received: Buffer = Buffer.alloc(0);
    const finish = (answer: Answer | undefined) => {
      socket.off("data", onData);
      socket.off("close", onClose);
      resolve(answer);
    };
    const onData = (chunk: Buffer) => {
      received = received.length ? Buffer.concat([received, chunk]) : chunk;
      const answer = parsed(received);
      if (answer) finish(answer);
    };
    const onClose = () => finish(undefined);
    socket.on("data", onData);
    socket.on("close", onClose);
    socket.write(request);
  });
}

/** The answer in `received`, or undefined while it is not whole. */
function parsed(received: Buffer): Answer | undefined {
  const headEnd = received.indexOf("\r\n\r\n");
  if (headEnd < 0) return undefined;
  const [statusLine, ...lines] = received.toString("latin1", 0, headEnd).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = received.subarray(headEnd + 4);
  const body = headers["transfer-encoding"] === "chunked" ? dechunked(rest) : whole(rest, Number(headers["content-length"] ?? 0));
  return body && { status: Number(statusLine.split(" ")[1]), headers, body };
}

function whole(rest: Buffer, length: number): Buffer | undefined {
  return rest.length >= length ? rest.subarray(0, length) : undefined;
}

/** A chunked body joined, once its last (empty) chunk and the blank line that ends any trailers after it are in. */
function dechunked(rest: Buffer): Buffer | undefined {
  const chunks: Buffer[] = [];
  for (let at = 0; ; ) {
    const lineEnd = rest.indexOf("\r\n", at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(rest.toString("latin1", at, lineEnd), 16);
    if (size === 0) return rest.indexOf("\r\n\r\n", lineEnd) < 0 ? undefined : Buffer.concat(chunks);
    const end = lineEnd + 2 + size + 2;
    if (rest.length < end) return undefined;
    chunks.push(rest.subarray(lineEnd + 2, end - 2));
    at = end;
  }
}

/** The REST route over keep-alive HTTP/1.1 connections. */
function leanRest(baseUrl: string, rpc: Rpc): Call {
  const client = new Http1(new URL(baseUrl));
  return async (a, b, c) => {
    const headers = { "content-type": "application/json", authorization: rpc.authorization(a) };
    const answer = await client.request(rpc.restMethod, rpc.restPath, headers, rpc.restBody(a, b, c));
    if (!answer) return Code.Unknown;
    return answer.status === rpc.restOk ? 0 : (REST_CODE[answer.status] ?? Code.Unknown);
  };
}

/** A message in gRPC's length-prefixed frame, as gRPC and gRPC-Web send it. */
function framed(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/**
 * A length-delimited protobuf field (a string or a message), empty strings
 * left out as proto3 leaves them: the two requests are encoded by hand, as
 * protobuf-es's reflection costs the generator about 0.3 ms of CPU a
 * request at the verify bound's rate. The bench's sign-ins and changes
 * would fail if these bytes were not the messages.
 */
function field(number: number, value: string | Buffer): Buffer {
  const bytes = typeof value === "string" ? Buffer.from(value) : value;
  if (bytes.length === 0) return Buffer.alloc(0);
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  for (; n > 0x7f; n >>>= 7) bytes.push((n & 0x7f) | 0x80);
  bytes.push(n);
  return Buffer.from(bytes);
}

/**
 * gRPC-Web (binary) over keep-alive HTTP/1.1: a framed message out, and
 * grpc-status from the answer's trailer frame (flag 0x80), or from its
 * headers when the answer is trailers-only.
 */
function leanGrpcWeb(baseUrl: string, rpc: Rpc): Call {
  const client = new Http1(new URL(baseUrl));
  return async (a, b, c) => {
    const headers = { "content-type": "application/grpc-web+proto", "x-grpc-web": "1", authorization: rpc.authorization(a) };
    const answer = await client.request("POST", rpc.grpcPath, headers, framed(rpc.message(a, b, c)));
    if (answer?.status !== 200) return Code.Unknown;
    const status = answer.headers["grpc-status"] ?? trailerStatus(answer.body);
    return status === undefined ? Code.Unknown : (Number(status) as Code);
  };
}

/** grpc-status in a gRPC-Web body's trailer frame. */
function trailerStatus(body: Buffer): string | undefined {
  for (let at = 0; at + 5 <= body.length; at += 5 + body.readUInt32BE(at + 1)) {
    if (body[at] & 0x80) return /grpc-status:\s*(\d+)/i.exec(body.subarray(at + 5, at + 5 + body.readUInt32BE(at + 1)).toString())?.[1];
  }
  return undefined;
}

/** Connect's code names, as a unary call's error JSON carries them. */
const CONNECT_CODE = new Map(
  Object.entries(Code)
    .filter((entry): entry is [string, Code] => typeof entry[1] === "number")
    .map(([name, code]) => [name.replace(/[A-Z]/g, (l, i) => (i ? "_" : "") + l.toLowerCase()), code]),
);

/** The Connect protocol's unary call (binary) over keep-alive HTTP/1.1: 200, or an error JSON with its code. */
function leanConnect(baseUrl: string, rpc: Rpc): Call {
  const client = new Http1(new URL(baseUrl));
  return async (a, b, c) => {
    const headers = { "content-type": "application/proto", "connect-protocol-version": "1", authorization: rpc.authorization(a) };
    const answer = await client.request("POST", rpc.grpcPath, headers, rpc.message(a, b, c));
    if (!answer) return Code.Unknown;
    if (answer.status === 200) return 0;
    try {
      return CONNECT_CODE.get((JSON.parse(answer.body.toString()) as { code: string }).code) ?? Code.Unknown;
    } catch {
      return Code.Unknown;
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
  // Answers are counted while this is set: from the start, or from the end of the warm-up.
  let counting = !(job.warmupSeconds && !job.ratePerSecond);

  const once = async (): Promise<boolean> => {
    const user = pool.take();
    if (!user) return false;
    const started = performance.now();
    const [token, oldPassword, newPassword] = requestFor(job.request, user);
    const code = await call(token, oldPassword, newPassword).catch(() => Code.Unknown);
    if (counting) {
      latencies.push(performance.now() - started);
      codes[Code[code] ?? "OK"] = (codes[Code[code] ?? "OK"] ?? 0) + 1;
    }
    if (code === 0 && job.request === "change") user.generation++;
    pool.give(user);
    return true;
  };

  let window: Window;
  if (job.ratePerSecond) {
    window = start(job);
    await openLoop(job.ratePerSecond, window.deadline, () => once().then((sent) => sent || starved++));
    window.close();
  } else if (counting) {
    window = start(job);
    await closedLoop(job.concurrency ?? 1, window.deadline, once);
    window.close();
  } else {
    // The warm-up is the same loop, uncounted, and the load never pauses: the
    // first second costs both processes their compilers' work and connections,
    // which the steady state does not. The window counts the answers that
    // arrive within it, so neither its start nor its end is a ramp.
    const warm = performance.now() + job.warmupSeconds! * 1000;
    const counted = new Promise<Window>((resolve) =>
      setTimeout(() => {
        counting = true;
        const opened = start(job);
        setTimeout(() => {
          counting = false;
          opened.close();
          resolve(opened);
        }, job.seconds * 1000);
      }, warm - performance.now()),
    );
    await closedLoop(job.concurrency ?? 1, warm + job.seconds * 1000, once);
    window = await counted;
  }
  if (job.request === "change") fs.writeFileSync(job.usersFile, JSON.stringify(users));

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  const ok = codes.OK ?? 0;
  const { wall, cpuSeconds, serverCpuSeconds, serverThreads } = window.measured!;
  return {
    requests: latencies.length,
    ok,
    codes,
    perSecond: latencies.length / wall,
    okPerSecond: ok / wall,
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    generatorCpu: cpuSeconds / wall,
    serverCpuSeconds,
    serverThreads,
    starved,
  };
}

/** The counted seconds: their length, this process's CPU and the server's over them. */
interface Window {
  deadline: number;
  close: () => void;
  measured?: { wall: number; cpuSeconds: number; serverCpuSeconds?: number; serverThreads?: ThreadCpu };
}

/** Opens the counted window now, for `job.seconds`. */
function start(job: Job): Window {
  const serverBefore = job.serverPid ? cpuSecondsOf(job.serverPid) : 0;
  const threadsBefore = job.serverPid ? threadCpuOf(job.serverPid) : undefined;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const window: Window = {
    deadline: started + job.seconds * 1000,
    close: () => {
      const cpu = process.cpuUsage(cpuBefore);
      window.measured = {
        wall: (performance.now() - started) / 1000,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        serverCpuSeconds: job.serverPid ? cpuSecondsOf(job.serverPid) - serverBefore : undefined,
        serverThreads: job.serverPid && threadsBefore ? since(threadsBefore, threadCpuOf(job.serverPid)) : undefined,
      };
    },
  };
  return window;
}

function since(before: ThreadCpu, after: ThreadCpu): ThreadCpu {
  return { main: after.main - before.main, pool: after.pool - before.pool, other: after.other - before.other };
}

/** A request started every 1/rate seconds until `deadline`, whatever comes back; resolves when all are answered. */
async function openLoop(ratePerSecond: number, deadline: number, send: () => Promise<unknown>): Promise<void> {
  const inFlight: Promise<unknown>[] = [];
  const interval = 1000 / ratePerSecond;
  for (let next = performance.now(); next < deadline; next += interval) {
    await sleepUntil(next);
    inFlight.push(send());
  }
  await Promise.all(inFlight);
}

/** `concurrency` requests in flight, each sent again when answered, until `deadline`. */
async function closedLoop(concurrency: number, deadline: number, once: () => Promise<boolean>): Promise<void> {
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) if (!(await once())) break;
    }),
  );
}

/** What each kind of request sends: a change, a sign-in (right or wrong), or a change refused before any hash. */
function requestFor(request: Request, user: BenchUser): [string, string, string] {
  const current = passwordFor(user.generation);
  if (request === "bad-token") return ["not-a-token", current, passwordFor(user.generation + 1)];
  if (request === "invalid-body") return [user.token, current, ""];
  if (request === "signin") return [user.userId, current, ""];
  if (request === "wrong-password") return [user.userId, `Wrong-${current}`, ""];
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
