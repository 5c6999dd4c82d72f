import type { ParseArgsConfig } from "node:util";
import type { Config } from "./config.js";

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
