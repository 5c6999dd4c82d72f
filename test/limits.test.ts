import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { ON_POSTGRES } from "./support/database.js";
import { Service, tempDir } from "./support/service.js";
import { logEntries, requestLines } from "./support/tools.js";

const PATH = "/zitadel.auth.v1.AuthService/UpdateMyPassword";
const grpcHeaders = { ":method": "POST", ":path": PATH, "content-type": "application/grpc", te: "trailers" };

/** `/healthz` on a connection of its own, answered. */
async function healthy(service: Service): Promise<boolean> {
  const res = await fetch(`${service.url}/healthz`, { signal: AbortSignal.timeout(5000) });
  return res.status === 200;
}

function connected(session: http2.ClientHttp2Session): Promise<void> {
  return new Promise((resolve, reject) => {
    session.once("remoteSettings", () => resolve());
    session.once("error", reject);
  });
}

function closed(emitter: { once(event: "close", listener: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => emitter.once("close", () => resolve()));
}

describe("connection and request limits", () => {
  let service: Service;
  before(async () => {
    service = await Service.start({
      H2_MAX_CONCURRENT_STREAMS: "10",
      MAX_HEADER_BYTES: "4096",
      REQUEST_BODY_TIMEOUT_MS: "1000",
      IDLE_TIMEOUT_MS: "1500",
      MAX_CONNECTIONS: "20",
    });
  });
  after(() => service.stop());

  it("advertises the stream limit and the header-list size, and answers /healthz while one client holds every stream", { timeout: 30_000 }, async () => {
    const session = http2.connect(service.url);
    await connected(session);
    assert.equal(session.remoteSettings.maxConcurrentStreams, 10);
    assert.equal(session.remoteSettings.maxHeaderListSize, 4096);
    // Ten requests that send their headers and never their body.
    const streams = Array.from({ length: 10 }, () => session.request(grpcHeaders, { endStream: false }));
    for (const s of streams) s.on("error", () => {});
    assert.equal(await healthy(service), true);
    session.destroy();
  });

  it("cancels a request whose body does not arrive in time, on HTTP/2 and HTTP/1.1", { timeout: 30_000 }, async () => {
    const session = http2.connect(service.url);
    const stream = session.request(grpcHeaders, { endStream: false });
    stream.on("error", () => {});
    stream.write(Buffer.from([0, 0, 0, 0, 20])); // a frame's prefix, then nothing
    await closed(stream);
    assert.equal(stream.rstCode, http2.constants.NGHTTP2_CANCEL);
    session.destroy();

    const socket = net.connect(service.port, "127.0.0.1");
    socket.write(`PUT /auth/v1/users/me/password HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"old`);
    let answer = "";
    socket.on("data", (c) => (answer += c));
    socket.on("error", () => {});
    await closed(socket);
    assert.ok(answer === "" || answer.startsWith("HTTP/1.1 408"), answer);
  });

  it("closes an HTTP/2 session that stays idle, the preface alone sent", { timeout: 30_000 }, async () => {
    const session = http2.connect(service.url);
    await connected(session);
    let goaway = false;
    session.on("goaway", () => (goaway = true));
    session.on("error", () => {});
    await closed(session);
    assert.equal(goaway, true);
  });

  it("closes an HTTP/1.1 keep-alive connection that stays idle after its answer", { timeout: 30_000 }, async () => {
    const socket = net.connect(service.port, "127.0.0.1");
    socket.on("error", () => {});
    let answer = "";
    socket.on("data", (c) => (answer += c));
    socket.write("GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n");
    await closed(socket);
    assert.match(answer, /^HTTP\/1\.1 200/);
    assert.match(answer, /keep-alive/i, "it was kept open for a while first");
  });

  it("refuses a header list over the limit with 431 on HTTP/1.1", { timeout: 30_000 }, async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${service.url}/healthz`, { headers: { "x-filler": "x".repeat(8000) } }, (res) => resolve(res.statusCode!));
      req.on("error", reject);
      req.end();
    });
    assert.equal(status, 431);
  });

  it("logs and counts a request the client cancelled as cancelled, not as a success", { timeout: 30_000 }, async () => {
    const session = http2.connect(service.url);
    const stream = session.request(grpcHeaders, { endStream: false });
    stream.on("error", () => {});
    await new Promise((resolve) => stream.once("ready", resolve));
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await closed(stream);
    session.destroy();
    // The line is written when the server sees the stream close.
    const line = await service.logEntry((l) => l.msg === "request" && l.rpc === PATH.slice(1) && l.protocol === "grpc" && l.code === 1);
    assert.ok(line, "a line with code 1");
    assert.equal(line.httpStatus, 499);
    assert.equal(requestLines(service.logs).filter((l) => l.rpc === PATH.slice(1) && l.code === 0).length, 0, "nothing counted as a success");
  });
});

describe("the caps on connections", () => {
  let service: Service;
  before(async () => {
    service = await Service.start({ MAX_CONNECTIONS: "6", MAX_CONNECTIONS_PER_CLIENT: "3" });
  });
  after(() => service.stop());

  /** Connections from one loopback address, open and idle. */
  function hold(count: number, localAddress: string): Promise<net.Socket[]> {
    return Promise.all(
      Array.from({ length: count }, () => new Promise<net.Socket>((resolve) => {
        const s = net.connect({ port: service.port, host: "127.0.0.1", localAddress }, () => resolve(s));
        s.on("error", () => {});
      })),
    );
  }

  /** Whether a connection from `localAddress` is closed at once, before it can say anything. */
  async function refused(localAddress: string): Promise<boolean> {
    const extra = net.connect({ port: service.port, host: "127.0.0.1", localAddress });
    extra.on("error", () => {});
    const outcome = await Promise.race([closed(extra).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1000))]);
    extra.destroy();
    return outcome;
  }

  /** `/healthz` from `localAddress`. */
  function healthzFrom(localAddress: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: "127.0.0.1", port: service.port, path: "/healthz", localAddress, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", reject);
    });
  }

  it("closes a client's connections past its cap at once, and /healthz from elsewhere still answers", { timeout: 30_000 }, async () => {
    const held = await hold(3, "127.0.0.1");
    assert.equal(await refused("127.0.0.1"), true, "a fourth from the same client");
    assert.equal(await healthzFrom("127.0.0.2"), 200);
    for (const s of held) s.destroy();
  });

  it("closes connections past the server's cap, and serves again when they are gone", { timeout: 30_000 }, async () => {
    const held = [...(await hold(3, "127.0.0.3")), ...(await hold(3, "127.0.0.4"))];
    assert.equal(await refused("127.0.0.5"), true, "a seventh in all");
    for (const s of held) s.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(await healthzFrom("127.0.0.5"), 200);
  });
});

describe("files under DATA_DIR", { skip: ON_POSTGRES && "the database is PostgreSQL: no files of its own" }, () => {
  it("are created 0600 in a 0700 folder, and a start warns about ones that others can read", { timeout: 60_000 }, async () => {
    const dataDir = path.join(tempDir(), "data");
    const service = await Service.start({ DATA_DIR: dataDir });
    try {
      await service.createUser("Initial-Passw0rd!"); // a write, so the -wal and -shm files exist
      assert.equal(fs.statSync(dataDir).mode & 0o777, 0o700);
      for (const suffix of ["", "-wal", "-shm"]) {
        assert.equal(fs.statSync(path.join(dataDir, `password-service.db${suffix}`)).mode & 0o777, 0o600, suffix || "the database");
      }
    } finally {
      await service.terminate("SIGTERM");
    }
    fs.chmodSync(path.join(dataDir, "password-service.db"), 0o644);
    const again = await Service.start({ DATA_DIR: dataDir });
    try {
      const warning = logEntries(again.logs).find((e) => e.level === 40 && e.file === path.join(dataDir, "password-service.db"));
      assert.ok(warning, "a warning names the file");
    } finally {
      await again.stop();
      await service.stop();
    }
  });
});
