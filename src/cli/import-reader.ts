// The records of an import file, one at a time whatever the file's size:
// lines of JSON Lines, or the elements of an array inside one JSON document
// (a JSON array, or a Keycloak realm's "users"), read by a streaming parser
// so that a realm of a million users is never held whole.
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import Assembler from "stream-json/Assembler.js";
import Parser from "stream-json/Parser.js";

/** One record of the file: its position (line or element number) and its text or value. */
export type SourceRecord = { position: number; text: string } | { position: number; value: unknown };

/** The file stopped being valid JSON (or the shape the format needs) after `position` records. */
export class DocumentBroken extends Error {
  constructor(
    readonly position: number,
    reason: string,
  ) {
    super(reason);
  }
}

type Callback = (error?: Error | null) => void;
const processBuffer = (Parser.prototype as unknown as { _processBuffer(this: Parser, callback: Callback): void })._processBuffer;

/**
 * stream-json's parser, whose syntax error comes as a last "broken" token
 * after the tokens before it. As a stream error it would destroy the stream
 * and drop the tokens still buffered, so the records before the break would
 * be lost or kept depending on how the file was read in chunks.
 * (_processBuffer is where stream-json 1.9.1, pinned, meets every error.)
 */
class ParserToTheBreak extends Parser {
  private broken = false;

  _processBuffer(callback: Callback): void {
    if (this.broken) {
      callback();
      return;
    }
    processBuffer.call(this, (error) => {
      if (error) {
        this.broken = true;
        this.push({ name: "broken" });
      }
      callback();
    });
  }
}

/** Non-empty lines, numbered from 1 with the empty ones counted. */
export async function* jsonLines(stream: Readable): AsyncGenerator<SourceRecord> {
  let position = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    position++;
    if (text.trim() !== "") yield { position, text };
  }
}

/** What a document's top level holds besides its records: Keycloak's realm name and password policy. */
export type TopLevelStrings = Map<string, string>;

/**
 * The records of a JSON document: with `key`, the elements of that array
 * in the top-level object (Keycloak's "users"), whose other top-level
 * strings are kept in `top` as they pass; without, the elements of a JSON
 * array, or each of a stream of JSON objects (JSON Lines, as Auth0 exports).
 * Every value outside the records is skipped token by token, never assembled.
 */
export async function* documentRecords(stream: Readable, key: string | undefined, top: TopLevelStrings): AsyncGenerator<SourceRecord> {
  const tokens = stream.pipe(new ParserToTheBreak({ packValues: true, streamValues: false, jsonStreaming: key === undefined }));
  stream.on("error", (err) => tokens.destroy(err));
  let depth = 0;
  let name: string | undefined;
  /** The depth the records start at: 0 for a stream of objects, 1 in an array, 2 in the object's array. */
  let recordsAt: number | undefined;
  let element: Assembler | undefined;
  let position = 0;
  try {
    for await (const token of tokens as AsyncIterable<{ name: string; value?: string }>) {
      if (token.name === "broken") throw new DocumentBroken(position, "the file is not valid JSON");
      if (depth === 0 && !element) recordsAt = startOfDocument(token.name, key);
      if (element) {
        element.consume(token);
      } else if (depth === recordsAt && token.name !== "endArray") {
        element = new Assembler().consume(token);
      } else if (depth === 1 && key !== undefined && token.name === "keyValue") {
        name = token.value;
      } else if (depth === 1 && key !== undefined && token.name === "stringValue" && name !== undefined) {
        top.set(name, token.value ?? "");
      }
      if (token.name === "startObject" || token.name === "startArray") {
        depth++;
        if (key !== undefined && token.name === "startArray" && depth === 2 && name === key && !element) recordsAt = 2;
      } else if (token.name === "endObject" || token.name === "endArray") {
        if (depth === recordsAt && !element) recordsAt = undefined;
        depth--;
      }
      if (element?.done) {
        yield { position: ++position, value: element.current };
        element = undefined;
      }
    }
  } catch (err) {
    if (err instanceof DocumentBroken) throw new DocumentBroken(position, err.message);
    throw new DocumentBroken(position, `the file could not be read to its end (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/** Where a document's records start, from its first token; a document of the wrong shape is refused. */
function startOfDocument(first: string, key: string | undefined): number | undefined {
  if (key !== undefined) {
    if (first !== "startObject") throw new DocumentBroken(0, `the document is not a JSON object with "${key}"`);
    return undefined;
  }
  if (first === "startArray") return 1;
  if (first === "startObject") return 0;
  throw new DocumentBroken(0, "the file is neither a JSON array nor JSON objects");
}
