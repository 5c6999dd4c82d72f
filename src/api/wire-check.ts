import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";

/** Nested messages deeper than this are not looked into (protobuf-es stops at 100). */
const MAX_DEPTH = 32;

/**
 * Checks that each known field of a binary message arrives with the wire type
 * its descriptor gives. protobuf-es reads a field by its declared type
 * whatever the wire type says: `old_password` sent as a varint followed by 16
 * bytes was read as the string of those bytes. protobuf-go reads such a field
 * as unknown; here it is refused. Returns what is wrong, or undefined (also
 * for bytes that are no message at all, which the parse itself refuses).
 */
export function wireProblem(schema: DescMessage, bytes: Uint8Array, depth = 0): string | undefined {
  const reader = new BinaryReader(bytes);
  try {
    while (reader.pos < reader.len) {
      const [number, wireType] = reader.tag();
      const field = schema.fields.find((f) => f.number === number);
      const start = reader.pos;
      reader.skip(wireType, number);
      if (!field) continue;
      if (!wireTypesOf(field).includes(wireType)) {
        return `field ${field.name} (${number}) arrived as wire type ${wireType}, not ${wireTypesOf(field)[0]}`;
      }
      const nested = nestedMessage(field);
      if (nested && wireType === WireType.LengthDelimited && depth < MAX_DEPTH) {
        const inner = new BinaryReader(bytes.subarray(start, reader.pos)).bytes();
        const problem = wireProblem(nested, inner, depth + 1);
        if (problem) return `${field.name}: ${problem}`;
      }
    }
  } catch {
    // Undecodable: protobuf-es's own parse refuses it, with 13 as grpc-go does.
    return undefined;
  }
  return undefined;
}

function nestedMessage(field: DescField): DescMessage | undefined {
  if (field.fieldKind === "message") return field.message;
  if (field.fieldKind === "list" && field.listKind === "message") return field.message;
  return undefined; // map entries are checked by protobuf-es's own reader
}

/** The wire types a field may arrive with: its own, and length-delimited for packable repeated scalars. */
function wireTypesOf(field: DescField): WireType[] {
  switch (field.fieldKind) {
    case "message":
      return field.delimitedEncoding ? [WireType.StartGroup] : [WireType.LengthDelimited];
    case "map":
      return [WireType.LengthDelimited];
    case "enum":
      return [WireType.Varint];
    case "scalar":
      return [scalarWireType(field.scalar)];
    case "list":
      if (field.listKind === "message") return field.delimitedEncoding ? [WireType.StartGroup] : [WireType.LengthDelimited];
      if (field.listKind === "enum") return [WireType.Varint, WireType.LengthDelimited];
      return field.scalar === ScalarType.STRING || field.scalar === ScalarType.BYTES
        ? [WireType.LengthDelimited]
        : [scalarWireType(field.scalar), WireType.LengthDelimited];
  }
}

function scalarWireType(scalar: ScalarType): WireType {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WireType.LengthDelimited;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WireType.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WireType.Bit32;
    default:
      return WireType.Varint;
  }
}

/**
 * The body of a request to an RPC whose input is `schema`, each binary
 * message in it checked before connect-es parses it: gRPC, gRPC-Web and
 * Connect streaming frames one by one as they complete, a Connect unary body whole.
 * A message with a field of the wrong wire type fails the call with 3.
 * JSON bodies are checked by parseJsonRequest; compressed frames are left to
 * connect-node, as this service accepts no request compression.
 */
export function checkedBody(body: AsyncIterable<Buffer>, schema: DescMessage, contentType: string, maxBodyBytes: number): AsyncIterable<Buffer> {
  switch (framingOf(contentType.toLowerCase())) {
    case "enveloped":
      return checkFrames(body, schema, maxBodyBytes);
    case "whole":
      return checkWhole(body, schema, maxBodyBytes);
    default:
      return body;
  }
}

function framingOf(type: string): "enveloped" | "whole" | undefined {
  if (/^application\/(grpc|grpc-web|connect)(\+proto)?(;|$)/.test(type)) return "enveloped";
  if (/^application\/proto(;|$)/.test(type)) return "whole";
  return undefined;
}

function refuse(schema: DescMessage, problem: string): ConnectError {
  return new ConnectError(`invalid ${schema.name}: ${problem}`, Code.InvalidArgument);
}

/** Frames (flags, 4-byte length, message), each checked once whole and only then passed on. */
async function* checkFrames(body: AsyncIterable<Buffer>, schema: DescMessage, maxBodyBytes: number): AsyncGenerator<Buffer> {
  const chunks = once(body);
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let at = 0;
    while (pending.length - at >= 5) {
      const length = pending.readUInt32BE(at + 1);
      // Too large for connect-node to accept: its own check answers.
      if (length > maxBodyBytes) {
        yield pending; // the frames before it too
        yield* chunks;
        return;
      }
      if (pending.length - at < 5 + length) break;
      const compressed = (pending[at] & 0x01) !== 0;
      const problem = compressed ? undefined : wireProblem(schema, pending.subarray(at + 5, at + 5 + length));
      if (problem) throw refuse(schema, problem);
      at += 5 + length;
    }
    if (at > 0) yield pending.subarray(0, at);
    pending = pending.subarray(at);
  }
  if (pending.length) yield pending; // a cut-off frame: connect-node reports it
}

/** A Connect unary body: the message alone, checked once it has all arrived. */
async function* checkWhole(body: AsyncIterable<Buffer>, schema: DescMessage, maxBodyBytes: number): AsyncGenerator<Buffer> {
  const chunks = once(body);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    size += chunk.length;
    if (size > maxBodyBytes) {
      yield* parts; // too large: connect-node refuses it
      yield* chunks;
      return;
    }
  }
  const whole = Buffer.concat(parts);
  const problem = wireProblem(schema, whole);
  if (problem) throw refuse(schema, problem);
  yield whole;
}

/**
 * One iterator over a body, to be looped over more than once: a stream's
 * async iterator is made anew on each call, and two would both read it.
 * Leaving a loop early does not end it.
 */
function once(body: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const iterator = body[Symbol.asyncIterator]();
  return { [Symbol.asyncIterator]: () => ({ next: () => iterator.next() }) };
}
