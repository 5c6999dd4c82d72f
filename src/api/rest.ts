import { create, toJson, toJsonString } from "@bufbuild/protobuf";
import {
  UpdateMyPasswordRequestSchema,
  UpdateMyPasswordResponseSchema,
} from "../../gen/zitadel/auth_pb.js";
import { errors, ServiceError } from "../errors.js";
import type { NodeRequest as Request, NodeResponse as Response } from "../http-types.js";
import { requestInfo } from "../request-info.js";
import type { ChangeEndpoint } from "./change-endpoint.js";
import { CODE_OF, detailOf } from "./connect-errors.js";
import { parseJsonRequest } from "./json-request.js";

export const REST_PATH = "/auth/v1/users/me/password";


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

/**
 * `PUT /auth/v1/users/me/password` as ZITADEL's grpc-gateway serves it: the
 * request message as proto3 JSON, unknown fields ignored; the response or a
 * google.rpc.Status as JSON.
 */
export function restHandler(endpoint: ChangeEndpoint, maxBodyBytes: number) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      if (req.method !== "PUT") {
        res.setHeader("allow", "PUT");
        throw new HttpError(405, 3, `method ${req.method} is not allowed; use PUT`);
      }
      checkContentType(req.headers["content-type"]);
      const body = await readBody(req, maxBodyBytes);
      const message = parseJsonRequest(UpdateMyPasswordRequestSchema, body);
      const { details } = await endpoint.handle({
        requestName: "UpdateMyPasswordRequest",
        authorization: req.headers.authorization,
        oldPassword: message.oldPassword,
        newPassword: message.newPassword,
        context: { userAgent: req.headers["user-agent"], remoteAddress: req.socket?.remoteAddress },
        info: requestInfo(req),
      });
      const json = toJsonString(UpdateMyPasswordResponseSchema, create(UpdateMyPasswordResponseSchema, { details }));
      send(res, 200, json);
    } catch (err) {
      // Anything but a ServiceError (the client went away mid-body, a bug) must
      // still answer, never reach `void rest()` as an unhandled rejection.
      if (err instanceof HttpError) return send(res, err.status, JSON.stringify({ code: err.code, message: err.message, details: [] }));
      sendError(res, err instanceof ServiceError ? err : errors.internal());
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

/** A google.rpc.Status as grpc-gateway writes it, "@type" first in each detail. */
function sendError(res: Response, err: ServiceError): void {
  if (res.headersSent) return void res.destroy();
  const code = CODE_OF[err.kind];
  const detail = detailOf(err);
  const details = detail
    ? [{ "@type": `type.googleapis.com/${detail.desc.typeName}`, ...(toJson(detail.desc, detail.value) as object) }]
    : [];
  if (err.retryAfterSeconds !== undefined) res.setHeader("retry-after", String(err.retryAfterSeconds));
  if (code === 16) {
    // RFC 6750: an error code only when a bearer token was sent and failed.
    res.setHeader("www-authenticate", err.id === errors.tokenInvalid().id ? 'Bearer error="invalid_token"' : "Bearer");
  }
  send(res, HTTP_STATUS[code], JSON.stringify({ code, message: err.wireMessage, details }));
}

function send(res: Response, status: number, json: string): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}
