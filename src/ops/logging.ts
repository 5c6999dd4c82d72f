import { type DestinationStream, pino, type Logger } from "pino";
import pretty from "pino-pretty";
import type { Config } from "../config.js";
import { currentRequest } from "./request-info.js";

/**
 * The service's logger: JSON lines for pipelines, or pino-pretty's coloured
 * lines for a person at a terminal, on stdout. The JSON lines go through
 * pino's sonic-boom, which writes each line at once from libuv's pool, so
 * a slow reader of stdout never stalls the event loop; pino's exit hook
 * flushes what is left, so the last lines before an exit are not lost.
 * pino-pretty's lines are written synchronously. A `destination` in place
 * of stdout serves a server run inside another program (the tests' own
 * process).
 */
export function createLogger(config: Pick<Config, "logLevel" | "logFormat">, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    // A line written while a request is handled names it, wherever in the code it is written.
    mixin: () => {
      const request = currentRequest();
      return request ? { requestId: request.id } : {};
    },
    // Defence in depth: no code logs these, and if some ever does, they are masked.
    redact: {
      paths: ["password", "oldPassword", "newPassword", "passwordHash", "token", "authorization", "*.authorization", "headers.authorization"],
      censor: "[redacted]",
    },
  };
  if (config.logFormat === "pretty") {
    return pino(
      options,
      pretty({
        colorize: true,
        sync: true,
        singleLine: true,
        translateTime: "SYS:HH:MM:ss.l",
        ignore: "pid,hostname",
        ...(destination ? { destination } : {}),
      }),
    );
  }
  return destination ? pino(options, destination) : pino(options);
}
