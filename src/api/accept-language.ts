import { LANGUAGES, type Language } from "../core/messages.js";

const SUPPORTED = new Set<string>(LANGUAGES);

/**
 * The language to answer in, from an Accept-Language header (RFC 9110
 * §12.5.4): the supported language with the highest q-value, the first
 * named on a tie; a tag is matched by its primary subtag (`de-CH` → `de`,
 * `zh-Hans` → `zh`); `*` stands for any language not named, English
 * first; q=0 refuses a language. English when nothing matches, as
 * every caller must be answered in some language.
 */
export function negotiateLanguage(header: string | null | undefined): Language {
  if (!header) return "en";
  let best: Language = "en";
  let bestQ = 0;
  const named = new Set<string>();
  let wildcardQ = 0;
  for (const range of header.split(",")) {
    const [tag, ...params] = range.split(";");
    const primary = tag.trim().toLowerCase().split("-")[0];
    const q = qualityOf(params);
    if (primary === "*") {
      wildcardQ = q;
      continue;
    }
    named.add(primary);
    if (SUPPORTED.has(primary) && q > bestQ) {
      best = primary as Language;
      bestQ = q;
    }
  }
  if (wildcardQ > bestQ) {
    const any = LANGUAGES.find((language) => !named.has(language));
    if (any) return any;
  }
  return best;
}

/** A range's q-value: 1 without one, 0 for one that is not a number from 0 to 1 (an unreadable range counts for nothing). */
function qualityOf(params: string[]): number {
  for (const param of params) {
    const [name, value] = param.split("=");
    if (name.trim().toLowerCase() !== "q") continue;
    const q = Number(value?.trim());
    return value !== undefined && value.trim() !== "" && q >= 0 && q <= 1 ? q : 0;
  }
  return 1;
}
