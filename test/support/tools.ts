import { execFile, spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { createInterface } from "node:readline";
import { ROOT } from "./service.js";

export const BUF = `${ROOT}/node_modules/.bin/buf`;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `buf ARGS`, as a person would type it. */
export function buf(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(BUF, args, { cwd: ROOT }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    );
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
    for (const w of [...waiters]) if (w.match.test(line)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
  });
  return {
    child,
    lines,
    next: (match) =>
      lines.some((l) => match.test(l)) ? Promise.resolve() : new Promise((resolve) => waiters.push({ match, resolve })),
  };
}

/** A loopback port free at the time of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
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
