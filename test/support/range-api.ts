import { createHash } from "node:crypto";
import http from "node:http";
import type net from "node:net";

export type RangeMode = "answer" | "fail" | "hang";

/**
 * A local stand-in for Have I Been Pwned's range API on 127.0.0.1: it knows
 * the passwords it is given, and can answer, fail (503) or hang.
 */
export class RangeApiStandIn {
  mode: RangeMode = "answer";
  readonly paths: string[] = [];
  private readonly hanging = new Set<http.ServerResponse>();

  private constructor(
    private readonly server: http.Server,
    private readonly breached: Set<string>,
  ) {}

  static async start(breachedPasswords: string[]): Promise<RangeApiStandIn> {
    const hashes = new Set(breachedPasswords.map((p) => createHash("sha1").update(p).digest("hex").toUpperCase()));
    const server = http.createServer();
    const standIn = new RangeApiStandIn(server, hashes);
    server.on("request", (req, res) => standIn.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return standIn;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.paths.push(req.url ?? "");
    if (this.mode === "hang") return void this.hanging.add(res);
    if (this.mode === "fail") return void res.writeHead(503).end("unavailable");
    const prefix = /^\/range\/([0-9A-F]{5})$/.exec(req.url ?? "")?.[1];
    if (!prefix) return void res.writeHead(400).end();
    const lines = [...this.breached].filter((h) => h.startsWith(prefix)).map((h) => `${h.slice(5)}:42`);
    // Padding, as the real API adds: suffixes with a count of 0.
    lines.push("0000000000000000000000000000000000A:0", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:0");
    res.writeHead(200, { "content-type": "text/plain" }).end(lines.join("\r\n"));
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
