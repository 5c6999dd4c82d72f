import { execFile } from "node:child_process";
import http from "node:http";
import { create, createRegistry, type DescMessage, fromBinary, type MessageInitShape, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { Client as GrpcClient, credentials, Metadata, type ServiceError as GrpcError } from "@grpc/grpc-js";
import { type Client, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { PasswordService } from "../../gen/passwordservice/v1/password_service_pb.js";
import { StatusSchema } from "../../gen/google/rpc/status_pb.js";
import { AuthService, UpdateMyPasswordRequestSchema, UpdateMyPasswordResponseSchema } from "../../gen/zitadel/auth_pb.js";
import { CredentialsCheckErrorSchema, ErrorDetailSchema } from "../../gen/zitadel/message_pb.js";
import { assertRestResponseMatchesOpenApi } from "./openapi.js";
import { ROOT } from "./service.js";
import { BUF } from "./tools.js";

/** What any protocol answered, in one shape the tests compare. */
export type Outcome =
  | { ok: true; sequence: string; changeDate: string; resourceOwner: string }
  | { ok: false; code: number; message: string; detail?: Detail; httpStatus?: number };

export interface Detail {
  type: string;
  id: string;
  message: string;
  failedAttempts?: number;
}

export interface ChangeCall {
  oldPassword: string;
  newPassword: string;
  /** The whole Authorization header value, or undefined for none. */
  authorization?: string;
  /** An Accept-Language header (gRPC metadata), or undefined for none. */
  acceptLanguage?: string;
}

export type Caller = (address: string, call: ChangeCall) => Promise<Outcome>;

const detailRegistry = createRegistry(ErrorDetailSchema, CredentialsCheckErrorSchema);

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

/** @grpc/grpc-js over h2c: an implementation independent of Connect. */
export const grpcJs: Caller = (address, call) =>
  new Promise((resolve) => {
    const client = new GrpcClient(address, credentials.createInsecure());
    const metadata = new Metadata();
    if (call.authorization !== undefined) metadata.set("authorization", call.authorization);
    if (call.acceptLanguage !== undefined) metadata.set("accept-language", call.acceptLanguage);
    client.makeUnaryRequest(
      "/zitadel.auth.v1.AuthService/UpdateMyPassword",
      (req: { oldPassword: string; newPassword: string }) => Buffer.from(toBinary(UpdateMyPasswordRequestSchema, create(UpdateMyPasswordRequestSchema, req))),
      (bytes: Buffer) => fromBinary(UpdateMyPasswordResponseSchema, bytes),
      { oldPassword: call.oldPassword, newPassword: call.newPassword },
      metadata,
      (err, res) => {
        client.close();
        if (err) return resolve(grpcJsFailure(err));
        const d = res!.details!;
        resolve({
          ok: true,
          sequence: String(d.sequence),
          changeDate: new Date(Number(d.changeDate!.seconds) * 1000 + d.changeDate!.nanos / 1e6).toISOString(),
          resourceOwner: d.resourceOwner,
        });
      },
    );
  });

function grpcJsFailure(err: GrpcError): Outcome {
  const bin = err.metadata.get("grpc-status-details-bin")[0] as Buffer | undefined;
  let detail: Detail | undefined;
  if (bin) {
    const status = fromBinary(StatusSchema, bin);
    if (status.code !== err.code) throw new Error(`status detail code ${status.code} differs from ${err.code}`);
    detail = status.details.map(unpackDetail)[0];
  }
  return { ok: false, code: err.code, message: err.details, detail };
}

function unpackDetail(any: Parameters<typeof anyUnpack>[0]): Detail {
  const message = anyUnpack(any, detailRegistry) as unknown as Detail & { $typeName: string };
  return withoutEmpty({
    type: message.$typeName,
    id: message.id,
    message: message.message,
    failedAttempts: message.$typeName === CredentialsCheckErrorSchema.typeName ? message.failedAttempts : undefined,
  });
}

function withoutEmpty(detail: Detail): Detail {
  if (detail.failedAttempts === undefined) delete detail.failedAttempts;
  return detail;
}

type AnyClient = Client<typeof AuthService> | Client<typeof PasswordService>;

async function viaConnectClient(transport: Transport, call: ChangeCall, ownApi = false): Promise<Outcome> {
  const headers: Record<string, string> = {};
  if (call.authorization !== undefined) headers.authorization = call.authorization;
  if (call.acceptLanguage !== undefined) headers["accept-language"] = call.acceptLanguage;
  const req = { oldPassword: call.oldPassword, newPassword: call.newPassword };
  try {
    const res = ownApi
      ? await createClient(PasswordService, transport).changeMyPassword(req, { headers })
      : await (createClient(AuthService, transport) as AnyClient & Client<typeof AuthService>).updateMyPassword(req, { headers });
    const d = res.details!;
    return {
      ok: true,
      sequence: String(d.sequence),
      changeDate: new Date(Number(d.changeDate!.seconds) * 1000 + d.changeDate!.nanos / 1e6).toISOString(),
      resourceOwner: d.resourceOwner,
    };
  } catch (err) {
    const e = ConnectError.from(err);
    const details = [
      ...e.findDetails(CredentialsCheckErrorSchema).map((m) => ({ ...m, type: m.$typeName })),
      ...e.findDetails(ErrorDetailSchema).map((m) => ({ ...m, type: m.$typeName })),
    ];
    const detail =
      details[0] &&
      withoutEmpty({
        type: details[0].type,
        id: details[0].id,
        message: details[0].message,
        failedAttempts: "failedAttempts" in details[0] ? (details[0].failedAttempts as number) : undefined,
      });
    return { ok: false, code: e.code, message: e.rawMessage, detail };
  }
}

export const grpcWeb: Caller = (address, call) => viaConnectClient(createGrpcWebTransport({ baseUrl: `http://${address}`, httpVersion: "1.1" }), call);

export const connectJson: Caller = (address, call) => viaConnectClient(createConnectTransport({ baseUrl: `http://${address}`, httpVersion: "1.1" }), call);

export const connectBinaryH2: Caller = (address, call) =>
  viaConnectClient(createConnectTransport({ baseUrl: `http://${address}`, httpVersion: "2", useBinaryFormat: true }), call);

/** Our own API, PasswordService/ChangeMyPassword, over Connect's gRPC on h2c. */
export const ownApiGrpc: Caller = (address, call) => viaConnectClient(createGrpcTransport({ baseUrl: `http://${address}` }), call, true);

/** A message in gRPC's length-prefixed frame (flags 0x80: gRPC-Web's trailer frame), for the tests' hand-written clients. */
export function grpcFrame(message: Uint8Array, flags = 0): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame[0] = flags;
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** A change's request message, framed, as the hand-written gRPC and gRPC-Web clients send it. */
function framedChange(call: { oldPassword: string; newPassword: string }): Buffer {
  return grpcFrame(toBinary(UpdateMyPasswordRequestSchema, create(UpdateMyPasswordRequestSchema, call)));
}

/**
 * gRPC over HTTP/1.1 with trailers, written out by hand with node:http:
 * neither grpc-js nor connect-node sends it, but some clients do.
 */
export const grpcHttp1: Caller = (address, call) =>
  new Promise((resolve, reject) => {
    const frame = framedChange(call);
    const [host, port] = address.split(":");
    const headers: Record<string, string> = { "content-type": "application/grpc+proto", te: "trailers" };
    if (call.authorization !== undefined) headers.authorization = call.authorization;
    if (call.acceptLanguage !== undefined) headers["accept-language"] = call.acceptLanguage;
    const req = http.request({ host, port, method: "POST", path: "/zitadel.auth.v1.AuthService/UpdateMyPassword", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const meta = { ...res.headers, ...res.trailers };
        const code = Number(meta["grpc-status"]);
        if (code === 0) {
          const body = Buffer.concat(chunks);
          const d = fromBinary(UpdateMyPasswordResponseSchema, body.subarray(5, 5 + body.readUInt32BE(1))).details!;
          return resolve({
            ok: true,
            sequence: String(d.sequence),
            changeDate: new Date(Number(d.changeDate!.seconds) * 1000 + d.changeDate!.nanos / 1e6).toISOString(),
            resourceOwner: d.resourceOwner,
          });
        }
        const bin = meta["grpc-status-details-bin"] as string | undefined;
        const status = bin ? fromBinary(StatusSchema, Buffer.from(bin, "base64")) : undefined;
        resolve({
          ok: false,
          code,
          message: decodeURIComponent(String(meta["grpc-message"] ?? "")),
          detail: status?.details.map(unpackDetail)[0],
        });
      });
    });
    req.on("error", reject);
    req.end(frame);
  });

/**
 * gRPC-Web in text mode (`application/grpc-web-text`), as Google's grpc-web
 * runtime sends it by default: the frames base64-encoded both ways. Written
 * out by hand; test/browser.test.ts drives the runtime itself.
 */
export const grpcWebText: Caller = async (address, call) => {
  const frame = framedChange(call);
  const headers: Record<string, string> = { "content-type": "application/grpc-web-text", accept: "application/grpc-web-text", "x-grpc-web": "1" };
  if (call.authorization !== undefined) headers.authorization = call.authorization;
  const res = await fetch(`http://${address}/zitadel.auth.v1.AuthService/UpdateMyPassword`, {
    method: "POST",
    headers,
    body: frame.toString("base64"),
  });
  const body = Buffer.from(await res.text(), "base64");
  const meta: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    meta[key] = value;
  });
  let response: Buffer | undefined;
  for (let at = 0; at < body.length; ) {
    const length = body.readUInt32BE(at + 1);
    const payload = body.subarray(at + 5, at + 5 + length);
    if (body[at] & 0x80) {
      for (const line of payload.toString().split("\r\n").filter(Boolean)) {
        const i = line.indexOf(":");
        meta[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
    } else response = payload;
    at += 5 + length;
  }
  const code = Number(meta["grpc-status"]);
  if (code === 0) {
    const d = fromBinary(UpdateMyPasswordResponseSchema, response!).details!;
    return {
      ok: true,
      sequence: String(d.sequence),
      changeDate: new Date(Number(d.changeDate!.seconds) * 1000 + d.changeDate!.nanos / 1e6).toISOString(),
      resourceOwner: d.resourceOwner,
    };
  }
  const bin = meta["grpc-status-details-bin"];
  const status = bin ? fromBinary(StatusSchema, Buffer.from(bin, "base64")) : undefined;
  return { ok: false, code, message: decodeURIComponent(meta["grpc-message"] ?? ""), detail: status?.details.map(unpackDetail)[0] };
};

/** The REST route with plain fetch. */
export const rest: Caller = async (address, call) => {
  const res = await restRequest(address, {
    body: JSON.stringify({ oldPassword: call.oldPassword, newPassword: call.newPassword }),
    authorization: call.authorization,
    acceptLanguage: call.acceptLanguage,
  });
  return restOutcome(res.status, res.json);
};

export async function restRequest(
  address: string,
  opts: { method?: string; body?: string | Buffer; authorization?: string; contentType?: string | null; acceptLanguage?: string },
): Promise<{ status: number; json: any; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (opts.contentType !== null) headers["content-type"] = opts.contentType ?? "application/json";
  if (opts.authorization !== undefined) headers.authorization = opts.authorization;
  if (opts.acceptLanguage !== undefined) headers["accept-language"] = opts.acceptLanguage;
  const res = await fetch(`http://${address}/auth/v1/users/me/password`, {
    method: opts.method ?? "PUT",
    headers,
    body: opts.body as BodyInit | undefined,
  });
  const text = await res.text();
  const json = JSON.parse(text);
  // Every REST answer any test sees is checked against the OpenAPI document.
  assertRestResponseMatchesOpenApi(res.status, res.headers.get("content-type"), json);
  return { status: res.status, json, headers: res.headers };
}

export function restOutcome(status: number, json: any): Outcome {
  if (status === 200) return { ok: true, ...json.details };
  const detail = json.details?.[0];
  return {
    ok: false,
    code: json.code,
    message: json.message,
    httpStatus: status,
    detail:
      detail &&
      withoutEmpty({
        type: detail["@type"].replace("type.googleapis.com/", ""),
        id: detail.id,
        message: detail.message,
        failedAttempts: detail["@type"].endsWith("CredentialsCheckError") ? (detail.failedAttempts ?? 0) : undefined,
      }),
  };
}

/** `buf curl` with the repository's own schema, for protocol grpc, grpcweb or connect. */
export function bufCurl(protocol: "grpc" | "grpcweb" | "connect"): Caller {
  return (address, call) =>
    new Promise((resolve, reject) => {
      const args = [
        "curl",
        "--schema",
        ROOT,
        "--protocol",
        protocol,
        ...(protocol === "grpc" ? ["--http2-prior-knowledge"] : []),
        "--data",
        JSON.stringify({ oldPassword: call.oldPassword, newPassword: call.newPassword }),
        ...(call.authorization === undefined ? [] : ["--header", `Authorization: ${call.authorization}`]),
        `http://${address}/zitadel.auth.v1.AuthService/UpdateMyPassword`,
      ];
      execFile(BUF, args, { cwd: ROOT }, (err, stdout, stderr) => {
        if (!err) {
          const details = JSON.parse(stdout).details;
          return resolve({ ok: true, ...details });
        }
        try {
          resolve(bufCurlFailure(JSON.parse(stderr)));
        } catch {
          reject(new Error(`buf curl failed: ${stderr}`));
        }
      });
    });
}

/** buf curl prints Connect's error JSON, with details as {type, value: base64 of the message}. */
function bufCurlFailure(json: { code: string; message: string; details?: { type: string; value: string }[] }): Outcome {
  const first = json.details?.[0];
  let detail: Detail | undefined;
  if (first) {
    const schema = first.type.endsWith("CredentialsCheckError") ? CredentialsCheckErrorSchema : ErrorDetailSchema;
    const message = fromBinary(schema, Buffer.from(first.value, "base64")) as Detail & { $typeName: string };
    detail = withoutEmpty({
      type: first.type,
      id: message.id,
      message: message.message,
      failedAttempts: schema === CredentialsCheckErrorSchema ? message.failedAttempts : undefined,
    });
  }
  return { ok: false, code: CONNECT_CODES.indexOf(json.code), message: json.message, detail };
}

const CONNECT_CODES = [
  "ok",
  "canceled",
  "unknown",
  "invalid_argument",
  "deadline_exceeded",
  "not_found",
  "already_exists",
  "permission_denied",
  "resource_exhausted",
  "failed_precondition",
  "aborted",
  "out_of_range",
  "unimplemented",
  "internal",
  "unavailable",
  "data_loss",
  "unauthenticated",
];

export const PROTOCOLS: Record<string, Caller> = {
  "grpc-js (h2c)": grpcJs,
  "gRPC (HTTP/1.1)": grpcHttp1,
  "gRPC-Web (HTTP/1.1)": grpcWeb,
  "gRPC-Web text (HTTP/1.1)": grpcWebText,
  "Connect JSON (HTTP/1.1)": connectJson,
  "Connect binary (HTTP/2)": connectBinaryH2,
  "own API (gRPC h2c)": ownApiGrpc,
  REST: rest,
  "buf curl grpc": bufCurl("grpc"),
  "buf curl grpcweb": bufCurl("grpcweb"),
  "buf curl connect": bufCurl("connect"),
};

/** One unary call of any method with grpc-js, an implementation independent of Connect: the answer, or its code and text. */
export function grpcJsUnary<I extends DescMessage, O extends DescMessage>(
  address: string,
  method: string,
  input: I,
  output: O,
  request: MessageInitShape<I>,
  token: string,
): Promise<MessageShape<O> | { code: number; details: string }> {
  return new Promise((resolve) => {
    const client = new GrpcClient(address, credentials.createInsecure());
    const metadata = new Metadata();
    metadata.set("authorization", bearer(token));
    client.makeUnaryRequest(
      method,
      (req: MessageInitShape<I>) => Buffer.from(toBinary(input, create(input, req))),
      (bytes: Buffer) => fromBinary(output, bytes),
      request,
      metadata,
      (err, res) => {
        client.close();
        resolve(err ? { code: err.code, details: err.details } : (res as MessageShape<O>));
      },
    );
  });
}
