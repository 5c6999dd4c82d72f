/**
 * The direct unary path (src/http/direct-unary.ts) against connect-es's:
 * the same call, sent once as the direct path takes it and once with a
 * timeout header, which sends it through connect-es, must get the same
 * status, headers, body and trailers, byte for byte, on gRPC, gRPC-Web and
 * Connect; for answers, refusals of the domain, and the bodies the direct
 * path hands on (which connect-es then refuses).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create, type DescMessage, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { ValidateMyNewPasswordRequestSchema } from "../gen/passwordservice/v1/password_service_pb.js";
import { UpdateMyPasswordRequestSchema } from "../gen/zitadel/auth_pb.js";
import { CreateSessionRequestSchema } from "../gen/zitadel/session/v2/session_service_pb.js";
import { bearer, grpcFrame } from "./support/clients.js";
import { h2, http1 } from "./support/raw-http.js";
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
async function exchange(service: Service, framing: Framing, path: string, headers: Record<string, string>, body: Buffer): Promise<Exchange> {
  if (framing === "grpc") {
    const res = await h2(service.url, { te: "trailers", ...headers }, body, path);
    return { status: Number(res.headers[":status"]), headers: kept(res.headers), body: res.body.toString("hex"), trailers: kept(res.trailers) };
  }
  const res = await http1(service.port, { method: "POST", path, headers, chunks: [body] });
  return { status: res.status, headers: kept(res.headers), body: res.body.toString("hex"), trailers: kept(res.trailers) };
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
