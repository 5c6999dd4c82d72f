import fs from "node:fs";
import { inspect, parseArgs } from "node:util";
import { ConfigError, describeDatabase, durationSeconds, loadConfig } from "../config.js";
import { ServiceError } from "../core/errors.js";
import { type CliIo, type Command, help, PROCESS_IO, print, printError, required, UsageError, withIo } from "./args.js";
import { environmentHelp } from "../config/describe.js";
import { policyCommands } from "./policy.js";
import { sessionCommands } from "./sessions.js";
import { userCommands, withStore } from "./users.js";
import { ADMIN_ROLE, INSTANCE_ADMIN_ROLE, LOGIN_CLIENT_ROLE } from "../core/roles.js";
import { StoreInputError } from "../store/input-error.js";

/** Time beyond the server's grace for closing the database. */
const SHUTDOWN_EXTRA_MS = 5_000;

const commands: Record<string, Command> = {
  serve: {
    summary: "serve the API (what `npm start` runs)",
    usage: `serve\n\nServes every protocol on one port. Configured by the environment (docs/configuration.md says more):\n\n${environmentHelp()}`,
    options: { ...help },
    async run(_values, config) {
      // Loaded here, not above: the other commands and --help start without the server's modules.
      const [{ createLogger }, { startService }, { CLOSE_GRACE_MS }] = await Promise.all([
        import("../ops/logging.js"),
        import("../app.js"),
        import("../http/server.js"),
      ]);
      const logger = createLogger(config);
      const server = await startService(config, logger);
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        // A second signal (Ctrl-C again, SIGTERM after SIGINT) waits for the first's shutdown to end.
        if (stopping) return void logger.info({ signal }, "already shutting down");
        stopping = true;
        logger.info({ signal }, "shutting down: no new connections, finishing requests in flight");
        // The server's own grace ends every request; this bounds the rest (a database that hangs).
        setTimeout(() => {
          logger.error("shutdown did not finish in time");
          process.exit(1);
        }, CLOSE_GRACE_MS + SHUTDOWN_EXTRA_MS).unref();
        server.close().then(
          () => {
            logger.info("stopped");
            process.exit(0);
          },
          (err) => {
            logger.error({ err }, "shutdown failed");
            process.exit(1);
          },
        );
      };
      process.on("SIGTERM", stop);
      process.on("SIGINT", stop);
    },
  },
  migrate: {
    summary: "bring the database schema up to date",
    usage: "migrate",
    options: { ...help },
    async run(_values, config) {
      const { openMigrated } = await import("../store/open-store.js");
      const { store, applied } = await openMigrated(config); // opening the store brings its schema up to date
      await store.close();
      print(`${describeMigrations(applied)}: database at ${describeDatabase(config.database)}`);
    },
  },
  "token issue": {
    summary: "sign a short-lived access token for a user",
    usage:
      "token issue --user USER_ID [--ttl 15m] [--role admin [--org ORG_ID] | --role login-client]\n\n" +
      "Prints the token alone on stdout. --ttl takes s, m, h or d units. --role admin grants\n" +
      `${ADMIN_ROLE} for the organisation --org names, in the JWT_ROLES_CLAIM claim: its holder may read\n` +
      "that organisation's settings and reset or set its users' passwords. Without --org it grants\n" +
      `${INSTANCE_ADMIN_ROLE}: the same for every organisation. --role login-client grants\n` +
      `${LOGIN_CLIENT_ROLE}, a login application's: settings, resets, sets with a code or the current password, and creates and checks sign-in sessions.`,
    options: { ...help, user: { type: "string" }, ttl: { type: "string", default: "15m" }, role: { type: "string" }, org: { type: "string" } },
    async run(values, config) {
      const user = required(values, "user");
      const ttl = values.ttl as string;
      let seconds: number;
      try {
        seconds = durationSeconds(ttl);
      } catch {
        throw new UsageError(`--ttl takes a duration such as 30s, 15m, 1h or 1d, not "${ttl}"`);
      }
      if (seconds > config.tokenMaxTtlSeconds) {
        throw new UsageError(`--ttl ${ttl} is longer than TOKEN_MAX_TTL allows (${config.tokenMaxTtlSeconds} s)`);
      }
      const roles = roleOptions(values);
      const token = await withStore(config, async (store) => {
        const { createIssuer } = await import("../crypto/tokens.js");
        const issuer = await createIssuer(config.auth, store.signingKeys);
        const found = await store.userAdmin.findUser({ id: user });
        if (!found || found.state === "deleted") throw new UsageError(`no user ${user}`);
        if (found.kind === "machine") throw new UsageError(`user ${user} is a machine user: it changes no password here`);
        // ZITADEL lists a role under the organisations that granted it: the instance's, under the user's own.
        return issuer.issue(user, ttl, typeof roles === "string" ? { [roles]: [found.orgId] } : roles);
      });
      print(token);
    },
  },
  ...userCommands,
  ...sessionCommands,
  ...policyCommands,
};

/** "applied 3 migrations (0004–0006)", by the numbers that begin their names, or "already up to date". */
function describeMigrations(applied: string[]): string {
  if (applied.length === 0) return "already up to date";
  const number = (name: string) => name.split("_")[0];
  const range = applied.length === 1 ? number(applied[0]) : `${number(applied[0])}–${number(applied.at(-1)!)}`;
  return `applied ${applied.length} migration${applied.length === 1 ? "" : "s"} (${range})`;
}

/**
 * `--role admin [--org ID]` or `--role login-client`, checked before the
 * database is opened; an instance-wide role by its name, to be granted
 * under the user's own organisation.
 */
function roleOptions(values: Record<string, string | boolean | undefined>): Record<string, string[]> | string {
  if (values.role === undefined && values.org === undefined) return {};
  if (values.role === "login-client") {
    if (values.org !== undefined) throw new UsageError("--role login-client holds for every organisation: it takes no --org");
    return LOGIN_CLIENT_ROLE;
  }
  if (values.role !== "admin") throw new UsageError(`--role takes "admin" or "login-client", not "${values.role ?? ""}"`);
  if (values.org === undefined) return INSTANCE_ADMIN_ROLE;
  if (values.org === "") throw new UsageError("--org takes the ID of the organisation the role is granted for");
  return { [ADMIN_ROLE]: [values.org as string] };
}

function overview(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(14)}${c.summary}`);
  return `Usage: password-service <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nEach command takes --help; --version prints the version.`;
}

/** The commands whose name begins with `word` (a group such as "user"), if there are any. */
function groupOverview(word: string): string | undefined {
  const members = Object.entries(commands).filter(([name]) => name.startsWith(`${word} `));
  if (members.length === 0) return undefined;
  const lines = members.map(([name, c]) => `  ${name.padEnd(14)}${c.summary}`);
  return `Usage: password-service ${word} <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nEach command takes --help.`;
}

function findCommand(args: string[]): [string, Command] | undefined {
  for (const words of [2, 1]) {
    const name = args.slice(0, words).join(" ");
    if (commands[name]) return [name, commands[name]];
  }
  return undefined;
}

/** The package's version, as package.json gives it: two folders up from src/cli/, three from dist/src/cli/. */
function version(): string {
  const up = import.meta.url.endsWith(".js") ? "../../../package.json" : "../../package.json";
  return (JSON.parse(fs.readFileSync(new URL(up, import.meta.url), "utf8")) as { version: string }).version;
}

/** Runs the command `args` name; its exit code when that is not 0. */
async function dispatch(args: string[], io: CliIo): Promise<number | void> {
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    print(version());
    return;
  }
  if (args.length === 0) throw new UsageError(`no command given\n\n${overview()}`);
  const found = findCommand(args);
  if (!found) {
    if (args[0] === "--help" || args[0] === "-h" || args[0] === "help") {
      print(overview());
      return;
    }
    // "user", "token" or "policy" alone or with --help: the commands of that group.
    const group = groupOverview(args[0]);
    if (group && (args.length === 1 || args[1] === "--help" || args[1] === "-h")) {
      print(group);
      return;
    }
    throw new UsageError(`unknown command "${args.join(" ")}"\n\n${overview()}`);
  }
  const [name, command] = found;
  let values: ReturnType<typeof parseArgs>["values"];
  try {
    ({ values } = parseArgs({ args: args.slice(name.split(" ").length), options: command.options, strict: true }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\nUsage: password-service ${command.usage}`);
  }
  if (values.help) {
    print(`Usage: password-service ${command.usage}`);
    return;
  }
  const { config, warnings } = loadConfig(io.env, Boolean(io.stdout.isTTY));
  for (const warning of warnings) printError(`warning: ${warning}`);
  return command.run(values as Record<string, string | boolean | undefined>, config);
}

const ONE_LINE_CODES = new Set(["EADDRINUSE", "EACCES", "ENOENT", "SQLITE_CANTOPEN", "EEXIST", "ENOTDIR", "ENOTFOUND", "EAI_AGAIN"]);

/** A failure as the command line reports it: one line and exit code 2 for a mistake, the whole error and 1 for a bug. */
function failure(err: unknown, io: CliIo): number {
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof StoreInputError || err instanceof ServiceError) {
    printError(`password-service: ${err.message}`);
    return 2;
  }
  const code = (err as NodeJS.ErrnoException).code;
  // The environment names something that is not there or not usable: a port,
  // a folder, a host. Node's message names it and the cause.
  if (code && ONE_LINE_CODES.has(code)) {
    printError(`password-service: ${(err as Error).message}`);
    return 2;
  }
  io.stderr.write(`${inspect(err)}\n`);
  return 1;
}

/**
 * `password-service ARGS` with `io` for its environment and streams; the
 * exit code. The tests run it in their own process; `serve` belongs to a
 * process of its own, as it stays on its signals.
 */
export function runCli(args: string[], io: CliIo): Promise<number> {
  return withIo(io, async () => {
    try {
      return (await dispatch(args, io)) ?? 0;
    } catch (err) {
      return failure(err, io);
    }
  });
}

/** The process's command line, as bin/password-service.cjs starts it. */
export async function runProcess(): Promise<void> {
  // A reader that stops early (`user list --json | head -1`) has what it wanted: the rest goes nowhere, quietly.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.exit(0);
  });
  const code = await runCli(process.argv.slice(2), PROCESS_IO);
  // Ended at once: a connection or a timer a failed command left must not keep the process alive.
  if (code !== 0) process.exit(code);
}
