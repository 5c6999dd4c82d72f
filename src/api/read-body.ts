import type { NodeRequest } from "./node-types.js";

/**
 * A request's whole body, or undefined once it is (or says it will be)
 * larger than `maxBytes`. The rest of a body that is too large is read and
 * dropped rather than left unread, so that the refusal can still be sent on
 * the connection.
 */
export function readBody(req: NodeRequest, maxBytes: number): Promise<Buffer | undefined> {
  if (Number(req.headers["content-length"] ?? 0) > maxBytes) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners("data");
        req.resume();
        resolve(undefined);
      } else {
        chunks.push(chunk);
      }
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
