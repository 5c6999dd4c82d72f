/** What a reset link's template may name: ZITADEL's three placeholders, nothing else. */
export interface ResetLinkValues {
  userId: string;
  code: string;
  orgId: string;
}

const PLACEHOLDERS: Record<string, keyof ResetLinkValues> = {
  "{{.UserID}}": "userId",
  "{{.Code}}": "code",
  "{{.OrgID}}": "orgId",
};

/** ZITADEL's validation of url_template. */
export const URL_TEMPLATE_MAX_LENGTH = 200;

/**
 * Whitespace and control characters (C0, DEL, C1), which the URL parser
 * strips or passes over: the template as written, not as parsed, is what a
 * mail quotes, so a CR LF in it would write lines of its own into the mail.
 */
const UNSAFE_CHARACTER = /[\s\p{Cc}]/u;

/**
 * Fills ZITADEL's placeholders in a reset link's template, each value
 * URL-encoded. Plain substitution, never a template engine: anything else
 * between `{{` and `}}` makes the template invalid. Throws TypeError with
 * the reason when the template is not one, or does not make an http(s) URL.
 */
export function fillUrlTemplate(template: string, values: ResetLinkValues): string {
  if (template.length > URL_TEMPLATE_MAX_LENGTH) throw new TypeError(`longer than ${URL_TEMPLATE_MAX_LENGTH} characters`);
  if (UNSAFE_CHARACTER.test(template)) throw new TypeError("a space or control character, which a URL does not hold");
  const filled = template.replace(/\{\{(.*?)\}\}/g, (placeholder) => {
    const key = PLACEHOLDERS[placeholder];
    if (!key) throw new TypeError(`${placeholder.slice(0, 40)} is not one of {{.UserID}}, {{.Code}}, {{.OrgID}}`);
    return encodeURIComponent(values[key]);
  });
  if (filled.includes("{{") || filled.includes("}}")) throw new TypeError("a {{ or }} that opens or closes no placeholder");
  let url: URL;
  try {
    url = new URL(filled);
  } catch {
    throw new TypeError("not an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError("not an http(s) URL");
  return filled;
}

/** Throws as fillUrlTemplate would for any values: for checking a template before it is used. */
export function checkUrlTemplate(template: string): void {
  fillUrlTemplate(template, { userId: "user", code: "CODE", orgId: "org" });
}
