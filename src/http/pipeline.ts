import http2 from "node:http2";
import type { Logger } from "pino";
import { Health as HealthService } from "../../gen/grpc/health/v1/health_pb.js";
import { ServerReflection as ReflectionV1 } from "../../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ReflectionV1alpha } from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { connectRoutes } from "../api/connect-routes.js";
import { type Health, sendJson } from "../api/health.js";
import { OPENAPI_DOCUMENT } from "../api/openapi.js";
import { reflectionRoutes } from "../api/reflection.js";
import type { RestMatch } from "../api/route-table.js";
import { REST_ROUTES, restHandler } from "../api/rest.js";
import { API, type ApiHandlers, handlersByMethod } from "../api/services.js";
import type { Config } from "../config.js";
import type { Metrics } from "../ops/metrics.js";
import { inRequest, type RequestInfo } from "../ops/request-info.js";
import type { WebPage } from "../web/page.js";
import { corsLayer } from "./cors.js";
import type { NodeHandler as Handler, NodeRequest, NodeResponse } from "../api/node-types.js";
import { observe, recordCode } from "./observe.js";
import { rpcHandler } from "./rpc.js";

export interface HandlerDeps {
  /** Every API RPC's handler, which its Connect and REST routes both call. */
  handlers: ApiHandlers;
  health: Health;
  /** The account page; undefined when WEB_UI is off. */
  page?: WebPage;
  config: Pick<Config, "maxBodyBytes" | "corsAllowedOrigins" | "limits">;
  logger: Logger;
  metrics: Metrics;
}

/** Every service on the RPC protocols; reflection describes them all, and itself. */
export const HOSTED = [...Object.values(API), HealthService];

/**
 * Each request's one way through, in order: its info (ID, protocol, RPC)
 * and, when its response closes, its log line and metrics; then the
 * request's own limits, CORS, and the route: REST, a page, an RPC (gRPC,
 * gRPC-Web or Connect), or not found. The request's info is the current
 * one (AsyncLocalStorage) for everything that runs on its behalf.
 */
export function createHandler(deps: HandlerDeps): Handler {
  const handlers = handlersByMethod(deps.handlers);
  const rest = restHandler(handlers, deps.config.maxBodyBytes);
  const rpc = rpcHandler({
    routes: (router) => {
      connectRoutes(handlers)(router);
      deps.health.routes(router);
      reflectionRoutes(HOSTED)(router);
    },
    unary: handlers,
    interceptors: [recordCode],
    maxBodyBytes: deps.config.maxBodyBytes,
    logger: deps.logger,
  });
  const pages = new Map<string, (res: NodeResponse) => void | Promise<void>>([
    ["/healthz", (res) => deps.health.liveness(res)],
    ["/readyz", (res) => deps.health.readinessProbe(res)],
    ["/openapi.json", (res) => sendJson(res, 200, OPENAPI_DOCUMENT)],
  ]);
  const cors = corsLayer(deps.config.corsAllowedOrigins);
  const observed = {
    rpcPaths: new Set([...HOSTED, ReflectionV1, ReflectionV1alpha].flatMap((s) => s.methods.map((m) => `/${s.typeName}/${m.name}`))),
    httpPaths: new Set([...pages.keys(), ...(deps.page?.paths ?? [])]),
    logger: deps.logger,
    metrics: deps.metrics,
  };
  const route = (req: NodeRequest, res: NodeResponse, info: RequestInfo, path: string, match: RestMatch | undefined) => {
    if (match) return void rest(req, res, match);
    const page = pages.get(path);
    if (page && (req.method === "GET" || req.method === "HEAD")) return void page(res);
    if (deps.page?.handles(req, path)) return void deps.page.serve(req, res, path);
    if (!rpc(req, res, info)) notFound(req, res, info);
  };
  return (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    const match = REST_ROUTES.resolve(path, req.method);
    const info = observe(req, res, observed, match?.route.rpc);
    inRequest(info, () => {
      if (hasTwoAuthorizations(req)) req.headers.authorization = AMBIGUOUS_AUTHORIZATION;
      limitBodyTime(req, res, deps.config.limits.requestBodyTimeoutMs);
      if (!cors(req, res)) route(req, res, info, path, match);
    });
  };
}

/** What a request with two Authorization headers goes on with: no token check accepts it. */
const AMBIGUOUS_AUTHORIZATION = "ambiguous: more than one Authorization header";

/**
 * Two Authorization headers are ambiguous: Node keeps the first, and a proxy
 * in front may have checked the other. The request goes on with a value that
 * no token check accepts, so that each protocol refuses it in its own words
 * as an invalid auth header (16, REST 401).
 */
function hasTwoAuthorizations(req: NodeRequest): boolean {
  let count = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() === "authorization") count++;
  return count > 1;
}

/**
 * Cancels a request whose body has not fully arrived `ms` after it began: a
 * client that sends headers and then nothing would hold its stream, and the
 * memory behind it, for as long as it liked. A response already under way
 * (a health Watch, a reflection stream that has had its first answer) is a
 * conversation, and is left alone.
 */
function limitBodyTime(req: NodeRequest, res: NodeResponse, ms: number): void {
  const timer = setTimeout(() => {
    if (req.readableEnded || res.headersSent) return;
    if ("stream" in req) req.stream.close(http2.constants.NGHTTP2_CANCEL);
    else req.socket.destroy();
  }, ms);
  const clear = () => clearTimeout(timer);
  req.once("end", clear);
  res.once("close", clear);
}

/** Unknown paths: gRPC clients get Unimplemented in their framing, others grpc-gateway's 404. */
function notFound(req: NodeRequest, res: NodeResponse, info: RequestInfo): void {
  const contentType = String(req.headers["content-type"] ?? "");
  if (contentType.startsWith("application/grpc")) {
    // Trailers-only response; gRPC-Web reads the status from headers too. No
    // writeHead: on HTTP/2 only end() without it sends the headers with
    // END_STREAM, which is what makes them trailers; otherwise grpc-js sees a
    // stream that ends without a status and reports 13 instead of 12.
    info.code = 12;
    res.statusCode = 200;
    res.setHeader("content-type", contentType);
    res.setHeader("grpc-status", "12");
    res.setHeader("grpc-message", "unknown service or method");
    res.end();
    return;
  }
  const body = JSON.stringify({ code: 5, message: "Not Found", details: [] });
  res.writeHead(404, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
