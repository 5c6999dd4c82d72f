import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { ROOT } from "./root.js";

/**
 * The buf CLI's own binary. `node_modules/.bin/buf` is @bufbuild/buf's Node
 * script, which finds the same binary and runs it: a Node process more, a
 * fifth of a second of CPU, for every `buf curl` the suite makes.
 */
function bufBinary(): string {
  const arch = process.arch === "arm64" && process.platform === "linux" ? "aarch64" : process.arch;
  const native = path.join(ROOT, "node_modules/@bufbuild", `buf-${process.platform}-${arch}`, "bin/buf");
  return fs.existsSync(native) ? native : path.join(ROOT, "node_modules/.bin/buf");
}

export const BUF = bufBinary();

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `buf ARGS`, as a person would type it. */
export function buf(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(BUF, args, { cwd: ROOT }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }));
  });
}

/** `buf curl` over gRPC on h2c, the way grpcurl-style tools reach the service. */
export function bufCurlGrpc(args: string[]): Promise<Run> {
  return buf(["curl", "--protocol", "grpc", "--http2-prior-knowledge", ...args]);
}

/** A long-running `buf ARGS`, with its stdout as it comes. */
export function spawnBuf(args: string[]): { child: ChildProcess; lines: string[]; next(match: RegExp): Promise<void> } {
  const child = spawn(BUF, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters: { match: RegExp; resolve(): void }[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    lines.push(line);
    for (const w of [...waiters]) if (w.match.test(line)) waiters.splice(waiters.indexOf(w), 1), w.resolve();
  });
  return {
    child,
    lines,
    next: (match) => (lines.some((l) => match.test(l)) ? Promise.resolve() : new Promise((resolve) => waiters.push({ match, resolve }))),
  };
}

/**
 * A loopback port free at the time of asking, and one that nothing else is
 * handed meanwhile: it is drawn at random from below the kernel's ephemeral
 * range, which every listener on port 0 (the tests' servers) and every
 * outgoing connection (PostgreSQL's clients among them) takes its ports
 * from. A port from that range could be taken by another test's server
 * before it is used, or a connection to it could meet itself (TCP's
 * simultaneous open), and a client then waits for a greeting that never
 * comes instead of being refused.
 */
export async function freePort(): Promise<number> {
  const [ephemeralLow] = fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
  const low = 10_000;
  if (!(ephemeralLow > low + 1000)) throw new Error(`the ephemeral port range starts at ${ephemeralLow}: no room below it for the tests' ports`);
  for (;;) {
    const port = low + Math.floor(Math.random() * (ephemeralLow - low));
    if (await canListen(port)) return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** The service's JSON log lines, parsed; other lines are left out. */
export function logEntries(logs: string[]): Record<string, any>[] {
  return logs.flatMap((line) => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
}

/** The service's JSON log lines for requests. */
export function requestLines(logs: string[]): Record<string, any>[] {
  return logEntries(logs).filter((entry) => entry.msg === "request");
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, (err, stdout, stderr) => (err ? reject(new Error(`${cmd} failed: ${stderr}`)) : resolve(stdout)));
  });
}

/** A self-signed P-256 certificate for localhost and 127.0.0.1, made with openssl. */
export async function selfSigned(dir: string, name: string, cn = "localhost"): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    key,
    "-out",
    cert,
    "-days",
    "2",
    "-subj",
    `/CN=${cn}`,
    "-addext",
    "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ]);
  return { cert, key };
}
