import type { DescMessage, DescMethodUnary, JsonReadOptions, MessageShape } from "@bufbuild/protobuf";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { errors, ServiceError } from "../core/errors.js";
import { toConnectError } from "./connect-errors.js";
import { parseJsonRequest, strictUtf8 } from "./json-request.js";
import { type CallContext, callOf, type UnaryHandler } from "./services.js";

/**
 * Every API RPC over gRPC, gRPC-Web and Connect, each calling the handler
 * its REST route calls too.
 */
export function connectRoutes(handlers: Map<DescMethodUnary, UnaryHandler>) {
  return (router: ConnectRouter) => {
    for (const [method, handler] of handlers) {
      router.rpc(
        method,
        (req: MessageShape<DescMessage>, ctx: HandlerContext) =>
          invokeRpc(
            handler,
            req,
            callOf((name) => ctx.requestHeader.get(name)),
          ),
        // One method at a time: each has its own JSON check (see quotingNothing).
        { jsonOptions: quotingNothing(method.input) },
      );
    }
  };
}

/**
 * Calls an RPC's handler as gRPC, gRPC-Web and Connect all do, through
 * connect-es's routes or the direct unary path (src/http/direct-unary.ts):
 * every error leaves as a ConnectError, in the caller's language.
 */
export async function invokeRpc(handler: UnaryHandler, message: MessageShape<DescMessage>, call: CallContext) {
  try {
    return await handler(message, call);
  } catch (err) {
    throw toConnectError(err instanceof ServiceError ? err : errors.internal(), call.language);
  }
}

/**
 * JSON options under which connect-es's errors for a bad JSON body (on
 * Connect, gRPC-Web or gRPC) quote none of it, as the REST route's do: each
 * body is checked by parseJsonRequest before connect-es parses it. connect-es
 * reads `textDecoder` from these options (its JsonSerializationOptions)
 * though the handler options' type leaves it out; test/hostile.test.ts
 * fails if a release stops doing so.
 */
function quotingNothing(schema: DescMessage): Partial<JsonReadOptions> {
  const textDecoder = {
    decode(body: Uint8Array): string {
      try {
        parseJsonRequest(schema, body);
      } catch (err) {
        throw toConnectError(err as ServiceError);
      }
      return strictUtf8.decode(body);
    },
  };
  return { textDecoder } as Partial<JsonReadOptions>;
}
