import { AsyncLocalStorage } from "node:async_hooks";
import type { Readable } from "node:stream";
import type { ParseArgsConfig } from "node:util";
import type { Config } from "../config.js";

/** A mistake in how a command was called: printed as one line, exit code 2. */
export class UsageError extends Error {}

export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Resolves to the exit code when it is not 0 (an import that rejected rows). */
  run(values: Record<string, string | boolean | undefined>, config: Config): Promise<number | void>;
}

/** A stream the command line writes to: the process's stdout or stderr, or a test's collector. */
export interface Output {
  write(text: string): unknown;
  /** As Node's streams say it: true on a terminal. */
  isTTY?: boolean;
}

/** What one run of the command line reads and writes: the process's own, or what a test gives it. */
export interface CliIo {
  env: Record<string, string | undefined>;
  stdin: Readable;
  stdout: Output;
  stderr: Output;
}

/** The process's own environment and streams; stdin only when read, as Node opens it on first use. */
export const PROCESS_IO: CliIo = {
  env: process.env,
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
};

/** The io of the run in progress: runs side by side in one process (the tests') each keep their own. */
const running = new AsyncLocalStorage<CliIo>();

/** Runs `work` with `io` as what every command of it reads and writes. */
export function withIo<T>(io: CliIo, work: () => Promise<T>): Promise<T> {
  return running.run(io, work);
}

/** The current run's io; the process's own outside any run. */
export function currentIo(): CliIo {
  return running.getStore() ?? PROCESS_IO;
}

export const help = { help: { type: "boolean", short: "h" } } as const;

export function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

/** A non-ASCII letter, mark or digit: an internationalised address's (SMTPUTF8); no space, control, punctuation or symbol. */
const INTL = String.raw`[^\u0000-\u007f\s\p{C}\p{P}\p{S}]`;
/** RFC 5322's atext (\x60 is the backquote): the characters of a local part's atoms. */
const ATEXT = String.raw`(?:[A-Za-z0-9!#$%&'*+/=?^_{|}~\x60-]|${INTL})`;
const LABEL = String.raw`(?:[A-Za-z0-9-]|${INTL})`;
const BARE_ADDRESS = new RegExp(String.raw`^${ATEXT}+(?:\.${ATEXT}+)*@${LABEL}+(?:\.${LABEL}+)*$`, "u");

/**
 * An email address as the service takes one: bare, `local@domain`, at most
 * 320 characters. No display name, angle brackets, quotes, comments, groups,
 * whitespace or controls: a mailer parses `"Victim" <attacker@evil.test>` as
 * the attacker's address, so such a value must never be stored.
 */
export function isEmail(text: string): boolean {
  return text.length <= 320 && BARE_ADDRESS.test(text);
}

/** Whether the text holds a control character: C0 (NUL, CR, LF among them), DEL or C1. */
export function hasControl(text: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f]/.test(text);
}

/**
 * Control characters (C0 but newline and tab, DEL, C1) as \u00XX escapes: a
 * user agent or name holding 0x9b (CSI) would otherwise reach the
 * administrator's terminal as a command to it. The escape is valid inside a
 * JSON string too, so JSON output stays JSON.
 */
export function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A line on stdout, control characters escaped. */
export function print(text: string): void {
  currentIo().stdout.write(`${escapeControls(text)}\n`);
}

/** A line on stderr, control characters escaped. */
export function printError(text: string): void {
  currentIo().stderr.write(`${escapeControls(text)}\n`);
}
