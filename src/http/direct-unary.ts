/**
 * The direct unary path. A unary call in binary protobuf, the form every
 * gRPC client and most gRPC-Web and Connect ones send, is served here
 * without connect-es's streaming machinery: its request and handler
 * contexts (three AbortControllers, two of them aborted, each call), its
 * pipeline of async generators and its Headers copies cost the server
 * 1.2 ms a sign-in over gRPC, 0.9 over gRPC-Web and 0.5 over Connect
 * (bcrypt cost 4; docs/performance.md). The answer is the one connect-es
 * would write, byte for byte, made with its own helpers for the error
 * framings; test/direct-unary.test.ts holds the two paths to that.
 *
 * Only the plain case is served here: a POST with no timeout and no
 * compression headers, and a body that is one whole, uncompressed message
 * within the size limit whose wire types check out and which protobuf-es
 * parses. Anything else (JSON, gRPC-Web's text, Connect's GET, a deadline,
 * a cut-off, doubled or oversized frame) goes on to connect-es with the
 * bytes read so far, and is answered as it always was.
 */
import { create, type DescMessage, type DescMethodUnary, fromBinary, isMessage, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeToHttpStatus, errorToJsonBytes } from "@connectrpc/connect/protocol-connect";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { trailerSerialize } from "@connectrpc/connect/protocol-grpc-web";
import { invokeRpc } from "../api/connect-routes.js";
import type { NodeRequest, NodeResponse } from "../api/node-types.js";
import { callOfRequest, type UnaryHandler } from "../api/services.js";
import { wireProblem } from "../api/wire-check.js";
import type { RequestInfo } from "../ops/request-info.js";
import { encodeGrpcMessageAsSpecified } from "./grpc-message.js";

/** The three framings the direct path writes: gRPC over HTTP/2, gRPC-Web, and Connect's unary protobuf. */
export type Framing = "grpc" | "grpc-web" | "connect";

/** What connect-es's path serves a request with, given the bytes of its body read so far. */
export type Fallback = (body: AsyncIterable<Buffer>) => Promise<void>;

export interface DirectCall {
  method: DescMethodUnary;
  handler: UnaryHandler;
}

/** The framing of a request the direct path may serve, or undefined for connect-es's path. */
export function directFraming(req: NodeRequest): Framing | undefined {
  const { headers } = req;
  if (req.method !== "POST" || headers["grpc-timeout"] !== undefined || headers["connect-timeout-ms"] !== undefined) return undefined;
  // connect-node refuses a request it cannot make a URL of (an HTTP/2 one without :authority); so does rpc.ts.
  const authority = "authority" in req ? req.authority : headers.host;
  if (authority === undefined || !URL.canParse(req.url ?? "", `http://${authority}`)) return undefined;
  switch (headers["content-type"]?.toLowerCase()) {
    case "application/grpc":
    case "application/grpc+proto":
      // gRPC's trailers need HTTP/2; connect-es answers it over HTTP/1.1 as it does.
      return "stream" in req && headers["grpc-encoding"] === undefined ? "grpc" : undefined;
    case "application/grpc-web":
    case "application/grpc-web+proto":
      return headers["grpc-encoding"] === undefined ? "grpc-web" : undefined;
    case "application/proto":
      return headers["content-encoding"] === undefined ? "connect" : undefined;
    default:
      return undefined;
  }
}

/** Serves one call on the direct path, or hands it to `fallback` (see above). */
export async function serveDirect(
  call: DirectCall,
  framing: Framing,
  req: NodeRequest,
  res: NodeResponse,
  info: RequestInfo,
  maxBodyBytes: number,
  fallback: Fallback,
): Promise<void> {
  const read = await readBody(req, framing === "connect" ? maxBodyBytes : maxBodyBytes + 5);
  if (read === undefined) return; // the request ended early: nobody to answer
  const message = read.complete ? messageOf(framing, Buffer.concat(read.chunks), maxBodyBytes) : undefined;
  const input = message && parsed(call.method.input, message);
  if (!input) return fallback(replay(read.chunks, read.complete ? undefined : req));
  try {
    const output = await invokeRpc(call.handler, input, callOfRequest(req));
    const bytes = toBinary(call.method.output, isMessage(output, call.method.output) ? output : create(call.method.output, output));
    // As connect-es's interceptor (observe.ts's recordCode) records it.
    if (info.code === undefined) info.code = 0;
    writeOk(framing, res, bytes);
  } catch (err) {
    const error = err instanceof ConnectError ? err : new ConnectError("internal error", Code.Internal, undefined, undefined, err);
    info.code = error.code;
    writeError(framing, res, error);
  }
}

interface Read {
  chunks: Buffer[];
  /** false: the body is larger than the cap, and the rest of it is still to be read from the request. */
  complete: boolean;
}

/** The body, up to `cap` bytes; undefined if the request closed before its end. */
function readBody(req: NodeRequest, cap: number): Promise<Read | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (read: Read | undefined) => {
      req.off("data", onData).off("end", onEnd).off("close", onClose).off("error", onClose);
      resolve(read);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= cap) return;
      req.pause();
      settle({ chunks, complete: false });
    };
    const onEnd = () => settle({ chunks, complete: true });
    const onClose = () => settle(undefined);
    req.on("data", onData).on("end", onEnd).on("close", onClose).on("error", onClose);
  });
}

/** The chunks already read, then the rest of the request's body if there is more. */
async function* replay(chunks: Buffer[], req: NodeRequest | undefined): AsyncGenerator<Buffer> {
  yield* chunks;
  if (req) yield* req;
}

/** The message a body carries when it is one plain message within the limit; else undefined. */
function messageOf(framing: Framing, body: Buffer, maxBodyBytes: number): Buffer | undefined {
  if (framing === "connect") return body.length <= maxBodyBytes ? body : undefined;
  // One envelope: flags 0 (uncompressed data), its length, and exactly that many bytes.
  if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5 || body.length - 5 > maxBodyBytes) return undefined;
  return body.subarray(5);
}

/** The message parsed as connect-es parses it, when its wire types check out; else undefined. */
function parsed(schema: DescMessage, bytes: Buffer): MessageShape<DescMessage> | undefined {
  if (wireProblem(schema, bytes)) return undefined;
  try {
    return fromBinary(schema, bytes);
  } catch {
    return undefined;
  }
}

const GRPC_TYPE = "application/grpc+proto";
const GRPC_WEB_TYPE = "application/grpc-web+proto";
/** gRPC-Web's trailer frame for a call that succeeded. */
const GRPC_WEB_OK = envelope(0x80, trailerSerialize(new Headers({ "grpc-status": "0" })));

/** A frame of gRPC and gRPC-Web: flags, the length in 4 bytes, the data. */
function envelope(flags: number, data: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(5 + data.length);
  frame[0] = flags;
  frame.writeUInt32BE(data.length, 1);
  frame.set(data, 5);
  return frame;
}

/**
 * The calls connect-node's universalResponseToNodeResponse makes for the
 * same answer, in its order: the headers (sorted, as a Headers object
 * iterates them), each body chunk, the trailers, the end.
 */
function writeOk(framing: Framing, res: NodeResponse, bytes: Uint8Array): void {
  switch (framing) {
    case "grpc":
      res.writeHead(200, { "content-type": GRPC_TYPE });
      res.write(envelope(0, bytes));
      res.addTrailers({ "grpc-status": "0" });
      res.end();
      return;
    case "grpc-web":
      res.writeHead(200, { "content-type": GRPC_WEB_TYPE });
      res.write(envelope(0, bytes));
      res.write(GRPC_WEB_OK);
      res.end();
      return;
    case "connect":
      res.writeHead(200, { "content-length": String(bytes.length), "content-type": "application/proto" });
      res.write(bytes);
      res.end();
  }
}

function writeError(framing: Framing, res: NodeResponse, error: ConnectError): void {
  switch (framing) {
    case "grpc": {
      const trailer = setTrailerStatus(new Headers(), error);
      encodeGrpcMessageAsSpecified(trailer);
      res.writeHead(200, { "content-type": GRPC_TYPE });
      res.addTrailers(Object.fromEntries(trailer));
      res.end();
      return;
    }
    case "grpc-web":
      res.writeHead(200, { "content-type": GRPC_WEB_TYPE });
      res.write(envelope(0x80, trailerSerialize(setTrailerStatus(new Headers(), error))));
      res.end();
      return;
    case "connect": {
      // connect-es would add the error's metadata as headers; the errors of invokeRpc carry none.
      const body = errorToJsonBytes(error, undefined);
      res.writeHead(codeToHttpStatus(error.code), { "content-length": String(body.length), "content-type": "application/json" });
      res.write(body);
      res.end();
    }
  }
}
