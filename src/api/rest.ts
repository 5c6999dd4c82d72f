import { create, type DescMethodUnary, type JsonObject, toJson, toJsonString } from "@bufbuild/protobuf";
import { errors, ID, ServiceError } from "../core/errors.js";
import { type Language, wireMessageIn } from "../core/messages.js";
import type { NodeRequest as Request, NodeResponse as Response } from "./node-types.js";
import { CODE_OF, detailOf } from "./connect-errors.js";
import { readBody } from "./read-body.js";
import { parseJsonObject } from "./json-request.js";
import { requestMessage, type RestMatch, routeTable } from "./route-table.js";
import { API, callOfRequest, type UnaryHandler } from "./services.js";

/** Every REST route, from the google.api.http options of the services served. */
export const REST_ROUTES = routeTable(Object.values(API));

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
 * Serves a request the route table resolved, as ZITADEL's grpc-gateway
 * does: the request message from the path, query and JSON body, the same
 * handler the RPC protocols call, and the response message or a
 * google.rpc.Status as JSON. Every error is answered, none escapes.
 */
export function restHandler(handlers: Map<DescMethodUnary, UnaryHandler>, maxBodyBytes: number) {
  return async (req: Request, res: Response, match: RestMatch): Promise<void> => {
    const call = callOfRequest(req);
    try {
      if (!match.methodAllowed) {
        res.setHeader("allow", match.allowed.join(", "));
        throw new HttpError(405, 3, `method ${req.method} is not allowed; use ${match.allowed.join(", ")}`);
      }
      const { route } = match;
      const body = route.body ? await readJsonBody(req, maxBodyBytes) : undefined;
      const query = new URLSearchParams((req.url ?? "").split("?")[1] ?? "");
      const answer = await handlers.get(route.method)!(requestMessage(match, query, body), call);
      send(res, route.successCode, toJsonString(route.method.output, create(route.method.output, answer)));
    } catch (err) {
      // Anything but a ServiceError (the client went away mid-body, a bug) must
      // still answer, never reach `void rest()` as an unhandled rejection.
      if (err instanceof HttpError) return send(res, err.status, JSON.stringify({ code: err.code, message: err.message, details: [] }));
      sendError(res, err instanceof ServiceError ? err : errors.internal(), call.language);
    }
  };
}

/**
 * A JSON body, as grpc-gateway reads it: none is the empty message (curl -X
 * POST with no -d sends nothing), but for PUT, which replaces the whole
 * resource and so must say what with.
 */
async function readJsonBody(req: Request, maxBytes: number): Promise<JsonObject> {
  checkContentType(req.headers["content-type"]);
  const body = await readBody(req, maxBytes);
  if (body === undefined) throw tooLarge(maxBytes);
  return req.method !== "PUT" && body.length === 0 ? {} : parseJsonObject(body);
}

function checkContentType(contentType: string | undefined): void {
  // grpc-gateway reads any body as JSON; we refuse what is clearly something else.
  const type = contentType?.split(";")[0].trim().toLowerCase();
  if (type && type !== "application/json" && !type.endsWith("+json")) {
    throw new HttpError(415, 3, `content type "${type}" is not supported; send application/json`);
  }
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 8, `request body is larger than ${maxBytes} bytes`);
}

/** A google.rpc.Status as grpc-gateway writes it, "@type" first in each detail, its texts in the caller's language. */
function sendError(res: Response, err: ServiceError, language: Language): void {
  if (res.headersSent) return void res.destroy();
  const code = CODE_OF[err.kind];
  const detail = detailOf(err, language);
  const details = detail ? [{ "@type": `type.googleapis.com/${detail.desc.typeName}`, ...(toJson(detail.desc, detail.value) as object) }] : [];
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
