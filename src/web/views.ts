// The account page's HTML, one function per state, every word from
// page-texts.ts. Forms post to the page's own paths and work without
// script; app.ts enhances them. Every value is escaped where it is written.
import { LANGUAGES, type Language } from "../core/messages.js";
import { NIST_MAX_CODE_POINTS, type PasswordPolicy } from "../core/policy.js";
import { BCRYPT_MAX_BYTES } from "../core/password-hasher.js";
import { LANGUAGE_NAMES, type PageTexts, type PolicyFacts } from "./page-texts.js";

/** What every state of the page is rendered with. */
export interface ViewContext {
  language: Language;
  texts: PageTexts;
  /** The double-submit token every form carries (see account.ts). */
  csrf: string;
  /** Sign-in is at the outside issuer (OIDC_ISSUER): no password form, no forgot link. */
  issuerSignIn: boolean;
}

/** A result to show: a success's lines, or a refusal's. */
export interface Outcome {
  kind: "ok" | "error";
  lines: string[];
  /** A link under the lines (a new reset link, the sign-in form). */
  link?: { href: string; text: string };
}

/** The policy's rules as the page lists them, with what the script may check as the user types. */
export interface Rules {
  facts: PolicyFacts;
  policy: PasswordPolicy;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** The facts the explanations quote, from a policy in force. */
export function rulesOf(policy: PasswordPolicy): Rules {
  const nist = policy.profile === "nist";
  return {
    policy,
    facts: {
      minLength: policy.complexity.minLength,
      maxLength: nist ? NIST_MAX_CODE_POINTS : BCRYPT_MAX_BYTES,
      unit: nist ? "characters" : "bytes",
      historyCount: policy.historyCount,
      maxPasswordAttempts: policy.lockout.maxPasswordAttempts,
    },
  };
}

export function signInView(ctx: ViewContext, outcome?: Outcome, loginName = ""): string {
  const t = ctx.texts;
  if (ctx.issuerSignIn) return page(ctx, t.signIn.title, outcome, issuerSignIn(ctx));
  const form = `<p>${escapeHtml(t.signIn.intro)}</p>
<form method="post" action="sign-in">${csrfField(ctx)}
${field("login-name", "loginName", t.labels.loginName, "text", "username", loginName)}
${field("password", "password", t.labels.password, "password", "current-password")}
<button type="submit">${escapeHtml(t.buttons.signIn)}</button>
</form>
<p class="aside"><a href="forgot">${escapeHtml(t.links.forgotPassword)}</a></p>`;
  return page(ctx, t.signIn.title, outcome, form);
}

/**
 * A link, not a form: its answer redirects to the issuer's site, where the
 * CSP's form-action would stop a form's navigation (and the script sends
 * every POST form itself).
 */
function issuerSignIn(ctx: ViewContext): string {
  const t = ctx.texts;
  return `<p>${escapeHtml(t.signIn.intro)}</p>
<p><a class="button" href="oidc/start">${escapeHtml(t.buttons.signIn)}</a></p>`;
}

/**
 * The callback's answer once signed in: a navigation of the page's own (a
 * meta refresh, which needs no script), so that the browser sends the
 * SameSite=Strict session cookie with it. A redirect would not: its chain
 * began on the issuer's site. No stylesheet, as relative paths here are the
 * callback's; the link is for a browser that does not refresh.
 */
export function onwardView(ctx: ViewContext, href: string): string {
  const t = ctx.texts;
  return `<!doctype html>
<html lang="${ctx.language}">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=${escapeHtml(href)}">
<title>${escapeHtml(t.signIn.title)}</title>
</head>
<body>
<main><p><a href="${escapeHtml(href)}">${escapeHtml(t.change.title)}</a></p></main>
</body>
</html>
`;
}

export function changeView(ctx: ViewContext, username: string, rules: Rules, outcome?: Outcome): string {
  const t = ctx.texts;
  return page(
    ctx,
    t.change.title,
    outcome,
    `<p>${escapeHtml(t.change.signedInAs(username))}</p>
<form method="post" action="change">${csrfField(ctx)}
<input type="text" name="username" autocomplete="username" value="${escapeHtml(username)}" hidden>
${field("current-password", "currentPassword", t.labels.currentPassword, "password", "current-password")}
${field("new-password", "newPassword", t.labels.newPassword, "password", "new-password", "", "rules")}
${rulesList(t, rules, true)}
<button type="submit">${escapeHtml(t.buttons.changePassword)}</button>
</form>
<form method="post" action="sign-out">${csrfField(ctx)}
<button type="submit" class="secondary">${escapeHtml(t.buttons.signOut)}</button>
</form>`,
  );
}

export function forgotView(ctx: ViewContext, outcome?: Outcome, loginName = ""): string {
  const t = ctx.texts;
  return page(
    ctx,
    t.forgot.title,
    outcome,
    `<p>${escapeHtml(t.forgot.intro)}</p>
<form method="post" action="forgot">${csrfField(ctx)}
${field("login-name", "loginName", t.labels.loginName, "text", "username", loginName)}
<button type="submit">${escapeHtml(t.buttons.sendResetLink)}</button>
</form>
<p class="aside"><a href="./">${escapeHtml(t.links.backToSignIn)}</a></p>`,
  );
}

export function sentView(ctx: ViewContext): string {
  const t = ctx.texts;
  return page(ctx, t.sent.title, undefined, `<p>${escapeHtml(t.sent.body)}</p>\n<p class="aside"><a href="./">${escapeHtml(t.links.backToSignIn)}</a></p>`);
}

/**
 * The answer to a fault no route answered. It says neither that nothing
 * changed nor what failed: the fault may come after a change was written.
 * `home` is the page's start, relative to the path that failed.
 */
export function faultView(language: Language, texts: PageTexts, home: string): string {
  const ctx: ViewContext = { language, texts, csrf: "", issuerSignIn: false };
  return page(ctx, texts.fault.title, { kind: "error", lines: [texts.fault.body], link: { href: home, text: texts.fault.home } }, "");
}

/** The reset form; without a user and a code (an incomplete link), only the way to a new link. */
export function resetView(ctx: ViewContext, link: { userId: string; code: string } | undefined, rules: Rules | undefined, outcome?: Outcome): string {
  const t = ctx.texts;
  if (!link) {
    const incomplete: Outcome = { kind: "error", lines: [t.reset.incomplete], link: { href: "forgot", text: t.links.requestNewLink } };
    return page(ctx, t.reset.title, outcome ?? incomplete, "");
  }
  // The language menu keeps the link's values: without them the form would be lost.
  const keep = { user: link.userId, code: link.code };
  return page(
    ctx,
    t.reset.title,
    outcome,
    `<p>${escapeHtml(t.reset.intro)}</p>
<form method="post" action="reset">${csrfField(ctx)}
<input type="hidden" name="user" value="${escapeHtml(link.userId)}">
<input type="hidden" name="code" value="${escapeHtml(link.code)}">
${field("new-password", "newPassword", t.labels.newPassword, "password", "new-password", "", rules ? "rules" : undefined)}
${rules ? rulesList(t, rules, false) : ""}
<button type="submit">${escapeHtml(t.buttons.setPassword)}</button>
</form>`,
    keep,
  );
}

function field(id: string, name: string, label: string, type: string, autocomplete: string, value = "", describedBy?: string): string {
  const described = describedBy ? ` aria-describedby="${describedBy}"` : "";
  return `<label for="${id}">${escapeHtml(label)}</label>
<input id="${id}" name="${name}" type="${type}" autocomplete="${autocomplete}" value="${escapeHtml(value)}" required${described}>`;
}

function csrfField(ctx: ViewContext): string {
  return `\n<input type="hidden" name="csrf" value="${escapeHtml(ctx.csrf)}">`;
}

/**
 * The rules a new password must meet. Those the script can check as the
 * user types carry what it needs (data-check); the rest are checked when
 * the form is sent. `own`: the signed-in user's list, which may name the
 * lockout; a reset's user has not proven who they are.
 */
function rulesList(t: PageTexts, rules: Rules, own: boolean): string {
  const { policy, facts } = rules;
  const items: [string, string][] = [
    [t.rules.length(facts.minLength, facts.maxLength, facts.unit), `length ${facts.minLength} ${facts.maxLength} ${facts.unit}`],
  ];
  // Under the nist profile there are no character classes to speak of.
  if (policy.profile === "zitadel") {
    const c = policy.complexity;
    if (c.hasLowercase) items.push([t.rules.lowercase, "lowercase"]);
    if (c.hasUppercase) items.push([t.rules.uppercase, "uppercase"]);
    if (c.hasNumber) items.push([t.rules.digit, "digit"]);
    if (c.hasSymbol) items.push([t.rules.symbol, "symbol"]);
  }
  if (policy.blocklist) items.push([t.rules.notCommon, ""], [t.rules.noContextWords, ""]);
  if (policy.breachedCheck !== "off") items.push([t.rules.notBreached, ""]);
  if (policy.historyCount > 0) items.push([t.rules.notRecent(policy.historyCount), ""]);
  const list = items
    .map(([text, check]) => (check ? `<li data-check="${check}">${escapeHtml(text)}<span class="mark"></span></li>` : `<li>${escapeHtml(text)}</li>`))
    .join("\n");
  const lockout = own && facts.maxPasswordAttempts > 0 ? `\n<p class="note">${escapeHtml(t.rules.lockout(facts.maxPasswordAttempts))}</p>` : "";
  return `<div id="rules">
<p class="rules-heading">${escapeHtml(t.rules.heading)}</p>
<ul data-met="${escapeHtml(t.rules.met)}" data-unmet="${escapeHtml(t.rules.unmet)}">
${list}
</ul>${lockout}
</div>`;
}

function outcomeHtml(outcome: Outcome | undefined, problem: string): string {
  if (!outcome) return "";
  const heading = outcome.kind === "error" ? `<p class="heading">${escapeHtml(problem)}</p>` : "";
  const lines = outcome.lines.map((line, i) => `<p${i === 0 && outcome.kind === "ok" ? ' class="heading"' : ""}>${escapeHtml(line)}</p>`).join("");
  const link = outcome.link ? `<p><a href="${escapeHtml(outcome.link.href)}">${escapeHtml(outcome.link.text)}</a></p>` : "";
  return `${heading}${lines}${link}`;
}

/**
 * The document around a state. The result region is a live region that is
 * in every state, so that the script can fill it and screen readers announce
 * it; the language menu is a plain GET form.
 */
function page(ctx: ViewContext, title: string, outcome: Outcome | undefined, body: string, keep: Record<string, string> = {}): string {
  const t = ctx.texts;
  const kept = Object.entries(keep)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join("");
  const options = LANGUAGES.map(
    (l) => `<option value="${l}" lang="${l}"${l === ctx.language ? " selected" : ""}>${escapeHtml(LANGUAGE_NAMES[l])}</option>`,
  ).join("");
  return `<!doctype html>
<html lang="${ctx.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="page.css">
<script src="app.js" defer></script>
</head>
<body>
<main>
<div id="content">
<h1 tabindex="-1">${escapeHtml(title)}</h1>
${body}
</div>
<div id="result" role="status" aria-live="polite" tabindex="-1"${outcome ? ` class="${outcome.kind}"` : ""}>${outcomeHtml(outcome, t.problem)}</div>
</main>
<footer>
<form method="get" action="">${kept}
<label for="language">${escapeHtml(t.language.label)}</label>
<select id="language" name="lang">${options}</select>
<button type="submit" class="secondary">${escapeHtml(t.language.button)}</button>
</form>
</footer>
</body>
</html>
`;
}
