import assert from "node:assert/strict";
import fs from "node:fs";
import http2 from "node:http2";
import https from "node:https";
import tls from "node:tls";
import { after, before, describe, it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type Client, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { Client as GrpcClient, credentials, Metadata, type ServiceError as GrpcError } from "@grpc/grpc-js";
import bcrypt from "bcrypt";
import { AuthService, UpdateMyPasswordRequestSchema, UpdateMyPasswordResponseSchema } from "../gen/zitadel/auth_pb.js";
import { Service, tempDir } from "./support/service.js";
import { selfSigned } from "./support/tools.js";

interface Change {
  oldPassword: string;
  newPassword: string;
  token: string;
}

/** What each client reports: the new sequence, or the error code. */
type Result = { sequence: string } | { code: number; message: string };

function restHttps(port: number, ca: Buffer, change: Change): Promise<Result> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ oldPassword: change.oldPassword, newPassword: change.newPassword });
    const req = https.request(
      {
        host: "127.0.0.1",
        port,
        method: "PUT",
        path: "/auth/v1/users/me/password",
        ca,
        agent: false,
        headers: { "content-type": "application/json", authorization: `Bearer ${change.token}`, "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => {
          const json = JSON.parse(text);
          resolve(res.statusCode === 200 ? { sequence: json.details.sequence } : { code: json.code, message: json.message });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** REST over HTTP/2 with TLS (what a browser or curl --http2 would use). */
async function restH2(port: number, ca: Buffer, change: Change): Promise<Result> {
  const session = http2.connect(`https://127.0.0.1:${port}`, { ca });
  try {
    const stream = session.request({
      ":method": "PUT",
      ":path": "/auth/v1/users/me/password",
      "content-type": "application/json",
      authorization: `Bearer ${change.token}`,
    });
    let status = 0;
    let text = "";
    stream.on("response", (h) => (status = Number(h[":status"])));
    stream.setEncoding("utf8");
    stream.on("data", (c: string) => (text += c));
    await new Promise<void>((resolve, reject) => {
      stream.on("end", resolve);
      stream.on("error", reject);
      stream.end(JSON.stringify({ oldPassword: change.oldPassword, newPassword: change.newPassword }));
    });
    const json = JSON.parse(text);
    return status === 200 ? { sequence: json.details.sequence } : { code: json.code, message: json.message };
  } finally {
    session.close();
  }
}

function grpcJsTls(address: string, ca: Buffer, change: Change): Promise<Result> {
  return new Promise((resolve) => {
    const client = new GrpcClient(address, credentials.createSsl(ca));
    const metadata = new Metadata();
    metadata.set("authorization", `Bearer ${change.token}`);
    client.makeUnaryRequest(
      "/zitadel.auth.v1.AuthService/UpdateMyPassword",
      (req: { oldPassword: string; newPassword: string }) => Buffer.from(toBinary(UpdateMyPasswordRequestSchema, create(UpdateMyPasswordRequestSchema, req))),
      (bytes: Buffer) => fromBinary(UpdateMyPasswordResponseSchema, bytes),
      { oldPassword: change.oldPassword, newPassword: change.newPassword },
      metadata,
      (err: GrpcError | null, res) => {
        client.close();
        resolve(err ? { code: err.code, message: err.details } : { sequence: String(res!.details!.sequence) });
      },
    );
  });
}

async function viaTransport(transport: Transport, change: Change): Promise<Result> {
  const client: Client<typeof AuthService> = createClient(AuthService, transport);
  try {
    const res = await client.updateMyPassword(
      { oldPassword: change.oldPassword, newPassword: change.newPassword },
      { headers: { authorization: `Bearer ${change.token}` } },
    );
    return { sequence: String(res.details!.sequence) };
  } catch (err) {
    const e = ConnectError.from(err);
    return { code: e.code, message: e.rawMessage };
  }
}

function alpn(port: number, ca: Buffer, protocols?: string[]): Promise<{ protocol: string | false | null; authorized: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, ca, servername: "localhost", ALPNProtocols: protocols }, () => {
      resolve({ protocol: socket.alpnProtocol, authorized: socket.authorized });
      socket.end();
    });
    socket.on("error", reject);
  });
}

describe("TLS on the one port", () => {
  let dir: string;
  let ca: Buffer;
  let service: Service;
  /** One user per test that changes a password, made together. */
  let users: { userId: string; token: string }[];

  before(async () => {
    dir = tempDir("ps-tls-");
    const { cert, key } = await selfSigned(dir, "server");
    ca = fs.readFileSync(cert);
    service = await Service.start({ TLS_CERT_FILE: cert, TLS_KEY_FILE: key });
    users = await Promise.all([1, 2, 3].map(() => service.createUser("Passw0rd-1!")));
  });

  after(() => service.stop());

  it("offers h2 and http/1.1 by ALPN, with a certificate a client can verify", async () => {
    assert.deepEqual(await alpn(service.port, ca, ["h2", "http/1.1"]), { protocol: "h2", authorized: true });
    assert.deepEqual(await alpn(service.port, ca, ["http/1.1"]), { protocol: "http/1.1", authorized: true });
    assert.deepEqual(await alpn(service.port, ca, ["h2"]), { protocol: "h2", authorized: true });
    assert.equal((await alpn(service.port, ca)).protocol, false, "no ALPN: HTTP/1.1 without negotiation");
  });

  it("changes a password over every protocol on TLS, one after another", async () => {
    const user = users[0];
    const url = `https://127.0.0.1:${service.port}`;
    const steps: [string, (change: Change) => Promise<Result>][] = [
      ["REST over HTTPS/1.1", (c) => restHttps(service.port, ca, c)],
      ["REST over h2", (c) => restH2(service.port, ca, c)],
      ["grpc-js with createSsl(ca)", (c) => grpcJsTls(service.address, ca, c)],
      ["Connect over HTTP/1.1", (c) => viaTransport(createConnectTransport({ baseUrl: url, httpVersion: "1.1", nodeOptions: { ca, agent: false } }), c)],
      [
        "Connect binary over h2",
        (c) => viaTransport(createConnectTransport({ baseUrl: url, httpVersion: "2", useBinaryFormat: true, nodeOptions: { ca } }), c),
      ],
      ["gRPC-Web over HTTP/1.1", (c) => viaTransport(createGrpcWebTransport({ baseUrl: url, httpVersion: "1.1", nodeOptions: { ca, agent: false } }), c)],
    ];
    for (const [i, [name, call]] of steps.entries()) {
      const result = await call({ oldPassword: `Passw0rd-${i + 1}!`, newPassword: `Passw0rd-${i + 2}!`, token: user.token });
      assert.deepEqual(result, { sequence: String(i + 2) }, name);
    }
    assert.ok(await bcrypt.compare(`Passw0rd-${steps.length + 1}!`, (await service.userRow(user.userId)).password_hash!));
    assert.deepEqual(
      (await service.events(user.userId)).map((e) => e.type),
      ["user.added", ...steps.map(() => "user.password.changed")],
    );
  });

  it("answers errors over TLS as over cleartext", async () => {
    const user = users[1];
    const wrong = { oldPassword: "Wrong-Passw0rd-1!", newPassword: "Passw0rd-2!", token: user.token };
    assert.deepEqual(await restHttps(service.port, ca, wrong), { code: 3, message: "Password is invalid (COMMAND-3M0fs)" });
    assert.deepEqual(await grpcJsTls(service.address, ca, { ...wrong, token: "garbage" }), {
      code: 16,
      message: "Token is invalid (AUTH-7fs1e)",
    });
  });

  it("refuses to speak cleartext HTTP on the TLS port, and keeps serving", async () => {
    const outcome = await fetch(`http://127.0.0.1:${service.port}/auth/v1/users/me/password`, { method: "PUT", body: "{}" }).then(
      (res) => `answered ${res.status}`,
      (err: Error) => `failed: ${err.message}`,
    );
    assert.match(outcome, /^failed: /);
    const h2c = http2.connect(`http://127.0.0.1:${service.port}`);
    const closed = await new Promise<string>((resolve) => {
      h2c.on("error", (err) => resolve(`error: ${err.message}`));
      h2c.on("close", () => resolve("closed"));
      h2c
        .request({ ":method": "PUT", ":path": "/auth/v1/users/me/password" })
        .on("error", () => {})
        .end("{}");
    });
    h2c.destroy();
    assert.ok(closed, "the h2c attempt ended");
    assert.ok(service.serving);
    const user = users[2];
    assert.deepEqual(await restHttps(service.port, ca, { oldPassword: "Passw0rd-1!", newPassword: "Passw0rd-2!", token: user.token }), {
      sequence: "2",
    });
  });
});
