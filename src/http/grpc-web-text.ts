import { Code, ConnectError } from "@connectrpc/connect";
import type { NodeHandler, NodeResponse } from "./http-types.js";
import { withBody } from "./replaced-body.js";

const TEXT = "application/grpc-web-text";

/**
 * gRPC-Web's text mode (`application/grpc-web-text`), which Google's
 * grpc-web runtime sends by default: the same frames as binary gRPC-Web,
 * base64-encoded both ways. connect-node serves only the binary form, so the
 * request body is decoded into it here and the response encoded back.
 */
export function withGrpcWebText(handler: NodeHandler, maxBodyBytes: number): NodeHandler {
  // The text of the largest body allowed, with room for line breaks.
  const maxTextBytes = Math.ceil(maxBodyBytes / 3) * 4 + 1024;
  return (req, res) => {
    const type = String(req.headers["content-type"] ?? "");
    if (!type.toLowerCase().startsWith(TEXT)) return handler(req, res);
    const binaryType = `application/grpc-web${type.slice(TEXT.length)}`;
    encodeResponse(res, binaryType);
    const headers = { ...req.headers, "content-type": binaryType };
    delete headers["content-length"];
    handler(withBody(req, decodeBase64Stream(req, maxTextBytes), headers), res);
  };
}

/**
 * Base64 arrives in chunks cut anywhere, and a client may send several
 * padded segments one after another: decode whole 4-character groups, and
 * each padded group on its own. The text as sent counts against the limit,
 * whitespace included, so that no body of any kind is read past it. Errors
 * are ConnectErrors, which connect-node answers with their own code.
 */
export async function* decodeBase64Stream(chunks: AsyncIterable<Buffer | string>, maxTextBytes: number): AsyncGenerator<Buffer> {
  let pending = "";
  let received = 0;
  for await (const chunk of chunks) {
    received += chunk.length;
    if (received > maxTextBytes) {
      throw new ConnectError(`gRPC-Web text body is larger than ${maxTextBytes} bytes`, Code.ResourceExhausted);
    }
    pending += chunk.toString().replace(/\s+/g, "");
    const whole = pending.length - (pending.length % 4);
    if (whole > 0) yield decodeGroups(pending.slice(0, whole));
    pending = pending.slice(whole);
  }
  if (pending.length > 0) throw notBase64("its length is not a multiple of 4");
}

const BASE64_GROUPS = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeGroups(text: string): Buffer {
  // Padding may end a segment in the middle: split after each padded group.
  const segments = text.split(/(?<==)(?=[^=])/);
  const parts = segments.map((segment) => {
    if (!BASE64_GROUPS.test(segment)) throw notBase64("a character or padding is out of place");
    return Buffer.from(segment, "base64");
  });
  return Buffer.concat(parts);
}

function notBase64(why: string): ConnectError {
  return new ConnectError(`gRPC-Web text body is not base64: ${why}`, Code.InvalidArgument);
}

/**
 * Encodes what the handler writes: whole 3-byte groups as they come, the
 * last 0-2 bytes with padding at the end, so the body is one valid base64
 * text however the writes were cut.
 */
function encodeResponse(res: NodeResponse, binaryType: string): void {
  const textType = binaryType.replace("application/grpc-web", TEXT);
  let carry = Buffer.alloc(0);
  const encode = (chunk: unknown, final: boolean): string => {
    const bytes = chunk === undefined || chunk === null ? Buffer.alloc(0) : Buffer.from(chunk as Uint8Array);
    const all = Buffer.concat([carry, bytes]);
    const whole = final ? all.length : all.length - (all.length % 3);
    carry = all.subarray(whole);
    return all.subarray(0, whole).toString("base64");
  };
  const { writeHead, write, end } = res;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const headers = rest.find((r) => typeof r === "object" && r !== null) as Record<string, unknown> | undefined;
    fixContentType(res, headers, textType);
    return (writeHead as (...args: unknown[]) => NodeResponse).call(res, status, ...rest);
  }) as typeof res.writeHead;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (!res.headersSent) fixContentType(res, undefined, textType);
    return (write as (...args: unknown[]) => boolean).call(res, encode(chunk, false), ...rest.filter((r) => typeof r === "function"));
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    if (!res.headersSent) fixContentType(res, undefined, textType);
    const chunk = typeof args[0] === "function" ? undefined : args[0];
    const callback = args.find((a) => typeof a === "function");
    const text = encode(chunk, true);
    return (end as (...a: unknown[]) => NodeResponse).call(res, ...(text ? [text] : []), ...(callback ? [callback] : []));
  }) as typeof res.end;
}

function fixContentType(res: NodeResponse, headers: Record<string, unknown> | undefined, textType: string): void {
  if (headers) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === "content-type") headers[key] = textType;
      if (key.toLowerCase() === "content-length") delete headers[key];
    }
  }
  if (res.getHeader("content-type") !== undefined) res.setHeader("content-type", textType);
  res.removeHeader("content-length");
}
