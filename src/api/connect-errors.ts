import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { CredentialsCheckErrorSchema, ErrorDetailSchema } from "../../gen/zitadel/message_pb.js";
import type { ErrorKind, ServiceError } from "../core/errors.js";
import { type Language, messageIn, wireMessageIn } from "../core/messages.js";

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

/** The error detail ZITADEL attaches: none for validation, else one of two messages, its text in the caller's language. */
export function detailOf(err: ServiceError, language: Language) {
  if (!err.id) return undefined;
  const message = messageIn(err, language);
  if (err.failedAttempts !== undefined) {
    return {
      desc: CredentialsCheckErrorSchema,
      value: create(CredentialsCheckErrorSchema, {
        id: err.id,
        message,
        failedAttempts: err.failedAttempts,
      }),
    };
  }
  return { desc: ErrorDetailSchema, value: create(ErrorDetailSchema, { id: err.id, message }) };
}

/** For gRPC, gRPC-Web and Connect: code, `<message> (<id>)` and the detail, in the caller's language (English unless told). */
export function toConnectError(err: ServiceError, language: Language = "en"): ConnectError {
  const detail = detailOf(err, language);
  return new ConnectError(wireMessageIn(err, language), CODE_OF[err.kind], undefined, detail ? [detail] : []);
}
