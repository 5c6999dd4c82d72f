import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import type { Logger } from "pino";
import type { NodeResponse } from "../http/http-types.js";

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

/**
 * The change-password page at `/` and its script at `/app.js`. The script is
 * bundled from TypeScript (src/web/app.ts) by esbuild on first request and
 * kept in memory: nothing to build beforehand.
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
    this.script ??= build({
      // app.ts from the sources, app.js when this module runs compiled (dist/).
      entryPoints: [path.join(HERE, `app${path.extname(import.meta.filename)}`)],
      bundle: true,
      format: "iife",
      platform: "browser",
      target: "es2020",
      minify: true,
      write: false,
      logLevel: "silent",
    }).then((result) => result.outputFiles[0].text);
    return this.script;
  }
}

function send(res: NodeResponse, headers: Record<string, string>, type: string, body: string): void {
  res.writeHead(200, { ...headers, "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}
