import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { CredentialsCheckErrorSchema, ErrorDetailSchema } from "../../gen/zitadel/message_pb.js";
import type { ErrorKind, ServiceError } from "../core/errors.js";

export const CODE_OF: Record<ErrorKind, Code> = {
  "invalid-argument": Code.InvalidArgument,
  "failed-precondition": Code.FailedPrecondition,
  unauthenticated: Code.Unauthenticated,
  "permission-denied": Code.PermissionDenied,
  "not-found": Code.NotFound,
  aborted: Code.Aborted,
  "resource-exhausted": Code.ResourceExhausted,
  unimplemented: Code.Unimplemented,
  unavailable: Code.Unavailable,
  internal: Code.Internal,
};

/** The error detail ZITADEL attaches: none for validation, else one of two messages. */
export function detailOf(err: ServiceError) {
  if (!err.id) return undefined;
  if (err.failedAttempts !== undefined) {
    return {
      desc: CredentialsCheckErrorSchema,
      value: create(CredentialsCheckErrorSchema, {
        id: err.id,
        message: err.message,
        failedAttempts: err.failedAttempts,
      }),
    };
  }
  return { desc: ErrorDetailSchema, value: create(ErrorDetailSchema, { id: err.id, message: err.message }) };
}

/** For gRPC, gRPC-Web and Connect: code, `<message> (<id>)` and the detail. */
export function toConnectError(err: ServiceError): ConnectError {
  const detail = detailOf(err);
  return new ConnectError(err.wireMessage, CODE_OF[err.kind], undefined, detail ? [detail] : []);
}
