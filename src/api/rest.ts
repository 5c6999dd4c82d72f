import { create, type DescMessage, type MessageInitShape, type MessageShape, toJson, toJsonString } from "@bufbuild/protobuf";
import {
  GetMyPasswordComplexityPolicyResponseSchema,
  UpdateMyPasswordRequestSchema,
  UpdateMyPasswordResponseSchema,
} from "../../gen/zitadel/auth_pb.js";
import {
  PasswordResetRequestSchema,
  PasswordResetResponseSchema,
  SetPasswordRequestSchema,
  SetPasswordResponseSchema,
} from "../../gen/zitadel/user/v2/user_service_pb.js";
import {
  CreateSessionRequestSchema,
  CreateSessionResponseSchema,
  DeleteSessionRequestSchema,
  DeleteSessionResponseSchema,
  GetSessionResponseSchema,
  ListSessionsRequestSchema,
  ListSessionsResponseSchema,
  SetSessionRequestSchema,
  SetSessionResponseSchema,
} from "../../gen/zitadel/session/v2/session_service_pb.js";
import {
  GetLockoutSettingsResponseSchema,
  GetPasswordComplexitySettingsResponseSchema,
} from "../../gen/zitadel/settings/v2/settings_service_pb.js";
import { errors, ID, ServiceError } from "../core/errors.js";
import type { NodeRequest as Request, NodeResponse as Response } from "../http/http-types.js";
import { currentRequest } from "../ops/request-info.js";
import type { ChangeEndpoint } from "./change-endpoint.js";
import type { SessionEndpoint } from "./session-endpoint.js";
import { mediumOf, type UserEndpoint } from "./user-endpoint.js";
import type { PolicyEndpoint, SettingsRequest } from "./policy-endpoint.js";
import { CODE_OF, detailOf } from "./connect-errors.js";
import { parseJsonRequest } from "./json-request.js";
import { negotiateLanguage } from "./accept-language.js";
import { type Language, wireMessageIn } from "../core/messages.js";

export const REST_PATH = "/auth/v1/users/me/password";
/** The read routes, as grpc-gateway maps ZITADEL's RPCs. */
export const POLICY_PATH = "/auth/v1/policies/passwords/complexity";
export const PASSWORD_SETTINGS_PATH = "/v2/settings/password/complexity";
export const LOCKOUT_SETTINGS_PATH = "/v2/settings/lockout";

/** The v2 user routes, with the user's ID in the path; in the OpenAPI document's form. */
export const PASSWORD_RESET_PATH = "/v2/users/{user_id}/password_reset";
export const SET_PASSWORD_PATH = "/v2/users/{user_id}/password";
const USER_ROUTE = /^\/v2\/users\/([^/]+)\/(password_reset|password)$/;

/** The v2 session routes: create, search, and one session by its ID (read, set, delete). */
export const SESSIONS_PATH = "/v2/sessions";
export const SESSIONS_SEARCH_PATH = "/v2/sessions/search";
export const SESSION_PATH = "/v2/sessions/{session_id}";
const SESSION_ROUTE = /^\/v2\/sessions\/([^/]+)$/;
const SESSION_RPCS: Record<string, string> = {
  GET: "zitadel.session.v2.SessionService/GetSession",
  HEAD: "zitadel.session.v2.SessionService/GetSession",
  PATCH: "zitadel.session.v2.SessionService/SetSession",
  DELETE: "zitadel.session.v2.SessionService/DeleteSession",
};

/** The RPC each REST route serves, for log lines and metrics. */
const REST_RPCS = new Map([
  [REST_PATH, "zitadel.auth.v1.AuthService/UpdateMyPassword"],
  [POLICY_PATH, "zitadel.auth.v1.AuthService/GetMyPasswordComplexityPolicy"],
  [PASSWORD_SETTINGS_PATH, "zitadel.settings.v2.SettingsService/GetPasswordComplexitySettings"],
  [LOCKOUT_SETTINGS_PATH, "zitadel.settings.v2.SettingsService/GetLockoutSettings"],
  [PASSWORD_RESET_PATH, "zitadel.user.v2.UserService/PasswordReset"],
  [SET_PASSWORD_PATH, "zitadel.user.v2.UserService/SetPassword"],
  [SESSIONS_PATH, "zitadel.session.v2.SessionService/CreateSession"],
  [SESSIONS_SEARCH_PATH, "zitadel.session.v2.SessionService/ListSessions"],
]);

/** A request path as the route table knows it: a user route's ID replaced by its placeholder. */
function routeOf(path: string): string {
  if (path !== SESSIONS_SEARCH_PATH && SESSION_ROUTE.test(path)) return SESSION_PATH;
  const user = USER_ROUTE.exec(path);
  if (!user) return path;
  return user[2] === "password_reset" ? PASSWORD_RESET_PATH : SET_PASSWORD_PATH;
}

/** The RPC a REST request path serves, if it is one of the REST routes. */
export function restRpcOf(path: string, method = "GET"): string | undefined {
  const route = routeOf(path);
  // One session's route serves three RPCs, by method; another method is refused (405) as the read's.
  if (route === SESSION_PATH) return SESSION_RPCS[method] ?? SESSION_RPCS.GET;
  return REST_RPCS.get(route);
}


/** grpc-gateway's HTTP status for each gRPC code. */
const HTTP_STATUS = [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401];

/**
 * A refusal of the HTTP request itself, before any message is read (405,
 * 413, 415): a status of the REST route's own, not one of the domain's
 * errors. Answered as grpc-gateway answers them, with the gRPC code given.
 */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

type RestHandler = (req: Request, res: Response) => Promise<void>;

/** Every REST route, each as ZITADEL's grpc-gateway serves it: the handler of a request path, if it has one. */
export function restRoutes(
  endpoint: ChangeEndpoint,
  policies: PolicyEndpoint,
  users: UserEndpoint,
  sessions: SessionEndpoint,
  maxBodyBytes: number,
): (path: string) => RestHandler | undefined {
  const get = <T extends DescMessage>(schema: T, read: (req: Request) => Promise<MessageShape<T>>): RestHandler =>
    answering("GET", async (req, res) => send(res, 200, toJsonString(schema, await read(req))));
  const caller = (req: Request) => ({ authorization: req.headers.authorization, info: currentRequest() });
  /**
   * A route with a JSON body: proto3 JSON in, the response message or a
   * google.rpc.Status out. The v2 user routes (POST) take the body as the
   * rest of the request, so none is the empty message, as grpc-gateway reads
   * it (curl -X POST with no -d sends nothing); the change's (PUT) is the
   * whole message.
   */
  const withBody = <I extends DescMessage, O extends DescMessage>(
    method: "PUT" | "POST" | "PATCH" | "DELETE",
    input: I,
    output: O,
    call: (req: Request, message: MessageShape<I>) => Promise<MessageInitShape<O>>,
    status = 200,
  ) =>
    answering(method, async (req, res) => {
      checkContentType(req.headers["content-type"]);
      const body = await readBody(req, maxBodyBytes);
      const message = parseJsonRequest(input, method !== "PUT" && body.length === 0 ? Buffer.from("{}") : body);
      send(res, status, toJsonString(output, create(output, await call(req, message))));
    });
  const userOf = (req: Request) => userIdOfPath((req.url ?? "").split("?")[0]);
  const sessionOf = (req: Request) => sessionIdOfPath((req.url ?? "").split("?")[0]);
  const session = <T>(req: Request, message: T) => ({ ...caller(req), message, context: contextOf(req) });
  const oneSession = byMethod({
    GET: get(GetSessionResponseSchema, async (req) => {
      const token = new URLSearchParams((req.url ?? "").split("?")[1] ?? "").get("session_token") ?? undefined;
      return create(GetSessionResponseSchema, await sessions.getSession(session(req, { sessionId: sessionOf(req), sessionToken: token })));
    }),
    PATCH: withBody("PATCH", SetSessionRequestSchema, SetSessionResponseSchema, (req, message) =>
      sessions.setSession(session(req, { ...message, sessionId: sessionOf(req) })),
    ),
    DELETE: withBody("DELETE", DeleteSessionRequestSchema, DeleteSessionResponseSchema, (req, message) =>
      sessions.deleteSession(session(req, { sessionId: sessionOf(req), sessionToken: message.sessionToken })),
    ),
  });
  const routes = new Map([
    // The REST route of ZITADEL's change: unknown fields ignored.
    [REST_PATH, withBody("PUT", UpdateMyPasswordRequestSchema, UpdateMyPasswordResponseSchema, async (req, message) => {
      const { details } = await endpoint.handle({
        requestName: "UpdateMyPasswordRequest",
        authorization: req.headers.authorization,
        oldPassword: message.oldPassword,
        newPassword: message.newPassword,
        context: contextOf(req),
        info: currentRequest(),
      });
      return { details };
    })],
    [POLICY_PATH, get(GetMyPasswordComplexityPolicyResponseSchema, async (req) =>
      create(GetMyPasswordComplexityPolicyResponseSchema, { policy: await policies.complexityPolicy(caller(req)) }),
    )],
    [PASSWORD_SETTINGS_PATH, get(GetPasswordComplexitySettingsResponseSchema, (req) => policies.passwordSettings({ ...caller(req), scope: scopeFromQuery(req) }))],
    [LOCKOUT_SETTINGS_PATH, get(GetLockoutSettingsResponseSchema, (req) => policies.lockoutSettings({ ...caller(req), scope: scopeFromQuery(req) }))],
    [PASSWORD_RESET_PATH, withBody("POST", PasswordResetRequestSchema, PasswordResetResponseSchema, (req, message) =>
      users.passwordReset({ ...caller(req), userId: userOf(req), medium: mediumOf(message.medium), context: contextOf(req) }),
    )],
    [SET_PASSWORD_PATH, withBody("POST", SetPasswordRequestSchema, SetPasswordResponseSchema, (req, message) =>
      users.setPassword({ ...caller(req), userId: userOf(req), newPassword: message.newPassword, verification: message.verification, context: contextOf(req) }),
    )],
    // ZITADEL's http_response.success_code: 201 for a new session.
    [SESSIONS_PATH, withBody("POST", CreateSessionRequestSchema, CreateSessionResponseSchema, (req, message) => sessions.createSession(session(req, message)), 201)],
    [SESSIONS_SEARCH_PATH, withBody("POST", ListSessionsRequestSchema, ListSessionsResponseSchema, (req, message) => sessions.listSessions(session(req, message)))],
    [SESSION_PATH, oneSession],
  ]);
  return (path) => routes.get(routeOf(path));
}

/** Where a request came from, for the audit trail, and the language it asks in. */
function contextOf(req: Request) {
  return { userAgent: req.headers["user-agent"], remoteAddress: req.socket?.remoteAddress, language: negotiateLanguage(req.headers["accept-language"]) };
}

/** The user ID in a v2 user route's path, percent-decoded as grpc-gateway does. */
function userIdOfPath(path: string): string {
  return decodedSegment(USER_ROUTE.exec(path)![1], "user ID");
}

function sessionIdOfPath(path: string): string {
  return decodedSegment(SESSION_ROUTE.exec(path)![1], "session ID");
}

function decodedSegment(segment: string, what: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ServiceError("invalid-argument", undefined, `the ${what} in the path is not valid percent-encoding`);
  }
}

/** One path's handlers by method; any other method is refused with 405, naming those allowed. */
function byMethod(handlers: Record<string, RestHandler>): RestHandler {
  const allowed = Object.keys(handlers);
  return (req, res) => {
    const method = req.method === "HEAD" ? "GET" : (req.method ?? "");
    return (handlers[method] ?? answering(allowed.join(", "), async () => {}))(req, res);
  };
}

/**
 * The v2 reads' `ctx` from the query string, as grpc-gateway maps it:
 * `ctx.orgId` (or `ctx.org_id`) or `ctx.instance=true`. Both is a bad request.
 */
function scopeFromQuery(req: Request): SettingsRequest["scope"] {
  const query = new URLSearchParams((req.url ?? "").split("?")[1] ?? "");
  const orgId = query.get("ctx.orgId") ?? query.get("ctx.org_id") ?? "";
  const instance = query.get("ctx.instance");
  if (instance !== null && instance !== "true" && instance !== "false") {
    throw new ServiceError("invalid-argument", undefined, `ctx.instance must be true or false, not "${instance.slice(0, 20)}"`);
  }
  if (orgId && instance === "true") throw new ServiceError("invalid-argument", undefined, "ctx takes an orgId or instance, not both");
  if (orgId) return { orgId };
  return instance === "true" ? { instance: true } : undefined;
}

/** One route's method, and every error it throws answered as grpc-gateway answers it. */
function answering(method: string, handle: RestHandler): RestHandler {
  return async (req, res) => {
    try {
      if (req.method !== method && !(method === "GET" && req.method === "HEAD")) {
        res.setHeader("allow", method);
        throw new HttpError(405, 3, `method ${req.method} is not allowed; use ${method}`);
      }
      await handle(req, res);
    } catch (err) {
      // Anything but a ServiceError (the client went away mid-body, a bug) must
      // still answer, never reach `void rest()` as an unhandled rejection.
      if (err instanceof HttpError) return send(res, err.status, JSON.stringify({ code: err.code, message: err.message, details: [] }));
      sendError(res, err instanceof ServiceError ? err : errors.internal(), negotiateLanguage(req.headers["accept-language"]));
    }
  };
}

function checkContentType(contentType: string | undefined): void {
  // grpc-gateway reads any body as JSON; we refuse what is clearly something else.
  const type = contentType?.split(";")[0].trim().toLowerCase();
  if (type && type !== "application/json" && !type.endsWith("+json")) {
    throw new HttpError(415, 3, `content type "${type}" is not supported; send application/json`);
  }
}

function readBody(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners("data");
        req.resume();
        reject(tooLarge(maxBytes));
      } else {
        chunks.push(chunk);
      }
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 8, `request body is larger than ${maxBytes} bytes`);
}

/** A google.rpc.Status as grpc-gateway writes it, "@type" first in each detail, its texts in the caller's language. */
function sendError(res: Response, err: ServiceError, language: Language): void {
  if (res.headersSent) return void res.destroy();
  const code = CODE_OF[err.kind];
  const detail = detailOf(err, language);
  const details = detail
    ? [{ "@type": `type.googleapis.com/${detail.desc.typeName}`, ...(toJson(detail.desc, detail.value) as object) }]
    : [];
  if (err.retryAfterSeconds !== undefined) res.setHeader("retry-after", String(err.retryAfterSeconds));
  if (code === 16) {
    // RFC 6750: an error code only when a bearer token was sent and failed.
    res.setHeader("www-authenticate", err.id === ID.tokenInvalid ? 'Bearer error="invalid_token"' : "Bearer");
  }
  send(res, HTTP_STATUS[code], JSON.stringify({ code, message: wireMessageIn(err, language), details }));
}

function send(res: Response, status: number, json: string): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}
