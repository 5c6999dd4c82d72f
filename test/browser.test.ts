import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { build } from "esbuild";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import type { GrpcWebResult } from "./browser/grpc-web-client.js";
import { cliOk, ROOT, Service, tempDir, type TestUser } from "./support/service.js";
import { freePort, requestLines } from "./support/tools.js";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = path.join(ROOT, "test-output", "browser");

/** The page from one origin, the API on another: the browser enforces CORS between them. */
// .ci/run installs Debian's Chromium, so CI always runs this; elsewhere it says what is missing.
const skip = !fs.existsSync(CHROMIUM) && `${CHROMIUM} is missing: apt-get install -y chromium`;

describe("the web page and gRPC-Web clients in Chromium", { skip }, () => {
  let pageService: Service;
  let api: Service;
  let context: BrowserContext;
  let page: Page;
  let user: TestUser;
  /** Every origin the page sent a request to. */
  const origins = new Set<string>();

  before(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    // Each must name the other's origin: the API's port is chosen first.
    const apiPort = await freePort();
    pageService = await Service.spawn({ WEB_UI: "true", WEB_UI_API_ORIGINS: `http://127.0.0.1:${apiPort}` });
    api = await Service.spawn({ WEB_UI: "false", PORT: String(apiPort), CORS_ALLOWED_ORIGINS: pageService.url });
    user = await api.createUser("First-Passw0rd!");
    context = await chromium.launchPersistentContext(tempDir("ps-chromium-"), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 800, height: 860 },
      // The API answers in the browser's Accept-Language; the assertions read English, whatever the machine's locale.
      locale: "en-US",
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("request", (req) => {
      origins.add(new URL(req.url()).origin);
    });
    // A link an attacker could send: no ?api= changes where the page sends anything.
    await page.goto(`${pageService.url}/?api=${encodeURIComponent("http://127.0.0.2:9")}`);
    await page.selectOption("#api", api.url);
  });
  /** The page's POST to the API with this content type; the browser's request events reach this process on their own time. */
  const sent = (type: string) =>
    page.waitForRequest((r) => r.url().startsWith(api.url) && r.method() === "POST" && r.headers()["content-type"] === type, { timeout: 10_000 });

  /** A user's username, as GetMyPasswordPolicy tells it. */
  async function usernameOf(of: TestUser): Promise<string> {
    const res = await fetch(`${api.url}/passwordservice.v1.PasswordService/GetMyPasswordPolicy`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${of.token}` },
      body: "{}",
    });
    return ((await res.json()) as { username: string }).username;
  }

  after(async () => {
    await context?.close();
    await Promise.all([pageService?.stop(), api?.stop()]);
  });

  async function submit(oldPassword: string, newPassword: string, kind: "ok" | "error", shot: string, as = user): Promise<string> {
    await page.fill("#token", as.token);
    await page.fill("#old-password", oldPassword);
    await page.fill("#new-password", newPassword);
    await page.evaluate(() => (document.getElementById("result")!.className = ""));
    await page.click("#submit");
    const result = page.locator(`#result.${kind}`);
    await result.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, shot), fullPage: true });
    return result.innerText();
  }

  it("sends only to its own origin or one the operator listed, whatever its URL says; its CSP says the same", async () => {
    const res = await fetch(`${pageService.url}/`);
    assert.match(res.headers.get("content-security-policy")!, new RegExp(`connect-src 'self' ${api.url};`));
    const hostile = await context.newPage();
    const seen = new Set<string>();
    hostile.on("request", (req) => seen.add(new URL(req.url()).origin));
    await hostile.goto(`${pageService.url}/?api=${encodeURIComponent("http://127.0.0.2:9")}#api=http://127.0.0.3:9`);
    assert.deepEqual(await hostile.locator("#api option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), [pageService.url, api.url]);
    await hostile.fill("#token", "not-a-token");
    await hostile.fill("#old-password", "Some-Passw0rd!");
    await hostile.fill("#new-password", "Other-Passw0rd!");
    await hostile.click("#submit");
    await hostile.locator("#result.error").waitFor({ timeout: 15_000 });
    await hostile.screenshot({ path: path.join(SCREENSHOTS, "0-hostile-url.png"), fullPage: true });
    await hostile.close();
    assert.deepEqual([...seen], [pageService.url], "every request went to the page's own origin");
  });

  it("serves the page only where WEB_UI is on", async () => {
    assert.equal((await fetch(`${api.url}/`)).status, 404);
    assert.equal(await page.title(), "Change your password");
  });

  it("changes the password across origins over gRPC-Web", async () => {
    // Connect's gRPC-Web transport.
    const [text] = await Promise.all([submit("First-Passw0rd!", "Second-Passw0rd!", "ok", "1-changed.png"), sent("application/grpc-web+proto")]);
    assert.match(text, /Your password has been changed\./);
    assert.equal((await api.userRow(user.userId)).sequence, 2);
  });

  it("explains a policy refusal in plain words", async () => {
    const text = await submit("Second-Passw0rd!", "short", "error", "2-policy-error.png");
    assert.match(text, /The new password is too short\.\s+It needs at least 8 bytes\./);
  });

  it("explains a wrong old password with the failed attempts", async () => {
    const text = await submit("Not-My-Passw0rd!", "Third-Passw0rd!", "error", "3-wrong-old-password.png");
    assert.match(text, /Your current password is not correct\.\s+Failed attempts so far: 1\./);
  });

  it("explains a lockout, with no attempts left", async () => {
    await cliOk(["user", "lock", "--user", user.userId], api.env);
    const text = await submit("Second-Passw0rd!", "Third-Passw0rd!", "error", "4-locked.png");
    assert.match(text, /Your account is locked.*\s+It was locked after 1 failed attempt: no attempts are left\./);
  });

  /** The rules as the page lists them, each with its mark ("met", "unmet" or ""). */
  async function rules(): Promise<[string, string][]> {
    return page.locator("#rules li").evaluateAll((items) => items.map((li) => [li.textContent ?? "", li.className] as [string, string]));
  }

  /**
   * Waits until the listed rules satisfy `check`, as the page reads and
   * validates in the background. Polled from here: the page's CSP forbids the
   * eval that waitForFunction needs for a predicate passed in as text.
   */
  async function rulesUntil(check: (r: [string, string][]) => boolean, what: string): Promise<[string, string][]> {
    const deadline = Date.now() + 10_000;
    let seen = await rules();
    while (!check(seen) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await rules();
    }
    assert.ok(check(seen), `${what}: the rules stayed ${JSON.stringify(seen)}`);
    return seen;
  }

  it("lists the signed-in user's rules, read from the service, and marks them live as the user types", async () => {
    const typist = await api.createUser("Typist-Passw0rd-1!");
    await page.fill("#token", typist.token);
    // The rules may still be the previous user's, the same as this one's: the username tells when the page has read this user's.
    const username = await usernameOf(typist);
    for (const deadline = Date.now() + 10_000; (await page.inputValue("#username")) !== username && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await page.inputValue("#username"), username, "the hidden username field Chromium asks for");
    await rulesUntil((r) => r.some(([t]) => t.startsWith("From 8 to 72 bytes")), "the zitadel profile's rules");
    await page.fill("#new-password", "abc");
    const marked = await rulesUntil((r) => r.some(([, c]) => c === "unmet"), "marks after typing");
    assert.deepEqual(marked, [
      ["From 8 to 72 bytes long", "unmet"],
      ["A lower-case letter (a to z)", "met"],
      ["An upper-case letter (A to Z)", "unmet"],
      ["A digit (0 to 9)", "unmet"],
      ["A symbol, such as ! # or -", "unmet"],
    ]);
    await page.fill("#new-password", "Much-Better-Passw0rd!");
    await rulesUntil((r) => r.every(([, c]) => c === "met"), "every rule met");
    await page.screenshot({ path: path.join(SCREENSHOTS, "6-rules-zitadel.png"), fullPage: true });
    assert.equal((await api.userRow(typist.userId)).sequence, 1, "typing changed nothing");
  });

  it("under an organisation's nist policy says nothing of character classes, and shows a policy change without a restart", async () => {
    const nist = await api.createUser("Nist-Passw0rd-1!");
    await cliOk(["policy", "set", "--org", nist.resourceOwner, "--profile", "nist", "--history-count", "3"], api.env);
    await page.fill("#new-password", "");
    await page.fill("#token", nist.token);
    const listed = await rulesUntil((r) => r.some(([t]) => t.startsWith("From 15 to 64 characters")), "the nist profile's rules");
    assert.ok(!listed.some(([t]) => /lower-case|upper-case|digit|symbol/.test(t)), JSON.stringify(listed));
    assert.ok(listed.some(([t]) => t.startsWith("Not a common password")));
    assert.ok(listed.some(([t]) => t === "Not one of your last 3 passwords (checked when you submit)"));
    await page.fill("#new-password", "password");
    await rulesUntil((r) => r.some(([t, c]) => t === "Not a common password" && c === "unmet"), "a common password");
    await page.screenshot({ path: path.join(SCREENSHOTS, "7-rules-nist.png"), fullPage: true });

    await cliOk(["policy", "set", "--org", nist.resourceOwner, "--min-length", "20"], api.env);
    // The page reads the policy again when the field is entered again; the service's cache holds it 2 s at most.
    const deadline = Date.now() + 8000;
    while (!(await rules()).some(([t]) => t.startsWith("From 20 to 64")) && Date.now() < deadline) {
      await page.focus("#old-password");
      await page.focus("#new-password");
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.ok((await rules()).some(([t]) => t.startsWith("From 20 to 64 characters")), JSON.stringify(await rules()));
  });

  it("explains each class of refusal in plain words", async () => {
    const refused = await api.createUser("Refused-Passw0rd-1!");
    await cliOk(["policy", "set", "--org", refused.resourceOwner, "--profile", "nist", "--history-count", "2"], api.env);
    const cases: [string, string, RegExp][] = [
      ["Refused-Passw0rd-1!", "Refused-Passw0rd-1!", /same as your current one/],
      ["Refused-Passw0rd-1!", "short-one", /too short\.\s+It needs at least 15 characters\./],
      ["Refused-Passw0rd-1!", "passwordpassword", /one of the most common passwords/],
      ["Refused-Passw0rd-1!", `${await usernameOf(refused)}-is-my-name`, /contains your username/],
    ];
    for (const [i, [oldPassword, newPassword, expected]] of cases.entries()) {
      assert.match(await submit(oldPassword, newPassword, "error", `8-refusal-${i}.png`, refused), expected);
    }
    assert.match(await submit("Refused-Passw0rd-1!", "A-long-second-password", "ok", "8-refusal-ok.png", refused), /has been changed/);
    const history = await submit("A-long-second-password", "Refused-Passw0rd-1!", "error", "8-refusal-history.png", refused);
    assert.match(history, /You have used this password recently\.\s+It must differ from your last 2 passwords\./);
    const badToken = await submit("A-long-second-password", "A-long-third-password", "error", "8-refusal-token.png", { ...refused, token: "not-a-token" });
    assert.match(badToken, /token was not accepted/);
  });

  it("changes a password with Google's grpc-web runtime in text and in binary mode", async () => {
    const other = await api.createUser("Runtime-Passw0rd-1!");
    const bundle = await build({
      entryPoints: [path.join(ROOT, "test/browser/grpc-web-client.ts")],
      bundle: true,
      format: "iife",
      platform: "browser",
      write: false,
      logLevel: "silent",
    });
    // Served as if from the page's origin, so the page's script-src 'self' allows it.
    await page.route(`${pageService.url}/grpc-web-client.js`, (route) =>
      route.fulfill({ contentType: "text/javascript", body: bundle.outputFiles[0].text }),
    );
    await page.addScriptTag({ url: `${pageService.url}/grpc-web-client.js` });
    const call = (format: "text" | "binary", oldPassword: string, newPassword: string) =>
      page.evaluate(
        ([baseUrl, f, token, o, n]) =>
          (globalThis as unknown as { grpcWebChange: (...a: string[]) => Promise<GrpcWebResult> }).grpcWebChange(baseUrl, f, token, o, n),
        [api.url, format, other.token, oldPassword, newPassword] as const,
      );
    const [text] = await Promise.all([call("text", "Runtime-Passw0rd-1!", "Runtime-Passw0rd-2!"), sent("application/grpc-web-text")]);
    assert.deepEqual(text, { ok: true, sequence: "2", resourceOwner: other.resourceOwner });
    const [binary] = await Promise.all([call("binary", "Runtime-Passw0rd-2!", "Runtime-Passw0rd-3!"), sent("application/grpc-web+proto")]);
    assert.deepEqual(binary, { ok: true, sequence: "3", resourceOwner: other.resourceOwner });
    const refused = await call("text", "Wrong-Passw0rd-0!", "Runtime-Passw0rd-4!");
    assert.deepEqual(refused, { ok: false, code: 3, message: "Password is invalid (COMMAND-3M0fs)" });

    await page.evaluate((results) => {
      const el = document.getElementById("result")!;
      el.className = "ok";
      el.textContent = `grpc-web runtime: ${results}`;
    }, JSON.stringify({ text, binary, refused }));
    await page.screenshot({ path: path.join(SCREENSHOTS, "5-grpc-web-runtime.png"), fullPage: true });
    // A request's line is written once its response is done, which the browser may see first.
    assert.ok(await api.logEntry((l) => l.msg === "request" && l.userId === other.userId && l.code === 3), "the refusal's line");
    const protocols = requestLines(api.logs).filter((l) => l.userId === other.userId).map((l) => l.protocol);
    assert.deepEqual(protocols, ["grpc-web-text", "grpc-web", "grpc-web-text"]);
    assert.ok(requestLines(api.logs).some((l) => l.method === "OPTIONS" && l.httpStatus === 204), "the browser's preflight was answered");
    assert.deepEqual([...origins].sort(), [api.url, pageService.url].sort(), "no request left for any other origin");
  });
});
