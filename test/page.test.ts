import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, noChromium } from "./support/chromium.js";
import { TRANSLATIONS } from "../src/core/messages.js";
import { ID } from "../src/core/errors.js";
import { loadConfig } from "../src/config.js";
import { type AccountPage, accountSettings } from "../src/web/account.js";
import { WebPage } from "../src/web/page.js";
import { cliOk, ROOT, Service, type TestUser } from "./support/service.js";
import { MailCatcher } from "./support/mail-catcher.js";
import { freePort } from "./support/tools.js";

/**
 * Screenshots are for people to look at, and encoding the PNGs costs CPU
 * on every run: they are taken only under PAGE_SCREENSHOTS=1.
 */
const SHOTS = process.env.PAGE_SCREENSHOTS === "1" ? path.join(ROOT, "test-output", "page") : undefined;
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const DESKTOP = { width: 800, height: 900 };
const PHONE = { width: 390, height: 844 };

const skip = noChromium;

describe("the account page in Chromium", { skip }, () => {
  let service: Service;
  let mail: MailCatcher;
  /** One browser for the file; each locale and script setting is a context of it. */
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  /** Every origin any page of the browser sent a request to. */
  const origins = new Set<string>();

  before(async () => {
    if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
    mail = await MailCatcher.start();
    // PUBLIC_URL names the service's own port, so it is chosen first.
    const port = await freePort();
    service = await Service.start({
      WEB_UI: "true",
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SMTP_URL: mail.url,
      MAIL_POLL_INTERVAL_MS: "200",
      FORGOT_NAME_BURST: "2",
    });
    base = `${service.url}/account/`;
    browser = await launchBrowser();
    context = await launch("en-US");
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
    await mail?.stop();
  });

  async function launch(locale: string, javaScriptEnabled = true): Promise<BrowserContext> {
    const opened = await browser.newContext({ viewport: DESKTOP, locale, javaScriptEnabled });
    opened.on("request", (req) => origins.add(new URL(req.url()).origin));
    // axe-core, served as if from the page's origin: the page's CSP allows no other script.
    await opened.route(`${service.url}/axe-under-test.js`, (route) => route.fulfill({ contentType: "text/javascript", body: AXE }));
    return opened;
  }

  /**
   * One state of the page: axe-core's WCAG 2.1 A and AA rules, which must
   * find nothing, and under PAGE_SCREENSHOTS=1 screenshots at a desktop's
   * and a phone's width.
   */
  async function state(name: string, on = page): Promise<void> {
    if (SHOTS) await screenshots(SHOTS, name, on);
    if (!(await on.evaluate(() => "axe" in window))) await on.addScriptTag({ url: `${service.url}/axe-under-test.js` });
    const violations = await on.evaluate(async (tags) => {
      const axe = (window as unknown as { axe: { run: (c: Document, o: object) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } })
        .axe;
      const results = await axe.run(document, { runOnly: { type: "tag", values: tags } });
      return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    }, WCAG_21_AA);
    assert.deepEqual(violations, [], `axe-core in state ${name}`);
  }

  async function screenshots(dir: string, name: string, on: Page): Promise<void> {
    await on.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
    await on.setViewportSize(PHONE);
    await on.screenshot({ path: path.join(dir, `${name}-phone.png`), fullPage: true });
    await on.setViewportSize(DESKTOP);
  }

  /** Sends the form the button is in and waits for the page's answer in the live region. */
  async function submit(button: string, kind: "ok" | "error", on = page): Promise<string> {
    await on.evaluate(() => {
      const result = document.getElementById("result")!;
      result.className = "";
      result.replaceChildren();
    });
    await on.getByRole("button", { name: button, exact: true }).click();
    const result = on.locator(`#result.${kind}`);
    await result.waitFor({ timeout: 15_000 });
    return result.innerText();
  }

  async function signIn(loginName: string, password: string, on = page): Promise<void> {
    await on.getByLabel("Login name").fill(loginName);
    await on.getByLabel("Password", { exact: true }).fill(password);
    await on.getByRole("button", { name: "Sign in" }).click();
  }

  const heading = (text: string, on = page) => on.getByRole("heading", { name: text }).waitFor({ timeout: 15_000 });

  /** A user with a login name and a mail address of its own. */
  async function newUser(password: string): Promise<TestUser & { username: string; email: string }> {
    const username = `page-${Math.random().toString(36).slice(2, 10)}`;
    const email = `${username}@example.com`;
    return { ...(await service.createUser(password, { username, email })), username, email };
  }

  it("signs in, refuses a wrong password with the count, changes the password and signs out", async () => {
    const user = await newUser("First-Passw0rd!");
    await cliOk(["policy", "set", "--org", user.resourceOwner, "--max-password-attempts", "5"], service.env);
    await page.goto(service.url);
    assert.equal(page.url(), base, "/ leads to the page");
    await heading("Sign in");
    await state("1-sign-in");

    await signIn(user.username, "Wrong-Passw0rd!");
    const wrong = await page.locator("#result.error").innerText();
    assert.match(wrong, /The password is not correct\.\s+Failed attempts so far: 1\.\s+Your account will be locked after 4 more failed attempts\./);
    await state("2-sign-in-wrong-password");

    await signIn(user.username, "First-Passw0rd!");
    await heading("Change your password");
    assert.match(await page.locator("#content").innerText(), new RegExp(`Signed in as ${user.username}\\.`));
    await state("3-signed-in");

    const cookie = (await context.cookies(base)).find((c) => c.name === "ps_session");
    assert.ok(cookie, "the session's cookie");
    assert.deepEqual(
      [cookie.httpOnly, cookie.sameSite, cookie.path, cookie.secure],
      [true, "Strict", "/account", false],
      "HttpOnly, SameSite=Strict, the page's path; Secure only under TLS",
    );
    assert.deepEqual(await page.evaluate(() => [localStorage.length, sessionStorage.length]), [0, 0], "nothing in web storage");
    const token = cookie.value.split(".")[2];
    service.secrets.push(token);
    assert.ok(!(await page.content()).includes(token), "the token is nowhere in the page");

    await page.getByLabel("Current password").fill("First-Passw0rd!");
    await page.getByLabel("New password").fill("short");
    assert.deepEqual(await page.locator("#rules li[data-check]").evaluateAll((items) => items.map((li) => [li.textContent, li.className])), [
      ["From 8 to 72 bytes long (not met)", "unmet"],
      ["A lower-case letter (a to z) (met)", "met"],
      ["An upper-case letter (A to Z) (not met)", "unmet"],
      ["A digit (0 to 9) (not met)", "unmet"],
      ["A symbol, such as ! # or - (not met)", "unmet"],
    ]);
    await state("3-rules-marked");
    assert.match(await submit("Change password", "error"), /The new password is too short\.\s+It needs at least 8 bytes\./);
    await state("4-change-policy-error");

    await page.getByLabel("Current password").fill("Not-My-Passw0rd!");
    await page.getByLabel("New password").fill("Second-Passw0rd!");
    assert.match(
      await submit("Change password", "error"),
      /The password is not correct\.\s+Failed attempts so far: 1\.\s+Your account will be locked after 4 more/,
    );
    await state("5-change-wrong-current");

    await page.getByLabel("Current password").fill("First-Passw0rd!");
    await page.getByLabel("New password").fill("Second-Passw0rd!");
    const hash = (await service.userRow(user.userId)).password_hash;
    assert.match(await submit("Change password", "ok"), /Password changed/);
    assert.notEqual((await service.userRow(user.userId)).password_hash, hash, "a new hash");
    await state("6-changed");

    assert.match(await submit("Sign out", "ok"), /You have signed out\./);
    await heading("Sign in");
    assert.equal(
      (await context.cookies(base)).find((c) => c.name === "ps_session"),
      undefined,
      "the cookie is gone",
    );
    const after = await fetch(`${service.url}/passwordservice.v1.PasswordService/GetMyPasswordPolicy`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: "{}",
    });
    assert.equal(after.status, 401, "the session has ended");
    await state("7-signed-out");
  });

  it("says a locked account is locked", async () => {
    const user = await newUser("Locked-Passw0rd!");
    await cliOk(["user", "lock", "--user", user.userId], service.env);
    await page.goto(base);
    await signIn(user.username, "Locked-Passw0rd!");
    assert.match(await page.locator("#result.error").innerText(), /Your account is locked/);
    await state("8-locked");
  });

  it("mails a reset link for a forgotten password, whose form sets the new one; the same answer for a missing name", async () => {
    const user = await newUser("Forgot-Passw0rd-1!");
    await page.goto(base);
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await heading("Forgot your password?");
    await state("9-forgot");
    await page.getByLabel("Login name").fill(user.username);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await heading("Check your mail");
    const sent = await page.locator("main").innerText();
    await state("10-sent");

    const [resetMail] = await mail.waitFor(user.email);
    const link = /http:\S+/.exec(resetMail.text)![0];
    assert.ok(link.startsWith(`${base}reset?user=${user.userId}&code=`), `the page's reset form: ${link}`);
    service.secrets.push(new URL(link).searchParams.get("code")!);

    await page.goto(base);
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await page.getByLabel("Login name").fill("nobody-has-this-name");
    await page.getByRole("button", { name: "Send reset link" }).click();
    await heading("Check your mail");
    assert.equal(await page.locator("main").innerText(), sent, "the same words for a name no account has");

    await page.goto(link);
    await heading("Set a new password");
    assert.equal(page.url(), `${base}reset`, "the code left the address bar");
    await state("11-reset-form");
    await page.getByLabel("New password").fill("Forgot-Passw0rd-2!");
    assert.match(await submit("Set password", "ok"), /Password set\s+Sign in with your new password\./);
    await state("12-reset-done");
    await signIn(user.username, "Forgot-Passw0rd-2!");
    await heading("Change your password");
    await submit("Sign out", "ok");

    await page.goto(link);
    await page.getByLabel("New password").fill("Forgot-Passw0rd-3!");
    assert.match(await submit("Set password", "error"), /no longer valid/);
    await page.getByRole("link", { name: "Request a new link" }).waitFor();
    await state("13-reset-code-used");
    assert.equal(mail.mails.filter((m) => m.to.includes("nobody")).length, 0);
  });

  it("works by keyboard alone: sign in, change, sign out", async () => {
    const user = await newUser("Keys-Passw0rd-1!");
    await page.goto(base);
    await tabTo("#login-name");
    await page.keyboard.type(user.username);
    await tabTo("#password");
    await page.keyboard.type("Keys-Passw0rd-1!");
    await page.keyboard.press("Enter");
    await heading("Change your password");
    await tabTo("#current-password");
    await page.keyboard.type("Keys-Passw0rd-1!");
    await tabTo("#new-password");
    await page.keyboard.type("Keys-Passw0rd-2!");
    await page.keyboard.press("Enter");
    await page.locator("#result.ok").waitFor();
    await tabTo("button.secondary");
    await page.keyboard.press("Enter");
    await heading("Sign in");
    await signIn(user.username, "Keys-Passw0rd-2!");
    await heading("Change your password");
    await page.getByRole("button", { name: "Sign out" }).click();
    await heading("Sign in");
  });

  it("works by keyboard alone: forgot", async () => {
    const user = await newUser("Keys-Passw0rd-3!");
    await page.goto(base);
    await tabTo('a[href="forgot"]');
    await page.keyboard.press("Enter");
    await heading("Forgot your password?");
    await tabTo("#login-name");
    await page.keyboard.type(user.username);
    await page.keyboard.press("Enter");
    await heading("Check your mail");
    const [resetMail] = await mail.waitFor(user.email);
    const link = /http:\S+/.exec(resetMail.text)![0];
    service.secrets.push(new URL(link).searchParams.get("code")!);
    await page.goto(link);
    await tabTo("#new-password");
    await page.keyboard.type("Keys-Passw0rd-4!");
    await page.keyboard.press("Enter");
    await page.locator("#result.ok").waitFor();
  });

  /** Presses Tab until the element is focused, as a person at the keyboard would. */
  async function tabTo(selector: string): Promise<void> {
    for (let i = 0; i < 25; i++) {
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
      await page.keyboard.press("Tab");
    }
    assert.fail(`Tab never reached ${selector}`);
  }

  it("works without script: the forms post and the answers are pages", async () => {
    const user = await newUser("Plain-Passw0rd-1!");
    const plain = await launch("en-US", false);
    const tab = await plain.newPage();
    await tab.goto(base);
    await signIn(user.username, "Plain-Passw0rd-1!", tab);
    await heading("Change your password", tab);
    await tab.getByLabel("Current password").fill("Plain-Passw0rd-1!");
    await tab.getByLabel("New password").fill("Plain-Passw0rd-2!");
    await tab.getByRole("button", { name: "Change password" }).click();
    await tab.locator("#result.ok").waitFor();
    assert.match(await tab.locator("#result").innerText(), /Password changed/);
    await plain.close();
  });

  it("speaks the browser's language, and the menu changes it", async () => {
    const user = await newUser("German-Passw0rd-1!");
    await cliOk(["policy", "set", "--org", user.resourceOwner, "--max-password-attempts", "5"], service.env);
    const german = await launch("de-CH");
    const tab = await german.newPage();
    await tab.goto(base);
    assert.equal(await tab.getAttribute("html", "lang"), "de", "de-CH is served as de");
    await heading("Anmelden", tab);
    await tab.getByLabel("Anmeldename").fill(user.username);
    await tab.getByLabel("Passwort", { exact: true }).fill("Wrong-Passw0rd!");
    await tab.getByRole("link", { name: "Passwort vergessen?" }).waitFor();
    await state("14-german", tab);
    await tab.getByRole("button", { name: "Anmelden" }).click();
    const refusal = await tab.locator("#result.error").innerText();
    assert.match(
      refusal,
      /Das hat nicht funktioniert\s+Das Passwort ist nicht korrekt\.\s+Bisherige Fehlversuche: 1\.\s+Ihr Konto wird nach 4 weiteren Fehlversuchen gesperrt\./,
    );
    const shown = await tab.locator("body").innerText();
    // The menu names English in English (lang="en" on its option); nothing else may be.
    for (const english of [
      "Login name",
      "Password",
      "Sign in",
      "Forgot password?",
      "Language",
      "Change language",
      "That did not work",
      "The password is not correct",
    ]) {
      assert.ok(!shown.replace("English", "").includes(english), `"${english}" on the German page`);
    }
    await state("15-german-wrong-password", tab);

    await tab.getByLabel("Sprache", { exact: true }).selectOption("fr");
    await tab.getByRole("button", { name: "Sprache ändern" }).click();
    await tab.waitForURL(/lang=fr/);
    assert.equal(await tab.getAttribute("html", "lang"), "fr");
    await heading("Connexion", tab);
    await tab.getByLabel("Identifiant").waitFor();
    await tab.getByLabel("Mot de passe", { exact: true }).waitFor();
    await tab.getByRole("button", { name: "Se connecter" }).waitFor();
    await tab.getByRole("button", { name: "Changer de langue" }).waitFor();
    await tab.goto(base);
    assert.equal(await tab.getAttribute("html", "lang"), "fr", "the choice is kept");
    await tab.getByLabel("Identifiant").waitFor();
    await german.close();

    // The API keeps ZITADEL's ID and translates the text.
    const res = await fetch(`${service.url}/auth/v1/users/me/password`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${user.token}`, "accept-language": "de-CH, en;q=0.5" },
      body: JSON.stringify({ oldPassword: "Not-My-Passw0rd-1!", newPassword: "German-Passw0rd-2!" }),
    });
    const body = (await res.json()) as { message: string };
    assert.equal(body.message, `${TRANSLATIONS[ID.passwordInvalid].de} (COMMAND-3M0fs)`);
  });

  it("sent no request to any other origin", () => {
    assert.deepEqual([...origins], [service.url]);
  });
});

describe("the account page's defences, over HTTP", { skip }, () => {
  let service: Service;

  before(async () => {
    service = await Service.start({ WEB_UI: "true", FORGOT_NAME_BURST: "2", FORGOT_ADDRESS_BURST: "3" });
  });
  after(() => service?.stop());

  /** A form post as the page sends it, with the double-submit token its GET handed out. */
  async function post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const got = await fetch(`${service.url}/account/`);
    const csrf = /ps_csrf=([\w-]+)/.exec(got.headers.get("set-cookie")!)![1];
    return fetch(`${service.url}/account/${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `ps_csrf=${csrf}`, ...headers },
      body: new URLSearchParams({ csrf, ...fields }),
    });
  }

  it("serves a strict CSP, no Referer, and never a cached page", async () => {
    const res = await fetch(`${service.url}/account/`);
    const csp = res.headers.get("content-security-policy")!;
    for (const directive of ["script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "default-src 'none'"]) {
      assert.ok(csp.includes(directive), `${directive} in ${csp}`);
    }
    assert.ok(!csp.includes("unsafe"), csp);
    assert.equal(res.headers.get("referrer-policy"), "no-referrer");
    assert.equal(res.headers.get("cache-control"), "no-store");
  });

  it("refuses a form without the page's token, or from another origin", async () => {
    const user = await service.createUser("Csrf-Passw0rd-1!", { username: "csrf-user" });
    const forged = await fetch(`${service.url}/account/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ loginName: "csrf-user", password: "Csrf-Passw0rd-1!" }),
    });
    assert.equal(forged.status, 403);
    assert.match(await forged.text(), /The form had expired/);
    const foreign = await post("sign-in", { loginName: "csrf-user", password: "Csrf-Passw0rd-1!" }, { origin: "http://evil.example" });
    assert.equal(foreign.status, 403);
    const own = await post("sign-in", { loginName: "csrf-user", password: "Csrf-Passw0rd-1!" }, { origin: service.url });
    assert.equal(own.status, 303, "the page's own origin signs in");
    assert.equal((await service.userRow(user.userId)).failed_attempts, 0);
    const wrongType = await fetch(`${service.url}/account/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(wrongType.status, 415);
  });

  it("limits forgot-password requests per login name and per client address, with the same answer until then", async () => {
    const statuses = async (name: string, n: number) => {
      const seen: number[] = [];
      for (let i = 0; i < n; i++) seen.push((await post("forgot", { loginName: name })).status);
      return seen;
    };
    assert.deepEqual(await statuses("someone", 3), [303, 303, 429], "FORGOT_NAME_BURST=2");
    const refused = await post("forgot", { loginName: "someone" });
    assert.match(await refused.text(), /Too many reset links were asked for/);
    // The address has had 4 of its 3: another name is refused too.
    assert.deepEqual(await statuses("someone-else", 1), [429], "FORGOT_ADDRESS_BURST=3");
  });
});

describe("the account page's cookies", () => {
  const { page, rateLimitMaxTracked } = loadConfig({}).config;

  it("are Secure under TLS or behind an https PUBLIC_URL, and scoped to the page's public path", () => {
    const plain = accountSettings({ page, rateLimitMaxTracked, maxBodyBytes: 1024 });
    assert.deepEqual([plain.secure, plain.cookiePath, plain.publicOrigin], [false, "/account", undefined]);
    const tls = accountSettings({ page, rateLimitMaxTracked, maxBodyBytes: 1024, tls: { certFile: "c", keyFile: "k" } });
    assert.equal(tls.secure, true);
    const proxied = accountSettings({ page, rateLimitMaxTracked, maxBodyBytes: 1024, publicUrl: new URL("https://id.example.com/pw/") });
    assert.deepEqual([proxied.secure, proxied.cookiePath, proxied.publicOrigin], [true, "/pw/account", "https://id.example.com"]);
    assert.equal(proxied.resetUrlTemplate, "https://id.example.com/pw/account/reset?user={{.UserID}}&code={{.Code}}");
  });
});

describe("the account page run from its sources", () => {
  it("bundles its script from src/web/app.ts as the build does, when bin/ runs an edited tree through tsx", async () => {
    const service = await Service.spawnFromSources({ WEB_UI: "true" });
    try {
      const res = await fetch(`${service.url}/account/app.js`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type")!, /^text\/javascript/);
      assert.equal(await res.text(), fs.readFileSync(path.join(ROOT, "dist/src/web/app.bundle.js"), "utf8"));
    } finally {
      await service.stop();
    }
  });
});

describe("the account page's answer to a fault no route answered", () => {
  // No route lets a store fault through (each answers it as a page of its
  // own), so the fault is the route's: a handler that throws, as a bug would.
  const SECRET = "Fault-Passw0rd-9! at handle (/srv/account.js:1:1)";
  let server: http.Server;
  const logged: string[] = [];

  before(async () => {
    const logger = pino({ level: "error" }, { write: (line: string) => logged.push(line) });
    const failing = { handle: () => Promise.reject(new Error(SECRET)) } as unknown as AccountPage;
    const web = new WebPage(logger, () => failing);
    server = http.createServer((req, res) => void web.serve(req, res, new URL(req.url!, "http://x").pathname));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  after(() => new Promise((resolve) => server?.close(resolve)));

  async function fault(path: string, headers: Record<string, string>): Promise<{ res: Response; body: string }> {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/account/${path}`, { method: "POST", headers, body: "" });
    return { res, body: await res.text() };
  }

  it("answers a page in plain words, in the request's language, with the page's headers and no error text", async () => {
    const { res, body } = await fault("change", {});
    assert.equal(res.status, 500);
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(res.headers.get("content-security-policy")!, /default-src 'none'.*frame-ancestors 'none'/);
    assert.equal(res.headers.get("referrer-policy"), "no-referrer");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.match(body, /<html lang="en">/);
    assert.match(body, /Something went wrong on the service&#39;s side, and your request could not be answered\. Please try again in a moment\./);
    assert.match(body, /<a href="\.\/">Back to the account page<\/a>/);
    for (const leak of ["Fault-Passw0rd", "account.js", " at ", "Error"]) assert.ok(!body.includes(leak), `${leak} in the body`);
    assert.ok(
      logged.some((line) => line.includes("the account page could not answer")),
      "the fault is logged",
    );

    const german = await fault("oidc/callback", { "accept-language": "de-CH, en;q=0.5" });
    assert.equal(german.res.status, 500);
    assert.match(german.body, /<html lang="de">/);
    assert.match(german.body, /Beim Dienst ist ein Fehler aufgetreten, und Ihre Anfrage konnte nicht beantwortet werden\./);
    assert.match(german.body, /<a href="\.\.\/">Zurück zur Kontoseite<\/a>/);
    assert.ok(!german.body.includes("Fault-Passw0rd"));
  });
});
