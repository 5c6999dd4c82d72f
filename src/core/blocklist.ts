import { createRequire } from "node:module";
import { errors, type ServiceError } from "./errors.js";

/**
 * zxcvbn-ts's list of common passwords (about 49,000, from leaked password
 * corpora, lower case). Loaded on first use, not at start: the package
 * decompresses all its dictionaries when it is imported, about 50 ms of CPU
 * that every process (each CLI command among them) would otherwise pay.
 */
let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  common ??= new Set(createRequire(import.meta.url)("@zxcvbn-ts/language-common").dictionary["passwords-common"] as string[]);
  return common;
}

/** Context words shorter than this would refuse too much ("al" in "Walnut…"). */
const MIN_CONTEXT_WORD = 3;

/**
 * The blocklist's refusals of a password: a common one (compared in lower
 * case), and one that contains a context word (the user's own username and
 * organisation name, in any case).
 */
export function blocklistViolations(password: string, contextWords: string[]): ServiceError[] {
  const lower = password.toLowerCase();
  const found: ServiceError[] = [];
  if (commonPasswords().has(lower)) found.push(errors.tooCommon());
  const contains = contextWords.some((word) => {
    const w = word.normalize("NFKC").toLowerCase();
    return [...w].length >= MIN_CONTEXT_WORD && lower.includes(w);
  });
  if (contains) found.push(errors.containsContextWord());
  return found;
}
