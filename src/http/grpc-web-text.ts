import { Code, ConnectError } from "@connectrpc/connect";

const TEXT = "application/grpc-web-text";

/**
 * gRPC-Web's text mode (`application/grpc-web-text`), which Google's
 * grpc-web runtime sends by default, is the same frames as binary gRPC-Web,
 * base64-encoded both ways. connect-es serves only the binary form: the
 * transport decodes the request body into it and encodes the response back.
 */
export function isGrpcWebText(contentType: string): boolean {
  return contentType.toLowerCase().startsWith(TEXT);
}

/** `application/grpc-web-text+proto` ⇄ `application/grpc-web+proto`, parameters kept. */
export function binaryTypeOf(textType: string): string {
  return `application/grpc-web${textType.slice(TEXT.length)}`;
}

export function textTypeOf(binaryType: string): string {
  return binaryType.replace(/^application\/grpc-web/i, TEXT);
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
 * Encodes a response body: whole 3-byte groups as they come, the last 0-2
 * bytes with padding at the end, so that the body is one valid base64 text
 * however its chunks were cut.
 */
export async function* encodeBase64Stream(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let carry = Buffer.alloc(0);
  for await (const chunk of body) {
    const all = Buffer.concat([carry, chunk]);
    const whole = all.length - (all.length % 3);
    carry = all.subarray(whole);
    if (whole > 0) yield Buffer.from(all.subarray(0, whole).toString("base64"));
  }
  if (carry.length > 0) yield Buffer.from(carry.toString("base64"));
}
