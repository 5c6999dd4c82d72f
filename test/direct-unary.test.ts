/**
 * The direct unary path (src/http/direct-unary.ts) against connect-es's:
 * the same call, sent once as the direct path takes it and once with a
 * timeout header, which sends it through connect-es, must get the same
 * status, headers, body and trailers, byte for byte, on gRPC, gRPC-Web and
 * Connect; for answers, refusals of the domain, and the bodies the direct
 * path hands on (which connect-es then refuses).
 */
import assert from "node:assert/strict";
import http from "node:http";
import http2 from "node:http2";
import { after, before, describe, it } from "node:test";
import { create, type DescMessage, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { ValidateMyNewPasswordRequestSchema } from "../gen/passwordservice/v1/password_service_pb.js";
import { UpdateMyPasswordRequestSchema } from "../gen/zitadel/auth_pb.js";
import { CreateSessionRequestSchema } from "../gen/zitadel/session/v2/session_service_pb.js";
import { bearer, grpcFrame } from "./support/clients.js";
import { Service } from "./support/service.js";

type Framing = "grpc" | "grpc-web" | "connect";

interface Exchange {
  status: number;
  headers: Record<string, unknown>;
  body: string;
  trailers: Record<string, unknown>;
}

/** Headers that differ between any two responses. */
const VARYING = new Set(["date", "x-request-id"]);

const TYPE: Record<Framing, string> = { grpc: "application/grpc", "grpc-web": "application/grpc-web+proto", connect: "application/proto" };
const TIMEOUT: Record<Framing, [string, string]> = {
  grpc: ["grpc-timeout", "30S"],
  "grpc-web": ["grpc-timeout", "30S"],
  connect: ["connect-timeout-ms", "30000"],
};

const MAX_BODY_BYTES = 4096;

function kept(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => !VARYING.has(key) && !key.startsWith(":")));
}

/** One call over HTTP/2 (gRPC) or HTTP/1.1 (gRPC-Web, Connect), its whole answer as received. */
function exchange(service: Service, framing: Framing, path: string, headers: Record<string, string>, body: Buffer): Promise<Exchange> {
  return framing === "grpc" ? overHttp2(service, path, headers, body) : overHttp1(service, path, headers, body);
}

function overHttp2(service: Service, path: string, headers: Record<string, string>, body: Buffer): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(service.url);
    session.on("error", reject);
    const stream = session.request({ ":method": "POST", ":path": path, te: "trailers", ...headers });
    const chunks: Buffer[] = [];
    let status = 0;
    let received: Record<string, unknown> = {};
    let trailers: Record<string, unknown> = {};
    stream.on("response", (h) => {
      status = Number(h[":status"]);
      received = kept(h);
    });
    stream.on("trailers", (t) => {
      trailers = kept(t);
    });
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      session.close();
      resolve({ status, headers: received, body: Buffer.concat(chunks).toString("hex"), trailers });
    });
    stream.on("error", reject);
    stream.end(body);
  });
}

function overHttp1(service: Service, path: string, headers: Record<string, string>, body: Buffer): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${service.url}${path}`, { method: "POST", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode!, headers: kept(res.headers), body: Buffer.concat(chunks).toString("hex"), trailers: kept(res.trailers) }),
      );
      res.on("error", reject);
    });
    // A server that answers a body too large before reading it all may close the connection under the rest.
    req.on("error", (err: NodeJS.ErrnoException) => (err.code === "ECONNRESET" || err.code === "EPIPE" ? undefined : reject(err)));
    req.end(body);
  });
}

function message<D extends DescMessage>(schema: D, init: MessageInitShape<D>): Buffer {
  return Buffer.from(toBinary(schema, create(schema, init)));
}

interface Case {
  name: string;
  path: string;
  /** The body's message bytes (framed for gRPC and gRPC-Web unless `raw`). */
  bytes: Buffer;
  /** The body as sent, on every framing: for frames that are not one plain message. */
  raw?: Partial<Record<Framing, Buffer>>;
  authorization?: () => Promise<string | undefined>;
}

describe("the direct unary path answers as connect-es does", () => {
  let service: Service;
  before(async () => {
    service = await Service.start({ MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
  });
  after(() => service.stop());

  const userToken = async () => bearer((await service.createUser("Old-Passw0rd!")).token);
  const loginClient = async () => bearer((await service.loginClientToken()).token);
  const change = message(UpdateMyPasswordRequestSchema, { oldPassword: "Wrong-Passw0rd!", newPassword: "New-Passw0rd!" });
  const cases: Case[] = [
    {
      name: "an answer",
      path: "/passwordservice.v1.PasswordService/ValidateMyNewPassword",
      bytes: message(ValidateMyNewPasswordRequestSchema, { newPassword: "short" }),
      authorization: userToken,
    },
    // A new user each time: the detail counts the user's failed attempts.
    { name: "a wrong password, with ZITADEL's detail", path: "/zitadel.auth.v1.AuthService/UpdateMyPassword", bytes: change, authorization: userToken },
    { name: "no token", path: "/zitadel.auth.v1.AuthService/UpdateMyPassword", bytes: change },
    {
      name: "an unknown login name",
      path: "/zitadel.session.v2.SessionService/CreateSession",
      bytes: message(CreateSessionRequestSchema, { checks: { user: { search: { case: "loginName", value: "nobody@nowhere" } } } }),
      authorization: loginClient,
    },
    { name: "an empty message", path: "/zitadel.auth.v1.AuthService/UpdateMyPassword", bytes: Buffer.alloc(0), authorization: userToken },
    {
      name: "a field of the wrong wire type (handed on)",
      path: "/zitadel.auth.v1.AuthService/UpdateMyPassword",
      bytes: Buffer.from([0x08, 0x01]),
      authorization: userToken,
    },
    { name: "bytes that are no message (handed on)", path: "/zitadel.auth.v1.AuthService/UpdateMyPassword", bytes: Buffer.from([0x0a, 0x7f, 0x41]) },
    {
      name: "a body over the limit (handed on, part read)",
      path: "/zitadel.auth.v1.AuthService/UpdateMyPassword",
      bytes: message(UpdateMyPasswordRequestSchema, { oldPassword: "x".repeat(MAX_BODY_BYTES * 4), newPassword: "y" }),
    },
    {
      name: "frames that are not one plain message (handed on)",
      path: "/zitadel.auth.v1.AuthService/UpdateMyPassword",
      bytes: change,
      raw: { grpc: Buffer.concat([grpcFrame(change), grpcFrame(change)]), "grpc-web": grpcFrame(change, 1) },
    },
    {
      name: "no frame, or a cut-off one (handed on)",
      path: "/zitadel.auth.v1.AuthService/UpdateMyPassword",
      bytes: change,
      raw: { grpc: Buffer.alloc(0), "grpc-web": grpcFrame(change).subarray(0, 9) },
    },
  ];

  for (const framing of ["grpc", "grpc-web", "connect"] as const) {
    for (const c of cases) {
      if (c.raw && !c.raw[framing]) continue;
      it(`${c.name}, over ${framing}`, async () => {
        const body = c.raw?.[framing] ?? (framing === "connect" ? c.bytes : grpcFrame(c.bytes));
        const send = async (extra: Record<string, string>) => {
          const authorization = await c.authorization?.();
          const headers: Record<string, string> = { "content-type": TYPE[framing], ...extra };
          if (authorization) headers.authorization = authorization;
          return exchange(service, framing, c.path, headers, body);
        };
        const [name, value] = TIMEOUT[framing];
        const direct = await send({});
        const throughConnect = await send({ [name]: value });
        assert.deepEqual(direct, throughConnect);
        assert.notEqual(direct.status, 0);
      });
    }
  }
});
