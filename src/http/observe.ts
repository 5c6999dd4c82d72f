import http2 from "node:http2";
import { randomUUID } from "node:crypto";
import { ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import type { NodeRequest, NodeResponse } from "../api/node-types.js";
import type { Metrics } from "../ops/metrics.js";
import { currentRequest, type Protocol, type RequestInfo } from "../ops/request-info.js";

export interface Observed {
  /** `/package.Service/Method` paths served; other paths are labelled "unknown" for bounded metrics. */
  rpcPaths: Set<string>;
  /** Plain HTTP routes (health, OpenAPI, the page). */
  httpPaths: Set<string>;
  logger: Logger;
  metrics: Metrics;
}

/** What probes poll: logged at debug, not info, so that it does not drown the rest. */
const QUIET = new Set(["/healthz", "/readyz", "grpc.health.v1.Health/Check"]);

/**
 * Gives a request its info, with an ID (the caller's `x-request-id` when it
 * is a sane one) and its RPC (`restRpc` when the REST route table named
 * one), and when its response is done writes its one log line and
 * counts it. Its code is what the RPC or the REST route recorded, else the
 * response's HTTP status read as grpc-gateway maps them; a response cut off
 * before its end is 1, cancelled, whatever it had said so far.
 */
export function observe(req: NodeRequest, res: NodeResponse, observed: Observed, restRpc: string | undefined): RequestInfo {
  const started = process.hrtime.bigint();
  const path = (req.url ?? "").split("?")[0];
  const protocol = restRpc ? "rest" : protocolOf(req);
  const info: RequestInfo = {
    id: requestId(req.headers["x-request-id"]),
    protocol,
    rpc: restRpc ?? rpcOf(path, protocol, observed),
    remoteAddress: req.socket?.remoteAddress,
  };
  res.setHeader("x-request-id", info.id);
  res.once("close", () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cancelled = wasCancelled(req, res);
    const code = cancelled ? 1 : (info.code ?? info.statusOf?.() ?? codeOfHttpStatus(res.statusCode));
    const labels = { rpc: info.rpc, protocol: info.protocol };
    observed.metrics.requests.inc({ ...labels, code: String(code) });
    observed.metrics.requestDuration.observe(labels, seconds);
    if (info.outcome) observed.metrics.passwordChanges.inc({ outcome: info.outcome });
    const level = QUIET.has(info.rpc) && code === 0 ? "debug" : "info";
    observed.logger[level](
      {
        requestId: info.id,
        method: req.method,
        rpc: info.rpc,
        protocol: info.protocol,
        code,
        httpStatus: cancelled ? CLIENT_CLOSED_REQUEST : res.statusCode,
        durationMs: Math.round(seconds * 1e4) / 10,
        userId: info.userId,
        outcome: info.outcome,
      },
      "request",
    );
  });
  return info;
}

/** nginx's and grpc-gateway's status for a request the client gave up on. */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * On HTTP/1.1 a response the client cut off never finishes. On HTTP/2 the
 * compatibility response reports itself finished either way: a stream that
 * closed before the handler ended its response, or was reset with anything
 * but NO_ERROR, ended early.
 */
function wasCancelled(req: NodeRequest, res: NodeResponse): boolean {
  if (!("stream" in req)) return !res.writableFinished;
  const reset = req.stream.rstCode !== undefined && req.stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR;
  return reset || !res.writableEnded;
}

/**
 * Records the outcome of every RPC (health and reflection too) for its log
 * line and metrics, whatever the protocol's framing: a unary call's code
 * here; a stream's, or a call refused before it reached this, is read from
 * the response when it closes (rpc.ts sets RequestInfo.statusOf).
 */
export const recordCode: Interceptor = (next) => async (req) => {
  const info = currentRequest();
  try {
    const res = await next(req);
    if (info && info.code === undefined && !res.stream) info.code = 0;
    return res;
  } catch (err) {
    if (info) info.code = ConnectError.from(err).code;
    throw err;
  }
};

const REQUEST_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/;

function requestId(given: string | string[] | undefined): string {
  return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
}

function protocolOf(req: NodeRequest): Protocol {
  const type = String(req.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("application/grpc-web-text")) return "grpc-web-text";
  if (type.startsWith("application/grpc-web")) return "grpc-web";
  if (type.startsWith("application/grpc")) return "grpc";
  if (type.startsWith("application/connect+")) return "connect";
  if (req.method === "POST" && (type.startsWith("application/json") || type.startsWith("application/proto"))) return "connect";
  if (req.method === "GET" && /[?&]connect=v1\b/.test(req.url ?? "")) return "connect";
  return "http";
}

function rpcOf(path: string, protocol: Protocol, observed: Observed): string {
  if (observed.rpcPaths.has(path)) return path.slice(1);
  if (protocol === "http" && observed.httpPaths.has(path)) return path;
  return "unknown";
}

/** For responses that named no gRPC code: the inverse of grpc-gateway's table. */
function codeOfHttpStatus(status: number): number {
  const codes: Record<number, number> = {
    200: 0,
    204: 0,
    400: 3,
    401: 16,
    403: 7,
    404: 5,
    405: 12,
    409: 10,
    413: 8,
    415: 3,
    429: 8,
    499: 1,
    501: 12,
    503: 14,
    504: 4,
  };
  return codes[status] ?? (status < 400 ? 0 : 13);
}
