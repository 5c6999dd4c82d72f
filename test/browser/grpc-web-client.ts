// Run in the browser by test/browser.test.ts: Google's official gRPC-Web
// runtime (npm grpc-web), its method descriptor fed with protobuf-es
// serialisers instead of protoc-gen-grpc-web output; and Connect's
// gRPC-Web transport (npm @connectrpc/connect-web).
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { GrpcWebClientBase, MethodDescriptor, MethodType, type RpcError } from "grpc-web";
import {
  AuthService,
  type UpdateMyPasswordRequest,
  UpdateMyPasswordRequestSchema,
  type UpdateMyPasswordResponse,
  UpdateMyPasswordResponseSchema,
} from "../../gen/zitadel/auth_pb.js";

const PATH = "/zitadel.auth.v1.AuthService/UpdateMyPassword";

// The two constructors are only used for types by the runtime.
const updateMyPassword = new MethodDescriptor<UpdateMyPasswordRequest, UpdateMyPasswordResponse>(
  PATH,
  MethodType.UNARY,
  Object as never,
  Object as never,
  (req: UpdateMyPasswordRequest) => toBinary(UpdateMyPasswordRequestSchema, req),
  (bytes: Uint8Array) => fromBinary(UpdateMyPasswordResponseSchema, bytes),
);

export type GrpcWebResult = { ok: true; sequence: string; resourceOwner: string } | { ok: false; code: number; message: string };

async function change(baseUrl: string, format: "text" | "binary", token: string, oldPassword: string, newPassword: string): Promise<GrpcWebResult> {
  const client = new GrpcWebClientBase({ format });
  try {
    const res = await client.unaryCall(
      baseUrl + PATH,
      create(UpdateMyPasswordRequestSchema, { oldPassword, newPassword }),
      { authorization: `Bearer ${token}` },
      updateMyPassword,
    );
    return { ok: true, sequence: String(res.details?.sequence), resourceOwner: res.details?.resourceOwner ?? "" };
  } catch (err) {
    const e = err as RpcError;
    return { ok: false, code: e.code, message: e.message };
  }
}

async function connectChange(baseUrl: string, token: string, oldPassword: string, newPassword: string): Promise<GrpcWebResult> {
  const client = createClient(AuthService, createGrpcWebTransport({ baseUrl }));
  try {
    const res = await client.updateMyPassword({ oldPassword, newPassword }, { headers: { authorization: `Bearer ${token}` } });
    return { ok: true, sequence: String(res.details?.sequence), resourceOwner: res.details?.resourceOwner ?? "" };
  } catch (err) {
    const e = ConnectError.from(err);
    return { ok: false, code: e.code, message: e.rawMessage };
  }
}

Object.assign(globalThis, { grpcWebChange: change, connectChange });
