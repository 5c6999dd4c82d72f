// The account page's routes: sign in, change, sign out, forgot, and the
// reset link's landing. The service is its own first-party login client
// here: the page calls the use cases in this process, as the API's
// endpoints do, so lockout, the tarpit, admission and fairness apply as to
// every check. A sign-in's token lives only in an HttpOnly cookie. With
// OIDC_ISSUER, the page signs in at the outside issuer instead (oidc.ts),
// and the access token it gets is the bearer of the change.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import { negotiateLanguage } from "../api/accept-language.js";
import { caught } from "../api/caught.js";
import { OLD_PASSWORD_MAX_BYTES, type ChangeEndpoint } from "../api/change-endpoint.js";
import type { Gate } from "../api/gate.js";
import { type Config, pageResetTemplate } from "../config.js";
import type { RequestContext } from "../core/audit.js";
import { errors, ID, ServiceError, type ErrorKind } from "../core/errors.js";
import { LANGUAGES, type Language } from "../core/messages.js";
import { myPolicy, type PolicyQueryDeps } from "../core/policy-queries.js";
import { PerUserRate } from "../core/rate-limit.js";
import { requestPasswordReset, type Authority, type ResetDeps, setPasswordWithCode } from "../core/reset-password.js";
import { createSession, deleteSession, type SessionCaller, type SessionDeps } from "../core/sessions.js";
import { BCRYPT_MAX_BYTES } from "../core/password-hasher.js";
import type { NodeRequest, NodeResponse } from "../api/node-types.js";
import { readBody } from "../api/read-body.js";
import { currentRequest } from "../ops/request-info.js";
import { explain } from "./explanations.js";
import { type OidcClient, OidcSignInError, type OidcFailure } from "./oidc.js";
import { type PageTexts, pageTexts } from "./page-texts.js";
import { changeView, forgotView, onwardView, type Outcome, type Rules, resetView, rulesOf, sentView, signInView, type ViewContext } from "./views.js";

/** Who the page is when it calls the use cases: the login client, for every organisation. */
export const PAGE_CLIENT_ID = "password-service-page";
const PAGE_SESSION_CALLER: SessionCaller = { userId: PAGE_CLIENT_ID, loginClient: true, administers: () => false, instanceAdmin: false };
const PAGE_AUTHORITY: Authority = { userId: PAGE_CLIENT_ID, loginClient: true, administers: () => false, instanceWide: true };

/** ZITADEL's bounds on a login name or user ID, and on a verification code. */
const NAME_MAX = 200;
const CODE_MAX = 20;

const SESSION_COOKIE = "ps_session";
const CSRF_COOKIE = "ps_csrf";
const LANGUAGE_COOKIE = "ps_lang";
/** A sign-in started at the issuer: its state, nonce and code verifier, sent back only to the callback. */
const OIDC_COOKIE = "ps_oidc";
/** Browsers keep a cookie of at most 4096 bytes, name and attributes included. */
const COOKIE_VALUE_MAX = 3800;
/** 256 random bits, base64url, as the double-submit token is made. */
const CSRF_TOKEN = /^[\w-]{43}$/;

export interface AccountSettings {
  /** Cookies are Secure: the service speaks TLS, or PUBLIC_URL is https. */
  secure: boolean;
  /** Where the browser sees the page: its cookies are sent there only. */
  cookiePath: string;
  /** PUBLIC_URL's origin: a form must come from it. Unset, from the request's own origin. */
  publicOrigin?: string;
  /** The page's own reset form as the link a forgot-password mail gives; unset: the service's default. */
  resetUrlTemplate?: string;
  sessionTtlMs: number;
  forgotRate: { perName: { perHour: number; burst: number }; perAddress: { perHour: number; burst: number } };
  /** Login names, and client addresses, whose forgot-password buckets are kept. */
  rateLimitMaxTracked: number;
  maxBodyBytes: number;
}

export interface AccountDeps {
  gate: Gate;
  change: ChangeEndpoint;
  sessions: SessionDeps;
  resets: ResetDeps;
  policies: PolicyQueryDeps;
  logger: Logger;
  /** Set with OIDC_ISSUER: sign-in is at the issuer, and the password form and the forgot form are gone. */
  oidc?: OidcClient;
}

/** The page's settings from the configuration. */
export function accountSettings(config: Pick<Config, "publicUrl" | "tls" | "page" | "maxBodyBytes" | "rateLimitMaxTracked">): AccountSettings {
  const base = config.publicUrl;
  return {
    secure: config.tls !== undefined || base?.protocol === "https:",
    cookiePath: base ? new URL("account", base).pathname : "/account",
    publicOrigin: base?.origin,
    resetUrlTemplate: base && pageResetTemplate(base),
    sessionTtlMs: config.page.sessionTtlSeconds * 1000,
    forgotRate: config.page.forgotRate,
    rateLimitMaxTracked: config.rateLimitMaxTracked,
    maxBodyBytes: config.maxBodyBytes,
  };
}

/** One request as the page's handlers see it. */
interface PageRequest {
  req: NodeRequest;
  res: NodeResponse;
  query: URLSearchParams;
  form: URLSearchParams;
  cookies: Map<string, string>;
  view: ViewContext;
  context: RequestContext;
}

/** A status for each kind of refusal, as grpc-gateway maps the codes. */
const STATUS_OF: Record<ErrorKind, number> = {
  "invalid-argument": 400,
  "failed-precondition": 400,
  unauthenticated: 401,
  "permission-denied": 403,
  "not-found": 404,
  aborted: 409,
  "resource-exhausted": 429,
  unimplemented: 501,
  unavailable: 503,
  internal: 500,
};

/** The refusals of a reset link that a new link mends. */
const CODE_REFUSALS = new Set<string>([ID.codeNotFound, ID.codeExpired, ID.codeInvalid, ID.resetUserNotFound]);

/** The status of a sign-in at the issuer that failed, shown at the page's home after the callback. */
const OIDC_STATUS: Record<OidcFailure, number> = { refused: 403, mismatch: 400, failed: 502, unreachable: 503 };

export class AccountPage {
  private readonly forgotByName: PerUserRate;
  private readonly forgotByAddress: PerUserRate;
  private readonly routes: Record<string, (r: PageRequest) => Promise<void>>;

  constructor(
    private readonly deps: AccountDeps,
    private readonly settings: AccountSettings,
    /** Extra headers of every page response (the CSP). */
    private readonly headers: Record<string, string>,
  ) {
    const { forgotRate, rateLimitMaxTracked } = settings;
    const hourly = (rate: { perHour: number; burst: number }) =>
      new PerUserRate(rate.perHour / 60, rate.burst, rateLimitMaxTracked, Date.now, errors.resetRateLimited);
    this.forgotByName = hourly(forgotRate.perName);
    this.forgotByAddress = hourly(forgotRate.perAddress);
    const shared = {
      "GET /": (r: PageRequest) => this.home(r),
      "GET /reset": (r: PageRequest) => this.resetForm(r),
      "POST /change": (r: PageRequest) => this.changePassword(r),
      "POST /sign-out": (r: PageRequest) => this.signOut(r),
      "POST /reset": (r: PageRequest) => this.reset(r),
    };
    const { oidc } = deps;
    // Passwords for signing in live at the issuer then: no password sign-in here, and no forgot form.
    this.routes = oidc
      ? { ...shared, "GET /oidc/start": (r) => this.startOidc(r, oidc), "GET /oidc/callback": (r) => this.finishOidc(r, oidc) }
      : {
          ...shared,
          "GET /forgot": (r) => this.forgotForm(r),
          "POST /sign-in": (r) => this.signIn(r),
          "POST /forgot": (r) => this.forgot(r),
        };
  }

  /** The page's paths under its prefix, for the request log. */
  static readonly PATHS = ["/", "/forgot", "/reset", "/sign-in", "/change", "/sign-out", "/oidc/start", "/oidc/callback"];

  /** Answers a request for `path` (below the page's prefix); false if no route has it. */
  async handle(req: NodeRequest, res: NodeResponse, path: string): Promise<boolean> {
    const method = req.method === "HEAD" ? "GET" : req.method;
    const route = this.routes[`${method} ${path}`];
    if (!route) return false;
    const r = this.pageRequest(req, res);
    if (method === "POST") {
      const refusal = await this.readForm(r);
      if (refusal) return (this.refuseForm(r, refusal), true);
    }
    await route(r);
    return true;
  }

  private pageRequest(req: NodeRequest, res: NodeResponse): PageRequest {
    const cookies = parseCookies(req.headers.cookie);
    const query = new URLSearchParams((req.url ?? "").split("?")[1] ?? "");
    const language = this.language(query, cookies, req.headers["accept-language"], res);
    let csrf = cookies.get(CSRF_COOKIE);
    if (!csrf || !CSRF_TOKEN.test(csrf)) {
      csrf = randomBytes(32).toString("base64url");
      this.setCookie(res, CSRF_COOKIE, csrf, "Strict");
    }
    return {
      req,
      res,
      query,
      form: new URLSearchParams(),
      cookies,
      view: { language, texts: pageTexts(language), csrf, issuerSignIn: this.deps.oidc !== undefined },
      context: { userAgent: req.headers["user-agent"], remoteAddress: req.socket?.remoteAddress, language },
    };
  }

  /** The request's language (see pageLanguage); the menu's choice is kept in a cookie. */
  private language(query: URLSearchParams, cookies: Map<string, string>, accept: string | undefined, res: NodeResponse): Language {
    const chosen = query.get("lang");
    if (isLanguage(chosen)) this.setCookie(res, LANGUAGE_COOKIE, chosen, "Lax", 365 * 24 * 3600);
    return languageOf(query, cookies, accept);
  }

  /**
   * Reads a form post, and checks that it comes from the page itself: its
   * double-submit token matches the cookie's (which SameSite=Strict keeps
   * from other sites), and a browser's Origin, when it names one, is the
   * page's. Returns the HTTP status of a refusal.
   */
  private async readForm(r: PageRequest): Promise<number | undefined> {
    const type = String(r.req.headers["content-type"] ?? "")
      .split(";")[0]
      .trim()
      .toLowerCase();
    if (type !== "application/x-www-form-urlencoded") return 415;
    const body = await readBody(r.req, this.settings.maxBodyBytes);
    if (body === undefined) return 413;
    r.form = new URLSearchParams(body.toString("utf8"));
    const origin = r.req.headers.origin;
    if (origin && origin !== "null" && origin !== this.origin(r.req)) return 403;
    const sent = Buffer.from(r.form.get("csrf") ?? "");
    const kept = Buffer.from(r.cookies.get(CSRF_COOKIE) ?? "");
    return kept.length > 0 && sent.length === kept.length && timingSafeEqual(sent, kept) ? undefined : 403;
  }

  private origin(req: NodeRequest): string {
    if (this.settings.publicOrigin) return this.settings.publicOrigin;
    const host = req.headers.host ?? req.headers[":authority"];
    return `${this.settings.secure ? "https" : "http"}://${host}`;
  }

  private refuseForm(r: PageRequest, status: number): void {
    const { page } = r.view.texts;
    const lines = status === 403 ? page.formExpired : status === 413 ? page.tooLong : page.fillEveryField;
    this.send(r.res, status, signInView(r.view, { kind: "error", lines }));
  }

  private async home(r: PageRequest): Promise<void> {
    const t = r.view.texts;
    const done = r.query.get("done");
    const bearer = this.bearer(r.cookies);
    if (bearer) {
      const ok: Outcome | undefined = done === "changed" ? { kind: "ok", lines: [t.change.done, t.change.doneDetail] } : undefined;
      return this.showSignedIn(r, bearer, ok);
    }
    const outcomes: Record<string, Outcome> = {
      "signed-out": { kind: "ok", lines: [t.signIn.signedOut] },
      set: { kind: "ok", lines: [t.reset.done, t.reset.doneDetail] },
    };
    const failed = r.query.get("failed");
    if (this.deps.oidc && failed && Object.hasOwn(OIDC_STATUS, failed)) {
      const failure = failed as OidcFailure;
      return this.send(r.res, OIDC_STATUS[failure], signInView(r.view, { kind: "error", lines: oidcExplanation(t, failure) }));
    }
    this.send(r.res, 200, signInView(r.view, done ? outcomes[done] : undefined));
  }

  /** Sends the browser to the issuer, with the sign-in's state, nonce and verifier kept for the callback. */
  private async startOidc(r: PageRequest, oidc: OidcClient): Promise<void> {
    try {
      const { location, pending } = await oidc.start();
      // Lax: the callback is a top-level navigation from the issuer's site, which a Strict cookie would miss.
      this.setCookie(r.res, OIDC_COOKIE, pending, "Lax", oidc.signInTtlSeconds, this.oidcCookiePath());
      redirect(r.res, location);
    } catch (err) {
      const failure = this.oidcFailure(err);
      this.send(r.res, OIDC_STATUS[failure], signInView(r.view, { kind: "error", lines: oidcExplanation(r.view.texts, failure) }));
    }
  }

  /**
   * The issuer's answer: checked against the sign-in this browser started,
   * the code exchanged, the ID token's nonce checked; the access token then
   * signs the page in, if this service accepts it as a bearer. Either way
   * the browser goes on to the page's home, and the callback's query, which
   * holds the code, leaves the address bar.
   */
  private async finishOidc(r: PageRequest, oidc: OidcClient): Promise<void> {
    this.setCookie(r.res, OIDC_COOKIE, "", "Lax", 0, this.oidcCookiePath());
    try {
      const token = await oidc.finish(r.query, r.cookies.get(OIDC_COOKIE));
      await this.checkIssuerToken(token);
      this.setCookie(r.res, SESSION_COOKIE, `t.${token}`, "Strict");
      this.send(r.res, 200, onwardView(r.view, "../"));
    } catch (err) {
      redirect(r.res, `../?failed=${this.oidcFailure(err)}`);
    }
  }

  /** Logs why a sign-in at the issuer failed (its reason, never a code, verifier or token); the failure the page tells. */
  private oidcFailure(err: unknown): OidcFailure {
    if (!(err instanceof OidcSignInError)) {
      this.deps.logger.error({ err }, "the page's sign-in at the issuer failed");
      return "failed";
    }
    // The person's doing, or the issuer's and the operator's.
    const level = err.failure === "refused" || err.failure === "mismatch" ? "info" : "warn";
    this.deps.logger[level]({ failure: err.failure, reason: err.reason }, "a sign-in at the OIDC issuer did not sign in");
    return err.failure;
  }

  /** An access token this service does not take as a bearer would sign in to a page that refuses every change. */
  private async checkIssuerToken(token: string): Promise<void> {
    if (`t.${token}`.length > COOKIE_VALUE_MAX)
      throw new OidcSignInError("failed", `the access token is longer than a cookie may hold (${COOKIE_VALUE_MAX} characters)`);
    try {
      await this.deps.gate.answer({ authorization: `Bearer ${token}` }, { what: "the account page", run: async (c) => c });
    } catch (err) {
      const error = err as ServiceError;
      if (error.id === ID.issuerKeysUnavailable) throw new OidcSignInError("unreachable", "the issuer's key set cannot be had");
      throw new OidcSignInError(
        "failed",
        `the access token is refused as a bearer (${error.id ?? error.kind}): the issuer must give JWT access tokens with JWT_ISSUER's iss and JWT_AUDIENCE's aud, whose subject is a user of this service`,
      );
    }
  }

  private oidcCookiePath(): string {
    return `${this.settings.cookiePath}/oidc/callback`;
  }

  /** The change form for the cookie's bearer; the sign-in form once it no longer signs in. */
  private async showSignedIn(r: PageRequest, bearer: string, outcome?: Outcome, status = 200): Promise<void> {
    try {
      const { user, effective } = await this.deps.gate.answer(
        { authorization: `Bearer ${bearer}`, info: currentRequest() },
        { what: "the account page", run: (caller) => myPolicy(this.deps.policies, caller.userId) },
      );
      this.send(r.res, status, changeView(r.view, user.username, rulesOf(effective.policy), outcome));
    } catch (err) {
      const error = err as ServiceError;
      if (error.kind === "unauthenticated") this.clearCookie(r.res, SESSION_COOKIE);
      this.send(r.res, STATUS_OF[error.kind], signInView(r.view, { kind: "error", lines: explain(r.view.texts, error) }));
    }
  }

  private async signIn(r: PageRequest): Promise<void> {
    const loginName = r.form.get("loginName")?.trim() ?? "";
    const password = r.form.get("password") ?? "";
    try {
      checkField(loginName, NAME_MAX);
      checkField(password, OLD_PASSWORD_MAX_BYTES);
      const written = await createSession(this.deps.sessions, {
        caller: PAGE_SESSION_CALLER,
        checks: { user: { loginName }, password },
        metadata: {},
        lifetimeMs: this.settings.sessionTtlMs,
        context: r.context,
        userAgent: { header: {} },
      });
      this.setCookie(r.res, SESSION_COOKIE, `s.${written.session.id}.${written.token}`, "Strict");
      redirect(r.res, "./");
    } catch (err) {
      const error = caught(err, this.deps.logger, "the page's sign-in");
      const policy = error.failedAttempts === undefined ? undefined : await this.policyOfName(loginName);
      this.send(r.res, STATUS_OF[error.kind], signInView(r.view, { kind: "error", lines: explain(r.view.texts, error, policy) }, loginName));
    }
  }

  /** The lockout's numbers for a refusal's explanation; none when they cannot be read. */
  private async policyOfName(loginName: string) {
    try {
      const userId = await this.deps.sessions.sessions.userByLoginName(loginName);
      return userId === undefined ? undefined : rulesOf((await myPolicy(this.deps.policies, userId)).effective.policy).facts;
    } catch {
      return undefined;
    }
  }

  private async changePassword(r: PageRequest): Promise<void> {
    const bearer = this.bearer(r.cookies);
    if (!bearer) return this.send(r.res, 401, signInView(r.view, { kind: "error", lines: r.view.texts.page.signInAgain }));
    try {
      const result = await this.deps.change.handle({
        authorization: `Bearer ${bearer}`,
        requestName: "UpdateMyPasswordRequest",
        oldPassword: r.form.get("currentPassword") ?? "",
        newPassword: r.form.get("newPassword") ?? "",
        context: r.context,
        info: currentRequest(),
      });
      // Under TOKEN_REVOCATION=all the change revoked the bearer; the token issued in its place signs in from now on.
      if (result.freshToken) this.setCookie(r.res, SESSION_COOKIE, `t.${result.freshToken}`, "Strict");
      redirect(r.res, "./?done=changed");
    } catch (err) {
      const error = err as ServiceError;
      const facts = await this.policyOfBearer(bearer);
      const outcome: Outcome = { kind: "error", lines: explain(r.view.texts, error, facts) };
      if (error.kind === "unauthenticated") {
        this.clearCookie(r.res, SESSION_COOKIE);
        return this.send(r.res, 401, signInView(r.view, outcome));
      }
      await this.showSignedIn(r, bearer, outcome, STATUS_OF[error.kind]);
    }
  }

  private async policyOfBearer(bearer: string) {
    try {
      const caller = await this.deps.gate.answer({ authorization: `Bearer ${bearer}` }, { what: "the account page", run: async (c) => c });
      return rulesOf((await myPolicy(this.deps.policies, caller.userId)).effective.policy).facts;
    } catch {
      return undefined;
    }
  }

  private async signOut(r: PageRequest): Promise<void> {
    const [kind, sessionId, token] = (r.cookies.get(SESSION_COOKIE) ?? "").split(".");
    if (kind === "s" && sessionId && token) {
      // An ended or expired session is as signed out as can be.
      await deleteSession(this.deps.sessions, PAGE_SESSION_CALLER, sessionId, r.context, token).catch((err: unknown) => {
        if (!(err instanceof ServiceError)) this.deps.logger.error({ err }, "the page's sign-out could not end its session");
      });
    }
    this.clearCookie(r.res, SESSION_COOKIE);
    redirect(r.res, "./?done=signed-out");
  }

  private async forgotForm(r: PageRequest): Promise<void> {
    this.send(r.res, 200, r.query.has("sent") ? sentView(r.view) : forgotView(r.view));
  }

  /**
   * The same answer whether the login name names an account or not: the
   * reset is asked for after the answer, and its outcome is not told. Each
   * name, and each client address, may ask only so often.
   */
  private async forgot(r: PageRequest): Promise<void> {
    const t = r.view.texts;
    const loginName = r.form.get("loginName")?.trim() ?? "";
    if (loginName.length === 0 || loginName.length > NAME_MAX) {
      return this.send(r.res, 400, forgotView(r.view, { kind: "error", lines: t.page.fillEveryField }, loginName.slice(0, NAME_MAX)));
    }
    try {
      this.forgotByAddress.take(r.context.remoteAddress ?? "");
      this.forgotByName.take(loginName.toLowerCase());
    } catch (err) {
      const minutes = Math.max(1, Math.ceil(((err as ServiceError).retryAfterSeconds ?? 60) / 60));
      return this.send(r.res, 429, forgotView(r.view, { kind: "error", lines: t.page.forgotRateLimited(minutes) }, loginName));
    }
    void this.mailResetLink(loginName, r.context);
    redirect(r.res, "forgot?sent");
  }

  private async mailResetLink(loginName: string, context: RequestContext): Promise<void> {
    try {
      const userId = await this.deps.sessions.sessions.userByLoginName(loginName);
      if (userId === undefined) return;
      const medium = { kind: "email" as const, urlTemplate: this.settings.resetUrlTemplate };
      await requestPasswordReset(this.deps.resets, { userId, medium, caller: PAGE_AUTHORITY, context });
    } catch (err) {
      // Told to the operator, never to whoever asked.
      if (err instanceof ServiceError) this.deps.logger.info({ errorId: err.id }, "a forgot-password request mailed no link");
      else this.deps.logger.error({ err }, "a forgot-password request failed");
    }
  }

  private async resetForm(r: PageRequest): Promise<void> {
    const link = linkOf(r.query);
    this.send(r.res, link ? 200 : 400, resetView(r.view, link, link && (await this.rulesOfUser(link.userId))));
  }

  private async reset(r: PageRequest): Promise<void> {
    const link = linkOf(r.form);
    if (!link) return this.send(r.res, 400, resetView(r.view, undefined, undefined));
    const newPassword = r.form.get("newPassword") ?? "";
    try {
      if (newPassword === "") throw errors.passwordEmpty();
      checkField(newPassword, BCRYPT_MAX_BYTES);
      // Past capacity, refuse before anything is spent.
      this.deps.resets.hasher.refuseIfBusy();
      await setPasswordWithCode(this.deps.resets, { ...link, newPassword, changeRequired: false, caller: PAGE_AUTHORITY, context: r.context });
      redirect(r.res, "./?done=set");
    } catch (err) {
      const error = caught(err, this.deps.logger, "the page's reset");
      const rules = await this.rulesOfUser(link.userId);
      const outcome: Outcome = { kind: "error", lines: explain(r.view.texts, error, rules?.facts) };
      if (error.id && CODE_REFUSALS.has(error.id)) outcome.link = { href: "forgot", text: r.view.texts.links.requestNewLink };
      this.send(r.res, STATUS_OF[error.kind], resetView(r.view, link, rules, outcome));
    }
  }

  /** The rules of a reset's user; none for an ID that names no one (the form then says why when it is sent). */
  private async rulesOfUser(userId: string): Promise<Rules | undefined> {
    try {
      return rulesOf((await myPolicy(this.deps.policies, userId)).effective.policy);
    } catch {
      return undefined;
    }
  }

  /** The cookie's bearer: a session's token, or a token issued in place of one. */
  private bearer(cookies: Map<string, string>): string | undefined {
    const value = cookies.get(SESSION_COOKIE) ?? "";
    if (value.startsWith("s.")) return value.split(".")[2] || undefined;
    if (value.startsWith("t.")) return value.slice(2) || undefined;
    return undefined;
  }

  private setCookie(res: NodeResponse, name: string, value: string, sameSite: "Strict" | "Lax", maxAge?: number, path = this.settings.cookiePath): void {
    const flags = [`${name}=${value}`, `Path=${path}`, "HttpOnly", `SameSite=${sameSite}`];
    if (this.settings.secure) flags.push("Secure");
    if (maxAge !== undefined) flags.push(`Max-Age=${maxAge}`);
    const before = res.getHeader("set-cookie");
    res.setHeader("set-cookie", [...(Array.isArray(before) ? before : []), flags.join("; ")]);
  }

  private clearCookie(res: NodeResponse, name: string): void {
    this.setCookie(res, name, "", "Strict", 0);
  }

  private send(res: NodeResponse, status: number, html: string): void {
    res.writeHead(status, {
      ...this.headers,
      "cache-control": "no-store",
      "content-type": "text/html; charset=utf-8",
      "content-length": Buffer.byteLength(html),
    });
    res.end(html);
  }
}

/** What the page says of a sign-in at the issuer that failed: the issuer unreachable is said as its key set's outage is. */
function oidcExplanation(t: PageTexts, failure: OidcFailure): string[] {
  return failure === "unreachable" ? explain(t, errors.issuerKeysUnavailable()) : t.oidc[failure];
}

const isLanguage = (l: string | null | undefined): l is Language => (LANGUAGES as readonly string[]).includes(l ?? "");

/** The menu's choice, else the one kept in the cookie, else the browser's Accept-Language. */
function languageOf(query: URLSearchParams, cookies: Map<string, string>, accept: string | undefined): Language {
  const chosen = query.get("lang");
  if (isLanguage(chosen)) return chosen;
  const kept = cookies.get(LANGUAGE_COOKIE);
  return isLanguage(kept) ? kept : negotiateLanguage(accept);
}

/** The language a request to the page is answered in, as the page negotiates it; sets no cookie. */
export function pageLanguage(req: NodeRequest): Language {
  const query = new URLSearchParams((req.url ?? "").split("?")[1] ?? "");
  return languageOf(query, parseCookies(req.headers.cookie), req.headers["accept-language"]);
}

/** A reset link's user and code, when both are there and within ZITADEL's bounds. */
function linkOf(params: URLSearchParams): { userId: string; code: string } | undefined {
  const userId = params.get("user") ?? "";
  const code = params.get("code") ?? "";
  if (!userId || !code || userId.length > NAME_MAX || code.length > CODE_MAX) return undefined;
  return { userId, code };
}

function checkField(value: string, maxBytes: number): void {
  if (value.length === 0) throw new ServiceError("invalid-argument", undefined, "value length must be at least 1 runes");
  if (Buffer.byteLength(value, "utf8") > maxBytes) throw new ServiceError("invalid-argument", undefined, `value length must be at most ${maxBytes} bytes`);
}

/** POST-redirect-GET: a reload shows the result again and sends nothing. */
function redirect(res: NodeResponse, location: string): void {
  res.writeHead(303, { location, "content-length": 0 });
  res.end();
}

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const pair of (header ?? "").split(";")) {
    const at = pair.indexOf("=");
    if (at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return cookies;
}
