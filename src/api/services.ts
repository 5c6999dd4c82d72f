import type { DescMethod, DescMethodUnary, DescService, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import { PasswordService } from "../../gen/passwordservice/v1/password_service_pb.js";
import { AuthService } from "../../gen/zitadel/auth_pb.js";
import type { RequestContext } from "../../gen/zitadel/object/v2/object_pb.js";
import { SessionService } from "../../gen/zitadel/session/v2/session_service_pb.js";
import { SettingsService } from "../../gen/zitadel/settings/v2/settings_service_pb.js";
import { UserService } from "../../gen/zitadel/user/v2/user_service_pb.js";
import type { Language } from "../core/messages.js";
import { currentRequest, type RequestInfo } from "../ops/request-info.js";
import { negotiateLanguage } from "./accept-language.js";
import type { NodeRequest } from "./node-types.js";
import type { ChangeEndpoint } from "./change-endpoint.js";
import type { PolicyEndpoint, SettingsRequest } from "./policy-endpoint.js";
import type { SessionEndpoint } from "./session-endpoint.js";
import { mediumOf, type UserEndpoint } from "./user-endpoint.js";

/**
 * Every API service this process serves, in one place: the RPC routes, the
 * REST routes (from each method's google.api.http), reflection, health and
 * the OpenAPI document all follow from it.
 */
export const API = {
  auth: AuthService,
  settings: SettingsService,
  user: UserService,
  session: SessionService,
  password: PasswordService,
};

/** What a protocol adapter knows of a call besides its message. */
export interface CallContext {
  authorization: string | null | undefined;
  userAgent: string | undefined;
  /** The caller's, from Accept-Language. */
  language: Language;
  info: RequestInfo | undefined;
}

/** What a handler is told of its call, from the request's headers (`header` joins repeated ones with ", "). */
export function callOf(header: (name: string) => string | null | undefined): CallContext {
  return {
    authorization: header("authorization"),
    userAgent: header("user-agent") ?? undefined,
    // gRPC's `accept-language` metadata is the same header.
    language: negotiateLanguage(header("accept-language")),
    info: currentRequest(),
  };
}

/** The same, from a Node request: REST's, and the direct unary path's. */
export function callOfRequest(req: NodeRequest): CallContext {
  return callOf((name) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  });
}

/** One RPC, as every adapter calls it; errors leave as ServiceError. */
export type UnaryHandler<M extends DescMethodUnary = DescMethodUnary> = (
  message: MessageShape<M["input"]>,
  call: CallContext,
) => Promise<MessageInitShape<M["output"]>>;

type ServiceHandlers<S extends DescService> = {
  [K in keyof S["method"]]: S["method"][K] extends DescMethodUnary ? UnaryHandler<S["method"][K]> : never;
};

/** A handler for every method of every service in API, checked by the compiler. */
export type ApiHandlers = { [K in keyof typeof API]: ServiceHandlers<(typeof API)[K]> };

export interface Endpoints {
  change: ChangeEndpoint;
  policies: PolicyEndpoint;
  users: UserEndpoint;
  sessions: SessionEndpoint;
}

/** Each RPC bound to its endpoint: the one map that Connect's routes and REST's both call. */
export function apiHandlers({ change, policies, users, sessions }: Endpoints): ApiHandlers {
  const changeOf = (requestName: string, m: { oldPassword: string; newPassword: string }, call: CallContext) =>
    change.handle({ ...callerOf(call), requestName, oldPassword: m.oldPassword, newPassword: m.newPassword, context: contextOf(call) });
  const session = <T>(message: T, call: CallContext) => ({ ...callerOf(call), message, context: contextOf(call) });
  return {
    auth: {
      // ZITADEL's response has details alone.
      updateMyPassword: async (m, call) => ({ details: (await changeOf("UpdateMyPasswordRequest", m, call)).details }),
      getMyPasswordComplexityPolicy: async (_m, call) => ({ policy: await policies.complexityPolicy(callerOf(call)) }),
    },
    settings: {
      getPasswordComplexitySettings: (m, call) => policies.passwordSettings({ ...callerOf(call), scope: scopeOf(m.ctx) }),
      getLockoutSettings: (m, call) => policies.lockoutSettings({ ...callerOf(call), scope: scopeOf(m.ctx) }),
    },
    user: {
      // async: a bad notification type (mediumOf throws) is answered as the endpoint's errors are.
      passwordReset: async (m, call) => users.passwordReset({ ...callerOf(call), userId: m.userId, medium: mediumOf(m.medium), context: contextOf(call) }),
      setPassword: (m, call) =>
        users.setPassword({ ...callerOf(call), userId: m.userId, newPassword: m.newPassword, verification: m.verification, context: contextOf(call) }),
    },
    session: {
      listSessions: (m, call) => sessions.listSessions(session(m, call)),
      getSession: (m, call) => sessions.getSession(session(m, call)),
      createSession: (m, call) => sessions.createSession(session(m, call)),
      setSession: (m, call) => sessions.setSession(session(m, call)),
      deleteSession: (m, call) => sessions.deleteSession(session(m, call)),
    },
    password: {
      changeMyPassword: async (m, call) => {
        const { details, freshToken } = await changeOf("ChangeMyPasswordRequest", m, call);
        return { details, accessToken: freshToken ?? "" };
      },
      getMyPasswordPolicy: (_m, call) => policies.myPolicy(callerOf(call)),
      validateMyNewPassword: (m, call) =>
        policies.validate({ ...callerOf(call), requestName: "ValidateMyNewPasswordRequest", newPassword: m.newPassword, language: call.language }),
    },
  };
}

/** Every service's handlers by method, for the adapters that look them up by descriptor. */
export function handlersByMethod(handlers: ApiHandlers): Map<DescMethodUnary, UnaryHandler> {
  const byMethod = new Map<DescMethodUnary, UnaryHandler>();
  for (const [key, service] of Object.entries(API)) {
    const own = handlers[key as keyof ApiHandlers] as unknown as Record<string, UnaryHandler>;
    for (const method of service.methods.filter(isUnary)) byMethod.set(method, own[method.localName]);
  }
  return byMethod;
}

/** Every method served here is unary; the guard tells the compiler so. */
export function isUnary(method: DescMethod): method is DescMethodUnary {
  return method.methodKind === "unary";
}

function callerOf(call: CallContext) {
  return { authorization: call.authorization, info: call.info };
}

/** Where a request came from, for the audit trail, and its language, for a reset's mail. */
function contextOf(call: CallContext) {
  return { userAgent: call.userAgent, remoteAddress: call.info?.remoteAddress, language: call.language };
}

/** A v2 RequestContext as the endpoint takes it: undefined when absent or empty. */
function scopeOf(ctx: RequestContext | undefined): SettingsRequest["scope"] {
  switch (ctx?.resourceOwner.case) {
    case "orgId":
      // An empty ID names no organisation: the caller's own, as with no ctx.
      return ctx.resourceOwner.value ? { orgId: ctx.resourceOwner.value } : undefined;
    case "instance":
      // ZITADEL reads `instance: false` as no choice made.
      return ctx.resourceOwner.value ? { instance: true } : undefined;
    default:
      return undefined;
  }
}
