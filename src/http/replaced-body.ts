import type { IncomingHttpHeaders } from "node:http";
import type { NodeRequest } from "./http-types.js";
import { attachRequestInfo, requestInfo } from "../ops/request-info.js";

/**
 * The request as connect-node reads it (headers, then the body as an async
 * iterable), with its body and, if given, its headers replaced; everything
 * else, events included, is the real request's. The request's info goes
 * with it, as the handlers see the stand-in, not the request.
 */
export function withBody(req: NodeRequest, body: AsyncIterable<Buffer>, headers?: IncomingHttpHeaders): NodeRequest {
  const replaced = new Proxy(req, {
    get(target, prop) {
      if (prop === "headers" && headers) return headers;
      if (prop === Symbol.asyncIterator) return () => body[Symbol.asyncIterator]();
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const info = requestInfo(req);
  if (info) attachRequestInfo(replaced, info);
  return replaced;
}
