import fs from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import type { NodeRequest, NodeResponse } from "../api/node-types.js";
import { AccountPage, pageLanguage } from "./account.js";
import { pageTexts } from "./page-texts.js";
import { faultView } from "./views.js";

const HERE = import.meta.dirname;

/** Where the page is served: its cookies are scoped to this path. */
export const PAGE_PREFIX = "/account";

/**
 * Strict: scripts and styles only from the page's own origin, no inline
 * script, requests and form posts only to itself, never framed, and no
 * Referer, so that a reset link's code is never told to anyone.
 */
function securityHeaders() {
  return {
    "content-security-policy": [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join("; "),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  };
}

/** Whether this module runs as `npm run build` compiled it (dist/), not from the sources. */
const COMPILED = path.extname(import.meta.filename) === ".js";

/**
 * The account page under /account/ (see account.ts), its script and its
 * style. Compiled, the script is the bundle `npm run build` made
 * (app.bundle.js): an installed package has no esbuild. From the sources,
 * esbuild bundles src/web/app.ts on first request, so an edit shows
 * without a build. Either way it is kept in memory.
 */
export class WebPage {
  private script?: Promise<string>;
  private readonly style: string;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly logger: Logger,
    /** The page's routes; given the headers every page response carries. */
    account: (headers: Record<string, string>) => AccountPage,
  ) {
    this.headers = securityHeaders();
    this.style = fs.readFileSync(path.join(HERE, "page.css"), "utf8");
    this.account = account(this.headers);
  }

  private readonly account: AccountPage;

  /** Every path served, for the request log. */
  readonly paths = ["/", PAGE_PREFIX, ...[...AccountPage.PATHS, "/app.js", "/page.css"].map((p) => PAGE_PREFIX + p)];

  /** The page's paths; "/" only for a browser's GET (an RPC there is answered as an unknown method). */
  handles(req: NodeRequest, pathname: string): boolean {
    if (pathname === "/") return req.method === "GET" || req.method === "HEAD";
    return pathname === PAGE_PREFIX || pathname.startsWith(`${PAGE_PREFIX}/`);
  }

  async serve(req: NodeRequest, res: NodeResponse, pathname: string): Promise<void> {
    try {
      await this.route(req, res, pathname);
    } catch (err) {
      // A request that broke off while its form was read, or a fault: never an unhandled rejection.
      this.logger.error({ err }, "the account page could not answer");
      if (!res.headersSent) return this.sendFault(req, res, pathname);
      res.end();
    }
  }

  /**
   * A fault no route answered, as a page in the request's language. The
   * error is in the log only: its message may quote the store's or the
   * request's state. Cookies a route had set go with it (a token issued
   * by a change that was written must not be lost).
   */
  private sendFault(req: NodeRequest, res: NodeResponse, pathname: string): void {
    const language = pageLanguage(req);
    const html = faultView(language, pageTexts(language), homeFrom(pathname));
    res.writeHead(500, { ...this.headers, "cache-control": "no-store", "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html) });
    res.end(html);
  }

  private async route(req: NodeRequest, res: NodeResponse, pathname: string): Promise<void> {
    // The page's own paths are relative to its prefix with a slash: "/" and "/account" lead there.
    if (pathname === "/" || pathname === PAGE_PREFIX) return found(res, `${PAGE_PREFIX}/`);
    const below = pathname.slice(PAGE_PREFIX.length);
    const get = req.method === "GET" || req.method === "HEAD";
    if (get && below === "/page.css") return send(res, this.headers, "text/css; charset=utf-8", this.style);
    if (get && below === "/app.js") return this.serveScript(res);
    if (!(await this.account.handle(req, res, below))) notHere(res);
  }

  private async serveScript(res: NodeResponse): Promise<void> {
    try {
      send(res, this.headers, "text/javascript; charset=utf-8", await this.bundle());
    } catch (err) {
      this.script = undefined; // try again on the next request
      this.logger.error({ err }, "bundling the page's script failed");
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("the page's script could not be built\n");
    }
  }

  private bundle(): Promise<string> {
    this.script ??= COMPILED ? fs.promises.readFile(path.join(HERE, "app.bundle.js"), "utf8") : bundleSources();
    return this.script;
  }
}

/** The page's start relative to a path below its prefix: "./" from /account/x, "../" from /account/oidc/x. */
function homeFrom(pathname: string): string {
  const depth = pathname.slice(PAGE_PREFIX.length).split("/").length - 2;
  return depth > 0 ? "../".repeat(depth) : "./";
}

function found(res: NodeResponse, location: string): void {
  res.writeHead(302, { location, "content-length": 0 });
  res.end();
}

/** A path below the prefix the page does not have, or a method it does not take there. */
function notHere(res: NodeResponse): void {
  const body = "not found\n";
  res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** The options match the build script's bundle in package.json. */
async function bundleSources(): Promise<string> {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [path.join(HERE, "app.ts")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    minify: true,
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

function send(res: NodeResponse, headers: Record<string, string>, type: string, body: string): void {
  res.writeHead(200, { ...headers, "cache-control": "no-cache", "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}
