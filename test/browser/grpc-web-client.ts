// Run in the browser by test/browser.test.ts: Google's official gRPC-Web
// runtime (npm grpc-web), its method descriptor fed with protobuf-es
// serialisers instead of protoc-gen-grpc-web output.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { GrpcWebClientBase, MethodDescriptor, MethodType, type RpcError } from "grpc-web";
import {
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

async function change(
  baseUrl: string,
  format: "text" | "binary",
  token: string,
  oldPassword: string,
  newPassword: string,
): Promise<GrpcWebResult> {
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

(globalThis as unknown as { grpcWebChange: typeof change }).grpcWebChange = change;
