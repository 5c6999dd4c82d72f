/**
 * Requests written by hand, for the tests that must see a response as it
 * comes over the wire (status, every header, the body's bytes, trailers):
 * HTTP/1.1 with node:http, h2c with node:http2, each on a connection of its
 * own.
 */
import http from "node:http";
import http2 from "node:http2";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  trailers: Record<string, string | undefined>;
  body: Buffer;
}

/**
 * One HTTP/1.1 request by hand: without content-length the chunks go chunked.
 * Its own connection, so a refused body cannot spoil another test's request.
 */
export function http1(
  port: number,
  opts: { method?: string; path?: string; headers?: Record<string, string | number>; chunks?: (string | Buffer)[] },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method: opts.method ?? "PUT", path: opts.path ?? "/auth/v1/users/me/password", headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, trailers: res.trailers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    for (const chunk of opts.chunks ?? []) req.write(chunk);
    req.end();
  });
}

/** One HTTP/2 (h2c) request by hand. */
export async function h2(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  path = "/zitadel.auth.v1.AuthService/UpdateMyPassword",
): Promise<{ headers: http2.IncomingHttpHeaders; trailers: http2.IncomingHttpHeaders; body: Buffer }> {
  const session = http2.connect(url);
  try {
    const stream = session.request({ ":method": "POST", ":path": path, ...headers });
    let responseHeaders: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on("response", (h) => (responseHeaders = h));
    stream.on("trailers", (t) => (trailers = t));
    stream.on("data", (c: Buffer) => chunks.push(c));
    await new Promise<void>((resolve, reject) => {
      stream.on("close", resolve);
      stream.on("error", reject);
      session.on("error", reject);
      stream.end(body);
    });
    return { headers: responseHeaders, trailers, body: Buffer.concat(chunks) };
  } finally {
    session.close();
  }
}
