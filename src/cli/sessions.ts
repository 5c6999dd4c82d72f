import { type Command, help, print, UsageError } from "./args.js";
import { idOption, withStore } from "./users.js";

/** What `session list` shows of a session: never its token or its hash. */
function describeSession(s: { id: string; userId: string | null; createdAt: number; expiresAt: number | null; passwordCheckedAt: number | null }) {
  return {
    sessionId: s.id,
    userId: s.userId,
    createdAt: new Date(s.createdAt).toISOString(),
    passwordCheckedAt: s.passwordCheckedAt === null ? null : new Date(s.passwordCheckedAt).toISOString(),
    expiresAt: s.expiresAt === null ? null : new Date(s.expiresAt).toISOString(),
  };
}

/** Sign-in sessions, for an operator: list a user's, end one or all of a user's. */
export const sessionCommands: Record<string, Command> = {
  "session list": {
    summary: "list a user's sign-in sessions, newest first (no tokens, no hashes)",
    usage: "session list --user USER_ID [--json]",
    options: { ...help, user: { type: "string" }, json: { type: "boolean" } },
    async run(values, config) {
      const userId = idOption(values, "user");
      if (userId === undefined) throw new UsageError("--user is required");
      const { sessions } = await withStore(config, (store) => store.sessions.listSessions({ userId, offset: 0, limit: 1000, asc: false }));
      for (const { session } of sessions) {
        const shown = describeSession(session);
        print(
          values.json
            ? JSON.stringify(shown)
            : `${shown.sessionId}  created ${shown.createdAt}  password ${shown.passwordCheckedAt ?? "not checked"}  expires ${shown.expiresAt ?? "never"}`,
        );
      }
    },
  },
  "session delete": {
    summary: "end a sign-in session (--session), or every session of a user (--user)",
    usage: "session delete (--session SESSION_ID | --user USER_ID)",
    options: { ...help, session: { type: "string" }, user: { type: "string" } },
    async run(values, config) {
      const sessionId = idOption(values, "session");
      const userId = idOption(values, "user");
      if ((sessionId === undefined) === (userId === undefined)) throw new UsageError("session delete takes --session or --user");
      if (sessionId !== undefined) {
        const ended = await withStore(config, (store) => store.sessions.deleteSession(sessionId));
        if (!ended) throw new UsageError(`no session ${sessionId}`);
        print(`session ${sessionId} ended`);
        return;
      }
      const count = await withStore(config, (store) => store.sessions.deleteUserSessions(userId!));
      print(`${count} session${count === 1 ? "" : "s"} of user ${userId} ended`);
    },
  },
};
