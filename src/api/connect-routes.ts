import type { DescMessage, JsonReadOptions } from "@bufbuild/protobuf";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { ChangeMyPasswordRequestSchema, PasswordService } from "../../gen/passwordservice/v1/password_service_pb.js";
import { AuthService, UpdateMyPasswordRequestSchema } from "../../gen/zitadel/auth_pb.js";
import type { ServiceError } from "../core/errors.js";
import { currentRequest } from "../ops/request-info.js";
import type { RequestContext } from "../../gen/zitadel/object/v2/object_pb.js";
import { SettingsService } from "../../gen/zitadel/settings/v2/settings_service_pb.js";
import { PasswordResetRequestSchema, SetPasswordRequestSchema, UserService } from "../../gen/zitadel/user/v2/user_service_pb.js";
import {
  CreateSessionRequestSchema,
  DeleteSessionRequestSchema,
  GetSessionRequestSchema,
  ListSessionsRequestSchema,
  SessionService,
  SetSessionRequestSchema,
} from "../../gen/zitadel/session/v2/session_service_pb.js";
import type { SessionEndpoint } from "./session-endpoint.js";
import type { ChangeEndpoint } from "./change-endpoint.js";
import type { PolicyEndpoint, PolicyRequest, SettingsRequest } from "./policy-endpoint.js";
import { mediumOf, type UserEndpoint } from "./user-endpoint.js";
import { toConnectError } from "./connect-errors.js";
import { negotiateLanguage } from "./accept-language.js";
import { parseJsonRequest, strictUtf8 } from "./json-request.js";

/**
 * ZITADEL's UpdateMyPassword, GetMyPasswordComplexityPolicy, Settings v2
 * reads and v2 UserService password calls, and our own PasswordService,
 * over gRPC, gRPC-Web and Connect.
 */
export function connectRoutes(endpoint: ChangeEndpoint, policies: PolicyEndpoint, users: UserEndpoint, sessions: SessionEndpoint) {
  const change = async (
    requestName: string,
    req: { oldPassword: string; newPassword: string },
    ctx: HandlerContext,
  ) => {
    try {
      return await endpoint.handle({
        requestName,
        authorization: ctx.requestHeader.get("authorization"),
        oldPassword: req.oldPassword,
        newPassword: req.newPassword,
        context: context(ctx),
        info: currentRequest(),
      });
    } catch (err) {
      throw toConnectError(err as ServiceError, languageOf(ctx)); // handle() only ever throws ServiceError
    }
  };
  const read = <T>(ctx: HandlerContext, call: (req: PolicyRequest) => Promise<T>) =>
    call({ authorization: ctx.requestHeader.get("authorization"), info: currentRequest() }).catch((err) => {
      throw toConnectError(err as ServiceError, languageOf(ctx)); // the endpoint only ever throws ServiceError
    });
  const context = (ctx: HandlerContext) => ({
    userAgent: ctx.requestHeader.get("user-agent") ?? undefined,
    remoteAddress: currentRequest()?.remoteAddress,
    language: languageOf(ctx),
  });
  return (router: ConnectRouter) => {
    router.service(
      AuthService,
      {
        // ZITADEL's response has details alone.
        updateMyPassword: async (req, ctx) => ({ details: (await change("UpdateMyPasswordRequest", req, ctx)).details }),
        getMyPasswordComplexityPolicy: async (_req, ctx) => ({ policy: await read(ctx, (r) => policies.complexityPolicy(r)) }),
      },
      { jsonOptions: quotingNothing(UpdateMyPasswordRequestSchema) },
    );
    router.service(
      PasswordService,
      {
        changeMyPassword: async (req, ctx) => {
          const { details, freshToken } = await change("ChangeMyPasswordRequest", req, ctx);
          return { details, accessToken: freshToken ?? "" };
        },
        getMyPasswordPolicy: (_req, ctx) => read(ctx, (r) => policies.myPolicy(r)),
        validateMyNewPassword: (req, ctx) =>
          read(ctx, (r) =>
            policies.validate({ ...r, requestName: "ValidateMyNewPasswordRequest", newPassword: req.newPassword, language: languageOf(ctx) }),
          ),
      },
      { jsonOptions: quotingNothing(ChangeMyPasswordRequestSchema) },
    );
    // One method at a time: each has its own JSON check (see quotingNothing).
    router.rpc(
      UserService.method.passwordReset,
      // async: a bad notification type (mediumOf throws) is answered as the endpoint's errors are.
      (req, ctx) =>
        read(ctx, async (r) => users.passwordReset({ ...r, userId: req.userId, medium: mediumOf(req.medium), context: context(ctx) })),
      { jsonOptions: quotingNothing(PasswordResetRequestSchema) },
    );
    router.rpc(
      UserService.method.setPassword,
      (req, ctx) =>
        read(ctx, (r) => users.setPassword({ ...r, userId: req.userId, newPassword: req.newPassword, verification: req.verification, context: context(ctx) })),
      { jsonOptions: quotingNothing(SetPasswordRequestSchema) },
    );
    const session = <T>(ctx: HandlerContext, message: T) => ({ authorization: ctx.requestHeader.get("authorization"), info: currentRequest(), message, context: context(ctx) });
    const sessionCall = <T>(ctx: HandlerContext, call: Promise<T>) =>
      call.catch((err) => {
        throw toConnectError(err as ServiceError, languageOf(ctx)); // the endpoint only ever throws ServiceError
      });
    router.rpc(SessionService.method.createSession, (req, ctx) => sessionCall(ctx, sessions.createSession(session(ctx, req))), {
      jsonOptions: quotingNothing(CreateSessionRequestSchema),
    });
    router.rpc(SessionService.method.setSession, (req, ctx) => sessionCall(ctx, sessions.setSession(session(ctx, req))), {
      jsonOptions: quotingNothing(SetSessionRequestSchema),
    });
    router.rpc(SessionService.method.getSession, (req, ctx) => sessionCall(ctx, sessions.getSession(session(ctx, req))), {
      jsonOptions: quotingNothing(GetSessionRequestSchema),
    });
    router.rpc(SessionService.method.deleteSession, (req, ctx) => sessionCall(ctx, sessions.deleteSession(session(ctx, req))), {
      jsonOptions: quotingNothing(DeleteSessionRequestSchema),
    });
    router.rpc(SessionService.method.listSessions, (req, ctx) => sessionCall(ctx, sessions.listSessions(session(ctx, req))), {
      jsonOptions: quotingNothing(ListSessionsRequestSchema),
    });
    router.service(SettingsService, {
      getPasswordComplexitySettings: (req, ctx) => read(ctx, (r) => policies.passwordSettings({ ...r, scope: scopeOf(req.ctx) })),
      getLockoutSettings: (req, ctx) => read(ctx, (r) => policies.lockoutSettings({ ...r, scope: scopeOf(req.ctx) })),
    });
  };
}

/** The caller's language, from Accept-Language (gRPC's `accept-language` metadata is the same header). */
function languageOf(ctx: HandlerContext) {
  return negotiateLanguage(ctx.requestHeader.get("accept-language"));
}

/**
 * JSON options under which connect-es's errors for a bad JSON body (on
 * Connect, gRPC-Web or gRPC) quote none of it, as the REST route's do: each
 * body is checked by parseJsonRequest before connect-es parses it. connect-es
 * reads `textDecoder` from these options (its JsonSerializationOptions)
 * though the handler options' type leaves it out; test/hostile.test.ts
 * fails if a release stops doing so.
 */
function quotingNothing(schema: DescMessage): Partial<JsonReadOptions> {
  const textDecoder = {
    decode(body: Uint8Array): string {
      try {
        parseJsonRequest(schema, body);
      } catch (err) {
        throw toConnectError(err as ServiceError);
      }
      return strictUtf8.decode(body);
    },
  };
  return { textDecoder } as Partial<JsonReadOptions>;
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
