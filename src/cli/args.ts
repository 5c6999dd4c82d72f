import type { ParseArgsConfig } from "node:util";
import type { Config } from "../config.js";

/** A mistake in how a command was called: printed as one line, exit code 2. */
export class UsageError extends Error {}

export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(values: Record<string, string | boolean | undefined>, config: Config): Promise<void>;
}

export const help = { help: { type: "boolean", short: "h" } } as const;

export function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

/** An email address as the service takes one: something@somewhere, no spaces or controls, at most 320 characters. */
export function isEmail(text: string): boolean {
  return text.length <= 320 && /^[^\s@\u0000-\u001f\u007f]+@[^\s@\u0000-\u001f\u007f]+$/.test(text);
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
  process.stdout.write(`${escapeControls(text)}\n`);
}

/** A line on stderr, control characters escaped. */
export function printError(text: string): void {
  process.stderr.write(`${escapeControls(text)}\n`);
}
