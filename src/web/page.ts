import fs from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import type { NodeResponse } from "../api/node-types.js";

const HERE = import.meta.dirname;

/**
 * The page's own origin for scripts, and for the API only its own origin and
 * those the operator listed: the page holds a token and two passwords, and
 * even a script injected into it cannot send them anywhere else.
 */
function securityHeaders(apiOrigins: string[]) {
  const connect = ["'self'", ...apiOrigins].join(" ");
  return {
    "content-security-policy": `default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src ${connect}; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
  };
}

/** Whether this module runs as `npm run build` compiled it (dist/), not from the sources. */
const COMPILED = path.extname(import.meta.filename) === ".js";

/**
 * The change-password page at `/` and its script at `/app.js`. Compiled,
 * the script is the bundle `npm run build` made (app.bundle.js): an
 * installed package has neither esbuild nor the browser's Connect transport.
 * From the sources, esbuild bundles src/web/app.ts on first request, so an
 * edit shows without a build. Either way it is kept in memory.
 */
export class WebPage {
  private script?: Promise<string>;
  private readonly html: string;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly logger: Logger,
    /** Origins besides its own that the page may call, from WEB_UI_API_ORIGINS. */
    apiOrigins: string[],
  ) {
    // Where the page may send; the policy it reads from the service, for whoever signs in.
    const settings = JSON.stringify({ apiOrigins }).replaceAll("<", "\\u003c");
    this.headers = securityHeaders(apiOrigins);
    this.html = fs.readFileSync(path.join(HERE, "index.html"), "utf8").replace("{{SETTINGS}}", settings);
  }

  readonly paths = ["/", "/app.js"];

  async serve(pathname: string, res: NodeResponse): Promise<void> {
    if (pathname === "/") return send(res, this.headers, "text/html; charset=utf-8", this.html);
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
  res.writeHead(200, { ...headers, "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}
