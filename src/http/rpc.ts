import { Code, ConnectError, type ConnectRouter, createConnectRouter, type Interceptor } from "@connectrpc/connect";
import type { UniversalHandler, UniversalServerResponse } from "@connectrpc/connect/protocol";
import { universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import type { Logger } from "pino";
import type { DescMethodUnary } from "@bufbuild/protobuf";
import type { UnaryHandler } from "../api/services.js";
import { checkedBody } from "../api/wire-check.js";
import type { RequestInfo } from "../ops/request-info.js";
import { directFraming, serveDirect } from "./direct-unary.js";
import { encodeGrpcMessageAsSpecified } from "./grpc-message.js";
import { binaryTypeOf, decodeBase64Stream, encodeBase64Stream, isGrpcWebText, textTypeOf } from "./grpc-web-text.js";
import type { NodeRequest, NodeResponse } from "../api/node-types.js";

export interface RpcOptions {
  routes: (router: ConnectRouter) => void;
  /** The unary API methods, served on the direct path when a call is plain enough (direct-unary.ts). */
  unary: Map<DescMethodUnary, UnaryHandler>;
  interceptors: Interceptor[];
  maxBodyBytes: number;
  logger: Logger;
}

/** Serves one RPC request; false when no RPC has the request's path. */
export type RpcHandler = (req: NodeRequest, res: NodeResponse, info: RequestInfo) => boolean;

/**
 * gRPC, gRPC-Web (binary and text) and Connect through connect-es's
 * universal handlers, as connectNodeAdapter serves them, but with the
 * request body and the response in hand: the body is decoded from
 * gRPC-Web's text and checked for wire types before connect-es parses it,
 * and the response's headers and trailers are put right here, in one place,
 * before they are written. A plain unary call in binary protobuf takes the
 * direct path instead (direct-unary.ts), which hands anything else back here.
 */
export function rpcHandler(options: RpcOptions): RpcHandler {
  const router = createConnectRouter({
    interceptors: options.interceptors,
    readMaxBytes: options.maxBodyBytes,
    // No request compression: every binary message is checked before it is
    // parsed (checkedBody), which a compressed one would slip past.
    acceptCompression: [],
  });
  options.routes(router);
  const handlers = new Map(router.handlers.map((h) => [h.requestPath, h]));
  const direct = new Map([...options.unary].map(([method, handler]) => [`/${method.parent.typeName}/${method.name}`, { method, handler }]));
  // The text as sent counts against the limit: the largest body allowed, in base64 with room for line breaks.
  const maxTextBytes = Math.ceil(options.maxBodyBytes / 3) * 4 + 1024;
  return (req, res, info) => {
    const handler = handlers.get((req.url ?? "").split("?")[0]);
    if (!handler) return false;
    const call = direct.get(handler.requestPath);
    const framing = call && directFraming(req);
    const slow = (body: AsyncIterable<Buffer>) => serve(handler, req, res, info, maxTextBytes, options, body);
    const served = framing ? serveDirect(call!, framing, req, res, info, options.maxBodyBytes, slow) : slow(req);
    served.catch((err) => {
      // Aborted: the client went away while the response was written.
      if (ConnectError.from(err).code !== Code.Aborted) options.logger.warn({ err, rpc: info.rpc }, "an RPC could not be served");
      // A request connect-es cannot read (an HTTP/2 one without :authority) gets a bare 400.
      if (!res.headersSent) {
        res.statusCode = 400;
        res.end();
      }
    });
    return true;
  };
}

async function serve(
  handler: UniversalHandler,
  req: NodeRequest,
  res: NodeResponse,
  info: RequestInfo,
  maxTextBytes: number,
  options: RpcOptions,
  read: AsyncIterable<Buffer>,
) {
  const request = universalRequestFromNodeRequest(req, res, undefined, undefined);
  const contentType = request.header.get("content-type") ?? "";
  const text = isGrpcWebText(contentType);
  // What connect-es reads: gRPC-Web's text is decoded here, into its binary form.
  const readAs = text ? binaryTypeOf(contentType) : contentType;
  let body = read;
  if (text) {
    body = decodeBase64Stream(req, maxTextBytes);
    request.header.set("content-type", readAs);
    request.header.delete("content-length");
  }
  if (req.method === "POST") body = checkedBody(body, handler.method.input, readAs, options.maxBodyBytes);
  const response = await handler({ ...request, body });
  if (text) encodeAsText(response);
  if (isGrpc(contentType)) {
    encodeGrpcMessageAsSpecified(response.header);
    // Trailers are complete only once the body has been read.
    afterBody(response, () => encodeGrpcMessageAsSpecified(response.trailer));
  }
  // For a call the interceptor did not see end (a stream, a body refused before it was parsed).
  info.statusOf = () => grpcStatusOf(response);
  await universalResponseToNodeResponse(response, res);
}

/** Runs `then` once the response's body has all been read, before its trailers are written. */
function afterBody(response: UniversalServerResponse, then: () => void): void {
  const { body } = response;
  if (!body) {
    then();
    return;
  }
  response.body = (async function* () {
    yield* body;
    then();
  })();
}

function isGrpc(contentType: string): boolean {
  return /^application\/grpc(\+|;|$)/i.test(contentType);
}

function encodeAsText(response: UniversalServerResponse): void {
  const type = response.header?.get("content-type");
  if (type) response.header!.set("content-type", textTypeOf(type));
  response.header?.delete("content-length");
  if (response.body) response.body = encodeBase64Stream(response.body);
}

/** The grpc-status a response sent in its trailers or headers, if any (gRPC-Web's trailers travel in its body). */
function grpcStatusOf(response: UniversalServerResponse): number | undefined {
  const status = response.trailer?.get("grpc-status") ?? response.header?.get("grpc-status");
  return status === null || status === undefined ? undefined : Number(status);
}
