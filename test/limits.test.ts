import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { ON_POSTGRES } from "./support/database.js";
import { Service, tempDir, type TestUser } from "./support/service.js";
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

/** `/healthz` on a connection of its own from `localAddress`. */
function healthzFrom(service: Service, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: service.port, path: "/healthz", localAddress, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on("timeout", () => req.destroy(new Error("no answer")));
    req.on("error", reject);
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
      Array.from(
        { length: count },
        () =>
          new Promise<net.Socket>((resolve) => {
            const s = net.connect({ port: service.port, host: "127.0.0.1", localAddress }, () => resolve(s));
            s.on("error", () => {});
          }),
      ),
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

  it("closes a client's connections past its cap at once, and /healthz from elsewhere still answers", { timeout: 30_000 }, async () => {
    const held = await hold(3, "127.0.0.1");
    assert.equal(await refused("127.0.0.1"), true, "a fourth from the same client");
    assert.equal(await healthzFrom(service, "127.0.0.2"), 200);
    for (const s of held) s.destroy();
  });

  it("closes connections past the server's cap, and serves again when they are gone", { timeout: 30_000 }, async () => {
    const held = [...(await hold(3, "127.0.0.3")), ...(await hold(3, "127.0.0.4"))];
    assert.equal(await refused("127.0.0.5"), true, "a seventh in all");
    for (const s of held) s.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(await healthzFrom(service, "127.0.0.5"), 200);
  });
});

describe("the per-client count after a flood", () => {
  const CAP = 8;
  const CLIENTS = 64;
  const BURST_MS = 4000;
  let service: Service;
  let user: TestUser;
  before(async () => {
    // A connection the server held on to would stay for the idle limit: the minute the issue saw.
    service = await Service.start({ MAX_CONNECTIONS_PER_CLIENT: String(CAP), IDLE_TIMEOUT_MS: "60000" });
    user = await service.createUser("Initial-Passw0rd!");
  });
  after(() => service.stop());

  /** One connection from 127.0.0.1 that does `kind` of thing and ends within a second or so; resolves once it is closed. */
  function connection(kind: number, until: number): Promise<void> {
    const body = JSON.stringify({ oldPassword: "Wrong-Passw0rd!", newPassword: "Other-Passw0rd!1" });
    const change = `PUT /auth/v1/users/me/password HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${user.token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const opening = [
      // Keep-alive HTTP/1.1, pipelined, then gone without a word.
      change.repeat(4),
      // An HTTP/2 preface cut short.
      "PRI * HTTP/2.0\r\n",
      // An HTTP/1.1 upgrade, to h2c and to a WebSocket.
      "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
      // A request's headers, and half its body.
      change.slice(0, -10),
      // Nothing at all.
      "",
    ][kind % 6];
    return new Promise((resolve) => {
      const socket = net.connect({ port: service.port, host: "127.0.0.1", localAddress: "127.0.0.1" }, () => socket.write(opening));
      socket.on("error", () => {});
      socket.resume(); // answers are read, so that the server's end of the connection is seen
      socket.on("close", () => resolve());
      // Each opening ends by turns in a reset and in a polite close; before the burst's end either way.
      const left = Math.max(0, Math.min(until - Date.now(), 200 + Math.random() * 800));
      setTimeout(() => (Math.floor(kind / 6) % 2 ? socket.resetAndDestroy() : socket.end()), left);
    });
  }

  /** HTTP/2 sessions from 127.0.0.1 making requests until `until`, then destroyed. */
  async function h2Client(until: number): Promise<void> {
    while (Date.now() < until) {
      const socket = net.connect({ port: service.port, host: "127.0.0.1", localAddress: "127.0.0.1" });
      socket.on("error", () => {});
      // The socket's close, not the session's: a session refused before it connected may never say it closed.
      const gone = closed(socket);
      const session = http2.connect(service.url, { createConnection: () => socket });
      session.on("error", () => {});
      const request = session.request({ ":method": "GET", ":path": "/healthz" });
      request.on("error", () => {});
      request.resume();
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
      session.destroy();
      await gone;
    }
  }

  async function client(index: number, until: number): Promise<void> {
    if (index % 8 === 7) return h2Client(until);
    for (let kind = index; Date.now() < until; kind++) await connection(kind, until);
  }

  it("serves a new connection from the flooding address within 5 s of its clients closing theirs", { timeout: 60_000 }, async () => {
    const until = Date.now() + BURST_MS;
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i, until)));
    // Every client's connection is closed now; the server may take a moment to see the last ones go.
    const deadline = Date.now() + 5000;
    let status: number | string = "never tried";
    while (Date.now() < deadline) {
      status = await healthzFrom(service, "127.0.0.1").catch((err: NodeJS.ErrnoException) => err.code ?? err.message);
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(status, 200, "a new connection from 127.0.0.1 is answered");
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
      await service.close();
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
