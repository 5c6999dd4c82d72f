import { cors as connectCors } from "@connectrpc/connect";
import type { Config } from "../config.js";
import type { NodeHandler, NodeRequest } from "./http-types.js";

/** Methods of every protocol served: Connect's POST and GET, REST's PUT. */
const ALLOWED_METHODS = [...connectCors.allowedMethods, "PUT"].join(", ");
/** Connect's and gRPC-Web's headers, plus the bearer token and a caller's request ID. */
const ALLOWED_HEADERS = [...connectCors.allowedHeaders, "Authorization", "X-Request-Id"].join(", ");
/** gRPC-Web's status in headers and Connect's, plus our request ID. */
const EXPOSED_HEADERS = [...connectCors.exposedHeaders, "X-Request-Id"].join(", ");
/** How long a browser may cache a preflight's answer. */
const PREFLIGHT_MAX_AGE_SECONDS = "7200";

/**
 * CORS for browser clients of another origin: only origins named in
 * CORS_ALLOWED_ORIGINS (or any with "*") get the headers that let their
 * scripts read the answer. Preflights are answered here and go no further.
 */
export function withCors(handler: NodeHandler, allowed: Config["corsAllowedOrigins"]): NodeHandler {
  const isAllowed = (origin: string) => allowed === "*" || allowed.includes(origin);
  return (req, res) => {
    const origin = req.headers.origin;
    res.setHeader("vary", "Origin");
    if (isPreflight(req)) {
      if (!origin || !isAllowed(origin)) {
        res.writeHead(403, { "content-type": "text/plain" });
        res.end("origin not allowed\n");
        return;
      }
      res.writeHead(204, {
        "access-control-allow-origin": allowed === "*" ? "*" : origin,
        "access-control-allow-methods": ALLOWED_METHODS,
        "access-control-allow-headers": ALLOWED_HEADERS,
        "access-control-max-age": PREFLIGHT_MAX_AGE_SECONDS,
      });
      res.end();
      return;
    }
    if (origin && isAllowed(origin)) {
      res.setHeader("access-control-allow-origin", allowed === "*" ? "*" : origin);
      res.setHeader("access-control-expose-headers", EXPOSED_HEADERS);
    }
    handler(req, res);
  };
}

function isPreflight(req: NodeRequest): boolean {
  return req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
}
