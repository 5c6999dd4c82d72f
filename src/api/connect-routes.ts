import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { PasswordService } from "../../gen/passwordservice/v1/password_service_pb.js";
import { AuthService } from "../../gen/zitadel/auth_pb.js";
import type { ServiceError } from "../errors.js";
import { requestInfoKey } from "../request-info.js";
import type { ChangeEndpoint } from "./change-endpoint.js";
import { toConnectError } from "./connect-errors.js";

/** ZITADEL's UpdateMyPassword and our ChangeMyPassword, over gRPC, gRPC-Web and Connect. */
export function connectRoutes(endpoint: ChangeEndpoint) {
  const change = async (
    requestName: string,
    req: { oldPassword: string; newPassword: string },
    ctx: HandlerContext,
  ) => {
    try {
      const details = await endpoint.handle({
        requestName,
        authorization: ctx.requestHeader.get("authorization"),
        oldPassword: req.oldPassword,
        newPassword: req.newPassword,
        info: ctx.values.get(requestInfoKey),
      });
      return { details };
    } catch (err) {
      throw toConnectError(err as ServiceError); // handle() only ever throws ServiceError
    }
  };
  return (router: ConnectRouter) => {
    router.service(AuthService, {
      updateMyPassword: (req, ctx) => change("UpdateMyPasswordRequest", req, ctx),
    });
    router.service(PasswordService, {
      changeMyPassword: (req, ctx) => change("ChangeMyPasswordRequest", req, ctx),
    });
  };
}
