import { dictionary } from "@zxcvbn-ts/language-common";
import { errors, type ServiceError } from "./errors.js";

/**
 * zxcvbn-ts's list of common passwords (about 49,000, from leaked password
 * corpora, lower case). Loaded on first use, not at start.
 */
let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  common ??= new Set(dictionary["passwords-common"]);
  return common;
}

/** Context words shorter than this would refuse too much ("al" in "Walnut…"). */
const MIN_CONTEXT_WORD = 3;

/**
 * Refuses a password that is a common one (compared in lower case) or that
 * contains one of the context words, the user's own username and
 * organisation name, in any case.
 */
export function checkBlocklist(password: string, contextWords: string[]): ServiceError | undefined {
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return errors.tooCommon();
  for (const word of contextWords) {
    const w = word.normalize("NFKC").toLowerCase();
    if ([...w].length >= MIN_CONTEXT_WORD && lower.includes(w)) return errors.containsContextWord();
  }
  return undefined;
}
