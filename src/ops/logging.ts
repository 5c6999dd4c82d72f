import { type DestinationStream, pino, type Logger } from "pino";
import pretty from "pino-pretty";
import type { Config } from "../config.js";
import { currentRequest } from "./request-info.js";

/**
 * The service's logger: JSON lines for pipelines, or pino-pretty's coloured
 * lines for a person at a terminal, on stdout. Both are written
 * synchronously, each line as it is logged, as Node's own process.stdout
 * writes to a pipe or a file on Linux: no line is lost to a crash or a
 * kill, and a reader of stdout that stops reading holds the service up
 * rather than have it pile lines up in memory without bound. pino's
 * default, writing from libuv's pool, woke the event loop once more a
 * request for the write's end, and cost the service about 2 % of its
 * sign-ins at the bcrypt bound (docs/performance.md). A `destination` in
 * place of stdout serves a server run inside another program (the tests'
 * own process).
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
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}
