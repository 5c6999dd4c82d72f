import type { DescMessage, JsonReadOptions } from "@bufbuild/protobuf";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { ChangeMyPasswordRequestSchema, PasswordService } from "../../gen/passwordservice/v1/password_service_pb.js";
import { AuthService, UpdateMyPasswordRequestSchema } from "../../gen/zitadel/auth_pb.js";
import type { ServiceError } from "../core/errors.js";
import { currentRequest } from "../ops/request-info.js";
import type { RequestContext } from "../../gen/zitadel/object/v2/object_pb.js";
import { SettingsService } from "../../gen/zitadel/settings/v2/settings_service_pb.js";
import { PasswordResetRequestSchema, SetPasswordRequestSchema, UserService } from "../../gen/zitadel/user/v2/user_service_pb.js";
import type { ChangeEndpoint } from "./change-endpoint.js";
import type { PolicyEndpoint, PolicyRequest, SettingsRequest } from "./policy-endpoint.js";
import { mediumOf, type UserEndpoint } from "./user-endpoint.js";
import { toConnectError } from "./connect-errors.js";
import { parseJsonRequest, strictUtf8 } from "./json-request.js";

/**
 * ZITADEL's UpdateMyPassword, GetMyPasswordComplexityPolicy, Settings v2
 * reads and v2 UserService password calls, and our own PasswordService,
 * over gRPC, gRPC-Web and Connect.
 */
export function connectRoutes(endpoint: ChangeEndpoint, policies: PolicyEndpoint, users: UserEndpoint) {
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
      throw toConnectError(err as ServiceError); // handle() only ever throws ServiceError
    }
  };
  const read = <T>(ctx: HandlerContext, call: (req: PolicyRequest) => Promise<T>) =>
    call({ authorization: ctx.requestHeader.get("authorization"), info: currentRequest() }).catch((err) => {
      throw toConnectError(err as ServiceError); // the endpoint only ever throws ServiceError
    });
  const context = (ctx: HandlerContext) => ({
    userAgent: ctx.requestHeader.get("user-agent") ?? undefined,
    remoteAddress: currentRequest()?.remoteAddress,
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
          read(ctx, (r) => policies.validate({ ...r, requestName: "ValidateMyNewPasswordRequest", newPassword: req.newPassword })),
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
    router.service(SettingsService, {
      getPasswordComplexitySettings: (req, ctx) => read(ctx, (r) => policies.passwordSettings({ ...r, scope: scopeOf(req.ctx) })),
      getLockoutSettings: (req, ctx) => read(ctx, (r) => policies.lockoutSettings({ ...r, scope: scopeOf(req.ctx) })),
    });
  };
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
