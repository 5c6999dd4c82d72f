import { cors as connectCors } from "@connectrpc/connect";
import cors from "cors";
import type { Config } from "../config.js";
import type { NodeRequest, NodeResponse } from "../api/node-types.js";

/** How long a browser may cache a preflight's answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/**
 * CORS for browser clients of another origin, by the `cors` package with
 * connect-es's lists: only origins named in CORS_ALLOWED_ORIGINS (or any,
 * with "*") get the headers that let their scripts read the answer.
 * Preflights are answered here, a refused one with 403; the function
 * returns true when it has answered the request.
 */
export function corsLayer(allowed: Config["corsAllowedOrigins"]): (req: NodeRequest, res: NodeResponse) => boolean {
  const isAllowed = (origin: string | undefined) => origin !== undefined && (allowed === "*" || allowed.includes(origin));
  const middleware = cors({
    origin: (origin, decide) => decide(null, isAllowed(origin) ? (allowed === "*" ? "*" : origin) : false),
    // Connect's POST and GET, and REST's PUT.
    methods: [...connectCors.allowedMethods, "PUT"],
    // Connect's and gRPC-Web's headers, plus the bearer token and a caller's request ID.
    allowedHeaders: [...connectCors.allowedHeaders, "Authorization", "X-Request-Id"],
    // gRPC-Web's status in headers and Connect's, plus our request ID.
    exposedHeaders: [...connectCors.exposedHeaders, "X-Request-Id"],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    optionsSuccessStatus: 204,
  });
  return (req, res) => {
    // Every answer depends on the Origin, whether it names one or not, for caches in between.
    res.setHeader("vary", "Origin");
    // No Origin: not a browser's cross-origin request, and nothing for the package to do.
    if (req.headers.origin === undefined) return false;
    let passed = false;
    // The package decides synchronously: its options and origin check are plain values and functions.
    middleware(req as never, res as never, () => (passed = true));
    if (passed && isPreflight(req)) {
      res.writeHead(403, { "content-type": "text/plain" });
      res.end("origin not allowed\n");
      return true;
    }
    return !passed;
  };
}

function isPreflight(req: NodeRequest): boolean {
  return req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
}
