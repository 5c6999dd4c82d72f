import { AsyncLocalStorage } from "node:async_hooks";
import { ID, type ServiceError } from "../core/errors.js";

export type Protocol = "grpc" | "grpc-web" | "grpc-web-text" | "connect" | "rest" | "http";

/**
 * What the transport and the adapters learn about one request, for its log
 * line and its metrics. Never holds a field of the request body.
 */
export interface RequestInfo {
  id: string;
  protocol: Protocol;
  /** The peer's address, for the audit trail. */
  remoteAddress: string | undefined;
  /** `package.Service/Method`, the HTTP route, or "unknown". */
  rpc: string;
  /** The gRPC status code, once an adapter knows it. */
  code?: number;
  /** Where the code is, when the response tells it (gRPC's status in its trailers or headers). */
  statusOf?: () => number | undefined;
  userId?: string;
  /** Set for password change attempts only. */
  outcome?: ChangeOutcome;
}

export type ChangeOutcome =
  | "changed"
  | "wrong_old_password"
  | "policy_refused"
  | "locked"
  | "overloaded"
  | "unavailable"
  | "unauthenticated"
  | "invalid_request"
  | "refused"
  | "conflict"
  | "internal_error";

/** Our own IDs for a new password the policy refuses (ZITADEL's are DOMAIN-*). */
const POLICY_REFUSALS = new Set<string>([ID.nulCharacter, ID.tooLong, ID.tooCommon, ID.containsContextWord, ID.breached, ID.usedBefore]);
/** ZITADEL's own refusals of a new password. */
const COMPLEXITY_REFUSALS = new Set<string>([ID.tooShort, ID.noLowercase, ID.noUppercase, ID.noNumber, ID.noSymbol]);

/** The outcome of a change attempt, from the error it ended with (undefined: it changed). */
export function changeOutcome(err: ServiceError | undefined): ChangeOutcome {
  if (!err) return "changed";
  if (err.id === ID.passwordInvalid) return "wrong_old_password";
  if (err.id === ID.locked) return "locked";
  if (COMPLEXITY_REFUSALS.has(err.id ?? "") || POLICY_REFUSALS.has(err.id ?? "")) return "policy_refused";
  switch (err.kind) {
    case "resource-exhausted":
      return "overloaded";
    case "unavailable":
      return "unavailable";
    case "unauthenticated":
      return "unauthenticated";
    case "invalid-argument":
      return "invalid_request";
    case "failed-precondition":
      return "refused";
    case "aborted":
      return "conflict";
    default:
      return "internal_error";
  }
}

const scope = new AsyncLocalStorage<RequestInfo>();

/** Runs the handling of one request with its info as the current one (the transport does this on arrival). */
export function inRequest<T>(info: RequestInfo, handle: () => T): T {
  return scope.run(info, handle);
}

/** The info of the request being handled, wherever the code is; undefined outside one. */
export function currentRequest(): RequestInfo | undefined {
  return scope.getStore();
}
