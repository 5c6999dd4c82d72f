import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import bcrypt from "bcrypt";
import type { BrowserContext, Page } from "playwright-core";
import { launchChromium, noChromium } from "./support/chromium.js";
import { JwksServer } from "./support/issuer.js";
import { OidcIssuer, SERVICE_AUDIENCE } from "./support/oidc-issuer.js";
import { Service, type TestUser } from "./support/service.js";
import { freePort } from "./support/tools.js";

const CLIENT_ID = "password-service-page";
const CONFIDENTIAL = { clientId: "password-service-page-with-secret", clientSecret: "s3cret-of-the-page-client" };

const skip = noChromium;

describe("the account page signs in at an outside OIDC issuer (oidc-provider) in Chromium", { skip }, () => {
  let issuer: OidcIssuer;
  let service: Service;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  /** A second service, a confidential client: on 127.0.0.2, so that the browser keeps its cookies apart. */
  let confidentialPort: number;

  before(async () => {
    // The redirect URIs name the services' own ports, so they are chosen first. Their
    // host is not the issuer's (127.0.0.1): the issuer's answer is a cross-site navigation.
    const port = await freePort();
    confidentialPort = await freePort();
    base = `http://localhost:${port}/account/`;
    issuer = await OidcIssuer.start([
      { clientId: CLIENT_ID, redirectUri: `${base}oidc/callback` },
      { ...CONFIDENTIAL, redirectUri: `http://127.0.0.2:${confidentialPort}/account/oidc/callback` },
    ]);
    service = await Service.start({
      WEB_UI: "true",
      PORT: String(port),
      PUBLIC_URL: `http://localhost:${port}`,
      JWKS_URL: issuer.jwksUri,
      JWT_ISSUER: issuer.issuer,
      JWT_AUDIENCE: SERVICE_AUDIENCE,
      OIDC_ISSUER: issuer.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
    });
    context = await launchChromium({
      locale: "en-US",
    });
    // The issuer's development pages import a web font; the tests have no network.
    await context.route("https://fonts.googleapis.com/**", (route) => route.abort());
    page = await context.newPage();
  });

  after(async () => {
    await context?.close();
    await service?.stop();
    await issuer?.close();
  });

  const heading = (text: string) => page.getByRole("heading", { name: text }).waitFor({ timeout: 15_000 });
  const sessionCookie = async () => (await context.cookies(base)).find((c) => c.name === "ps_session");

  async function newUser(password: string): Promise<TestUser & { username: string }> {
    const username = `oidc-${Math.random().toString(36).slice(2, 10)}`;
    return { ...(await service.createUser(password, { username })), username };
  }

  /** Clicks the page's Sign in and signs in at the issuer's own pages as `sub`, up to its consent. */
  async function signInAtIssuer(sub: string, at = base): Promise<void> {
    // Signed out at the issuer too (its cookies' names begin with _), or it would sign in without asking.
    await context.clearCookies({ name: /^_/ });
    await page.goto(at);
    await page.getByRole("link", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.href.startsWith(issuer.issuer));
    await page.locator('input[name="login"]').fill(sub);
    // The development pages take any password: the account's passwords are the issuer's business.
    await page.locator('input[name="password"]').fill("anything at the issuer");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).waitFor({ timeout: 15_000 });
  }

  it("signs in at the issuer, changes the password with its access token, and signs out", async () => {
    const user = await newUser("First-Passw0rd!");
    await page.goto(base);
    await heading("Sign in");
    assert.equal(await page.getByLabel("Login name").count(), 0, "no login name and password form");
    assert.equal(await page.getByRole("link", { name: "Forgot password?" }).count(), 0, "no forgot link: passwords for signing in live at the issuer");

    await signInAtIssuer(user.userId);
    const pending = (await context.cookies(`${base}oidc/callback`)).find((c) => c.name === "ps_oidc");
    assert.ok(pending, "the sign-in's state is kept for the callback");
    assert.deepEqual(
      [pending.httpOnly, pending.sameSite, pending.path, pending.secure],
      [true, "Lax", "/account/oidc/callback", false],
      "HttpOnly, SameSite=Lax, the callback's path only",
    );
    assert.ok(pending.expires > Date.now() / 1000 && pending.expires <= Date.now() / 1000 + 600 + 5, "short-lived: OIDC_SIGN_IN_TTL's 10 minutes");
    service.secrets.push(...pending.value.split("."));
    assert.equal(
      (await context.cookies(base)).find((c) => c.name === "ps_oidc"),
      undefined,
      "not sent to the page's other paths",
    );

    const callback = page.waitForRequest((req) => req.url().startsWith(`${base}oidc/callback?`));
    await page.getByRole("button", { name: "Continue" }).click();
    service.secrets.push(new URL((await callback).url()).searchParams.get("code")!);
    await heading("Change your password");
    assert.equal(page.url(), base, "the code is out of the address bar");
    assert.match(await page.locator("#content").innerText(), new RegExp(`Signed in as ${user.username}\\.`));

    const cookie = await sessionCookie();
    assert.ok(cookie, "the session's cookie");
    assert.deepEqual(
      [cookie.httpOnly, cookie.sameSite, cookie.path, cookie.secure],
      [true, "Strict", "/account", false],
      "HttpOnly, SameSite=Strict, the page's path",
    );
    assert.ok(cookie.value.startsWith("t."), "a bearer that is no session of this service's");
    const token = cookie.value.slice(2);
    service.secrets.push(token);
    const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
    assert.deepEqual(
      [claims.iss, claims.aud, claims.sub, claims.client_id],
      [issuer.issuer, SERVICE_AUDIENCE, user.userId, CLIENT_ID],
      "the issuer's JWT access token for this service",
    );
    assert.equal(
      (await context.cookies(`${base}oidc/callback`)).find((c) => c.name === "ps_oidc"),
      undefined,
      "the callback's cookie is gone",
    );
    assert.deepEqual(await page.evaluate(() => [localStorage.length, sessionStorage.length]), [0, 0], "nothing in web storage");
    assert.ok(!(await page.content()).includes(token), "the token is nowhere in the page");

    await page.getByLabel("Current password").fill("First-Passw0rd!");
    await page.getByLabel("New password").fill("Second-Passw0rd!");
    await page.getByRole("button", { name: "Change password", exact: true }).click();
    await page.locator("#result.ok").waitFor({ timeout: 15_000 });
    assert.match(await page.locator("#result").innerText(), /Password changed/);
    service.secrets.push("Second-Passw0rd!");
    const stored = (await service.userRow(user.userId)).password_hash!;
    assert.ok(await bcrypt.compare("Second-Passw0rd!", stored), "the new password is in force");
    assert.ok(!(await bcrypt.compare("First-Passw0rd!", stored)), "the old one is not");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.locator("#result.ok", { hasText: "You have signed out." }).waitFor({ timeout: 15_000 });
    assert.equal(await sessionCookie(), undefined, "the cookie is gone");
    await page.getByRole("link", { name: "Sign in" }).waitFor();
  });

  it("says so when the issuer does not sign in, and when a callback's state is not the sign-in's under way", async () => {
    const user = await newUser("Third-Passw0rd!");
    await signInAtIssuer(user.userId);
    await page.getByRole("link", { name: "[ Cancel ]" }).click();
    await heading("Sign in");
    assert.match(await page.locator("#result.error").innerText(), /Your identity provider did not sign you in\./);
    assert.equal(await sessionCookie(), undefined);

    // A sign-in that ends well, whose callback is kept.
    await signInAtIssuer(user.userId);
    const callback = page.waitForRequest((req) => req.url().startsWith(`${base}oidc/callback?`));
    await page.getByRole("button", { name: "Continue" }).click();
    const answer = (await callback).url();
    service.secrets.push(new URL(answer).searchParams.get("code")!);
    await heading("Change your password");
    service.secrets.push((await sessionCookie())!.value.slice(2));
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.locator("#result.ok", { hasText: "You have signed out." }).waitFor({ timeout: 15_000 });

    // Another sign-in is under way when that answer comes again: its state is not this one's.
    await signInAtIssuer(user.userId);
    const refused = await page.goto(answer);
    assert.equal(refused?.status(), 400);
    assert.match(await page.locator("#result.error").innerText(), /This sign-in was not started here, or it took too long\.\s+Sign in again\./);
    assert.equal(await sessionCookie(), undefined, "not signed in");
    assert.equal(page.url(), `${base}?failed=mismatch`, "the code is out of the address bar");

    const again = await page.goto(answer);
    assert.equal(again?.status(), 400, "with no sign-in under way, a callback is refused too");
    assert.equal(await sessionCookie(), undefined);
    const logged = await service.logEntry((e) => e.failure === "mismatch");
    assert.ok(logged, "the operator is told why");
  });

  it("signs in as a confidential client: the secret goes by client_secret_basic, and never to a log", async () => {
    const other = await Service.start({
      WEB_UI: "true",
      HOST: "127.0.0.2",
      PORT: String(confidentialPort),
      PUBLIC_URL: `http://127.0.0.2:${confidentialPort}`,
      JWKS_URL: issuer.jwksUri,
      JWT_ISSUER: issuer.issuer,
      JWT_AUDIENCE: SERVICE_AUDIENCE,
      OIDC_ISSUER: issuer.issuer,
      OIDC_CLIENT_ID: CONFIDENTIAL.clientId,
      OIDC_CLIENT_SECRET: CONFIDENTIAL.clientSecret,
    });
    try {
      other.secrets.push(CONFIDENTIAL.clientSecret);
      const user = await other.createUser("Fourth-Passw0rd!");
      const at = `http://127.0.0.2:${confidentialPort}/account/`;
      await signInAtIssuer(user.userId, at);
      await page.getByRole("button", { name: "Continue" }).click();
      await heading("Change your password");
      const cookie = (await context.cookies(at)).find((c) => c.name === "ps_session");
      assert.ok(cookie && cookie.value.startsWith("t."), "signed in with the issuer's access token");
      other.secrets.push(cookie.value.slice(2));
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.locator("#result.ok", { hasText: "You have signed out." }).waitFor({ timeout: 15_000 });
    } finally {
      await other.stop();
    }
  });

  it("says plainly that the issuer is out of reach, and tries it again on the next sign-in", async () => {
    const away = `http://127.0.0.1:${await freePort()}`;
    const port = await freePort();
    const other = await Service.start({
      WEB_UI: "true",
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      JWKS_URL: `${away}/jwks`,
      JWT_ISSUER: away,
      JWT_AUDIENCE: SERVICE_AUDIENCE,
      OIDC_ISSUER: away,
      OIDC_CLIENT_ID: CLIENT_ID,
    });
    try {
      const told = (entry: Record<string, any>) => String(entry.msg).startsWith("the OIDC issuer's metadata cannot be had");
      assert.ok(await other.logEntry(told), "at start");
      for (let attempt = 1; attempt <= 2; attempt++) {
        const res = await fetch(`${other.url}/account/oidc/start`, { redirect: "manual" });
        assert.equal(res.status, 503, `attempt ${attempt}`);
        assert.match(await res.text(), /it cannot reach your identity provider/);
      }
      // A log line may come after its response: the third, counted as the lines come.
      let seen = 0;
      const third = await other.logEntry((entry) => told(entry) && ++seen === 3);
      assert.ok(third, "at start, and again on each sign-in");
      assert.equal(third.reason, "discovery failed: fetch failed (ECONNREFUSED)");
    } finally {
      await other.stop();
    }
  });

  it("answers 404 for the password sign-in and the forgot form, which the issuer's sign-in replaces", async () => {
    for (const [method, path] of [
      ["GET", "forgot"],
      ["POST", "sign-in"],
      ["POST", "forgot"],
    ]) {
      const res = await fetch(`${base}${path}`, { method, redirect: "manual" });
      assert.equal(res.status, 404, `${method} ${path}`);
    }
  });
});

describe("the account page's requests to the outside issuer", () => {
  it("give up after OIDC_TIMEOUT_MS when the issuer accepts the connection and never answers", async () => {
    // An HTTP server that takes every request and answers none.
    const silent = await JwksServer.start();
    silent.mode = "silent";
    const issuer = new URL(silent.url).origin;
    const port = await freePort();
    const other = await Service.start({
      WEB_UI: "true",
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      // Another port, refused at once: only the issuer's requests hang.
      JWKS_URL: `http://127.0.0.1:${await freePort()}/jwks`,
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: SERVICE_AUDIENCE,
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_TIMEOUT_MS: "300",
    });
    try {
      const told = (entry: Record<string, any>) => String(entry.msg).startsWith("the OIDC issuer's metadata cannot be had");
      // Waited for no longer than the default's 5 s: only the setting can have ended the request by then.
      const atStart = await other.logEntry(told, 4000);
      assert.ok(atStart, "at start, within the timeout set");
      assert.match(atStart.reason, /^discovery failed: .*timeout/i);
      const res = await fetch(`${other.url}/account/oidc/start`, { redirect: "manual" });
      assert.equal(res.status, 503);
      assert.match(await res.text(), /it cannot reach your identity provider/);
      assert.ok(silent.requests >= 2, "the issuer was reached, and held both requests");
    } finally {
      await other.stop();
      await silent.close();
    }
  });
});
