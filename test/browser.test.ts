import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { build } from "esbuild";
import type { BrowserContext, Page } from "playwright-core";
import { launchChromium, noChromium } from "./support/chromium.js";
import type { GrpcWebResult } from "./browser/grpc-web-client.js";
import { ROOT, Service, type TestUser } from "./support/service.js";
import { requestLines } from "./support/tools.js";

/** For people to look at, and PNG encoding costs CPU: only under PAGE_SCREENSHOTS=1, as test/page.test.ts's. */
const SCREENSHOTS = process.env.PAGE_SCREENSHOTS === "1" ? path.join(ROOT, "test-output", "browser") : undefined;

const skip = noChromium;

/** An application's origin on loopback: a blank page and the bundled clients, nothing else. */
async function applicationServer(script: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === "/clients.js") return void res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><html lang="en"><title>app</title><script src="/clients.js"></script></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The API from another origin: the browser enforces CORS between them. */
describe("gRPC-Web clients in Chromium, across origins", { skip }, () => {
  let app: Awaited<ReturnType<typeof applicationServer>>;
  let api: Service;
  let context: BrowserContext;
  let page: Page;
  /** Every origin the page sent a request to. */
  const origins = new Set<string>();

  before(async () => {
    if (SCREENSHOTS) fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const bundle = await build({
      entryPoints: [path.join(ROOT, "test/browser/grpc-web-client.ts")],
      bundle: true,
      format: "iife",
      platform: "browser",
      write: false,
      logLevel: "silent",
    });
    app = await applicationServer(bundle.outputFiles[0].text);
    api = await Service.start({ WEB_UI: "false", CORS_ALLOWED_ORIGINS: app.url });
    context = await launchChromium({
      // The API answers in the browser's Accept-Language; the assertions read English, whatever the machine's locale.
      locale: "en-US",
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("request", (req) => {
      origins.add(new URL(req.url()).origin);
    });
    await page.goto(app.url);
  });

  after(async () => {
    await context?.close();
    await api?.stop();
    await app?.close();
  });

  /** The page's POST to the API with this content type; the browser's request events reach this process on their own time. */
  const sent = (type: string) =>
    page.waitForRequest((r) => r.url().startsWith(api.url) && r.method() === "POST" && r.headers()["content-type"] === type, { timeout: 10_000 });

  type Client = "grpcWebChange" | "connectChange";
  const call = (client: Client, args: string[]) =>
    page.evaluate(([name, ...rest]) => (globalThis as unknown as Record<string, (...a: string[]) => Promise<GrpcWebResult>>)[name](...rest), [
      client,
      ...args,
    ] as const);

  it("serves no page where WEB_UI is off", async () => {
    assert.equal((await fetch(`${api.url}/account/`)).status, 404);
  });

  it("changes a password with Connect's gRPC-Web transport", async () => {
    const user: TestUser = await api.createUser("Connect-Passw0rd-1!");
    const [done] = await Promise.all([
      call("connectChange", [api.url, user.token, "Connect-Passw0rd-1!", "Connect-Passw0rd-2!"]),
      sent("application/grpc-web+proto"),
    ]);
    assert.deepEqual(done, { ok: true, sequence: "2", resourceOwner: user.resourceOwner });
    const refused = await call("connectChange", [api.url, user.token, "Wrong-Passw0rd-0!", "Connect-Passw0rd-3!"]);
    assert.deepEqual(refused, { ok: false, code: 3, message: "Password is invalid (COMMAND-3M0fs)" });
  });

  it("changes a password with Google's grpc-web runtime in text and in binary mode", async () => {
    const other = await api.createUser("Runtime-Passw0rd-1!");
    const [text] = await Promise.all([
      call("grpcWebChange", [api.url, "text", other.token, "Runtime-Passw0rd-1!", "Runtime-Passw0rd-2!"]),
      sent("application/grpc-web-text"),
    ]);
    assert.deepEqual(text, { ok: true, sequence: "2", resourceOwner: other.resourceOwner });
    const [binary] = await Promise.all([
      call("grpcWebChange", [api.url, "binary", other.token, "Runtime-Passw0rd-2!", "Runtime-Passw0rd-3!"]),
      sent("application/grpc-web+proto"),
    ]);
    assert.deepEqual(binary, { ok: true, sequence: "3", resourceOwner: other.resourceOwner });
    const refused = await call("grpcWebChange", [api.url, "text", other.token, "Wrong-Passw0rd-0!", "Runtime-Passw0rd-4!"]);
    assert.deepEqual(refused, { ok: false, code: 3, message: "Password is invalid (COMMAND-3M0fs)" });

    if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, "grpc-web-runtime.png"), fullPage: true });
    // A request's line is written once its response is done, which the browser may see first.
    assert.ok(await api.logEntry((l) => l.msg === "request" && l.userId === other.userId && l.code === 3), "the refusal's line");
    const protocols = requestLines(api.logs)
      .filter((l) => l.userId === other.userId)
      .map((l) => l.protocol);
    assert.deepEqual(protocols, ["grpc-web-text", "grpc-web", "grpc-web-text"]);
    assert.ok(
      requestLines(api.logs).some((l) => l.method === "OPTIONS" && l.httpStatus === 204),
      "the browser's preflight was answered",
    );
    assert.deepEqual([...origins].sort(), [api.url, app.url].sort(), "no request left for any other origin");
  });
});
