import fs from "node:fs";
import { cliContext } from "../core/audit.js";
import { type Command, currentIo, hasControl, help, isEmail, print, printError, required, UsageError } from "./args.js";
import { importCommand } from "./import.js";
import type { Config } from "../config.js";
import { isValidId } from "../core/ids.js";
import { type Language, LANGUAGES, servedLanguage } from "../core/messages.js";
import type { PasswordPolicy } from "../core/policy.js";
import type { OrgChoice } from "../store/organisations.js";
import type { UserSummary } from "../store/user-admin.js";
import type { Store } from "../store/store.js";

type Values = Record<string, string | boolean | undefined>;

/**
 * Opens the store for one command and closes it however the command ends.
 * Only commands that make something (`create`) make a database that is not
 * there: any other would find an empty one, and say nothing of the mistake.
 */
export async function withStore<T>(config: Config, run: (store: Store) => Promise<T>, { create = false } = {}): Promise<T> {
  // Loaded when a command needs it, so that --help and usage mistakes answer at once.
  const { openStore } = await import("../store/open-store.js");
  const store = await openStore(config, undefined, { create });
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

/** An ID option: as an issuer writes subjects, 1 to 200 bytes of printable ASCII without spaces. */
export function idOption(values: Values, name: string): string | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !isValidId(value)) {
    throw new UsageError(`--${name} takes an ID of 1 to 200 printable ASCII characters without spaces`);
  }
  return value;
}

const PAGE = { after: { type: "string" }, limit: { type: "string", default: "100" }, json: { type: "boolean" } } as const;

function limitOption(values: Values): number {
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError("--limit takes a whole number from 1 to 10000");
  return limit;
}

/** Tells how to get the next page when this one is full. */
function nextPage(count: number, limit: number, lastId: string | undefined): void {
  if (count === limit && lastId !== undefined) printError(`more: run again with --after ${lastId}`);
}

/** The one password a command was given: --password, --password-stdin or --password-file. */
async function passwordOption(values: Values): Promise<string | undefined> {
  const given = ["password", "password-stdin", "password-file"].filter((name) => values[name] !== undefined && values[name] !== false);
  if (given.length > 1) throw new UsageError("give the password one way: --password, --password-stdin or --password-file");
  if (values.password === "-") throw new UsageError('--password - would set the password "-": use --password-stdin to read it from standard input');
  let password: string | undefined;
  if (values["password-stdin"]) password = withoutNewline(await readStdin());
  else if (typeof values["password-file"] === "string") password = withoutNewline(readPasswordFile(values["password-file"]));
  else password = values.password as string | undefined;
  if (password === "") throw new UsageError("the password is empty");
  return password;
}

function readPasswordFile(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`--password-file: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of currentIo().stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** One line's end, as `echo` or an editor leaves it, is not part of the password. */
function withoutNewline(text: string): string {
  return text.replace(/\r?\n$/, "");
}

const CREATE_USAGE =
  "user create --username NAME [--id ID] [--org ORG_ID [--create-org]] [--org-name NAME] [--email EMAIL] [--language TAG]\n" +
  "            [--password PW | --password-stdin | --password-file FILE | --password-hash HASH] [--skip-policy]\n" +
  "            [--machine] [--initial] [--json]\n\n" +
  "Without --org the user goes into the instance's default organisation. --org names an existing one\n" +
  "(--create-org creates it, named --org-name); --org-name alone creates a new one. A plain password must\n" +
  "meet the organisation's policy unless --skip-policy; --password-hash takes an existing hash (bcrypt,\n" +
  "argon2i/argon2id, scrypt, pbkdf2, sha256/512-crypt, md5-crypt). Without either the user has no password.\n" +
  `--language sets the language of the user's mails: a BCP 47 tag of ${LANGUAGES.join(", ")} (de-CH is kept as de).`;

export const userCommands: Record<string, Command> = {
  "org create": {
    summary: "create an organisation",
    usage: "org create --name NAME [--id ID] [--json]\n\nWithout --id the service makes one up.",
    options: { ...help, name: { type: "string" }, id: { type: "string" }, json: { type: "boolean" } },
    async run(values, config) {
      const name = required(values, "name");
      const id = idOption(values, "id");
      const orgId = await withStore(config, (store) => store.orgs.createOrg({ id, name }), { create: true });
      print(values.json ? JSON.stringify({ orgId, name }) : `created organisation ${orgId}`);
    },
  },
  "org list": {
    summary: "list organisations, a page at a time",
    usage: "org list [--after ORG_ID] [--limit 100] [--json]",
    options: { ...help, ...PAGE },
    async run(values, config) {
      const limit = limitOption(values);
      const orgs = await withStore(config, (store) => store.orgs.listOrgs({ after: idOption(values, "after"), limit }));
      for (const org of orgs) print(values.json ? JSON.stringify(org) : `${org.id}  ${org.name}${org.isDefault ? "  (default)" : ""}`);
      nextPage(orgs.length, limit, orgs.at(-1)?.id);
    },
  },
  "user create": {
    summary: "create a user, in the default organisation or one named",
    usage: CREATE_USAGE,
    options: {
      ...help,
      username: { type: "string" },
      id: { type: "string" },
      org: { type: "string" },
      "create-org": { type: "boolean" },
      "org-name": { type: "string" },
      email: { type: "string" },
      language: { type: "string" },
      password: { type: "string" },
      "password-stdin": { type: "boolean" },
      "password-file": { type: "string" },
      "password-hash": { type: "string" },
      "skip-policy": { type: "boolean" },
      machine: { type: "boolean" },
      initial: { type: "boolean" },
      json: { type: "boolean" },
    },
    async run(values, config) {
      const username = required(values, "username");
      if (username.length > 200) throw new UsageError("--username takes at most 200 characters");
      if (hasControl(username)) throw new UsageError("--username takes no control characters (CR, LF, NUL and the like)");
      const id = idOption(values, "id");
      const choice: OrgChoice = { orgId: idOption(values, "org"), orgName: values["org-name"] as string | undefined, create: Boolean(values["create-org"]) };
      if (choice.create && choice.orgId === undefined) throw new UsageError("--create-org needs --org ORG_ID");
      const password = await passwordOption(values);
      const hash = values["password-hash"] as string | undefined;
      if (password !== undefined && hash !== undefined) throw new UsageError("--password-hash and a password contradict each other: give one");
      if (values.machine && (password !== undefined || hash !== undefined)) throw new UsageError("a machine user has no password: --machine takes none");
      if (hash !== undefined) await checkHash(hash);
      if (values.email !== undefined && !isEmail(values.email as string))
        throw new UsageError(`--email takes a bare address such as ann@example.com (no name, no <>), not "${values.email}"`);
      const preferredLanguage = languageOption(values.language as string | undefined);
      const created = await withStore(
        config,
        async (store) => {
          const stored =
            password === undefined ? { passwordHash: hash ?? null, passwordNfkc: null } : await hashChecked(store, config, values, choice, username, password);
          return store.userAdmin.createUser({
            id,
            username,
            ...choice,
            email: values.email as string | undefined,
            preferredLanguage,
            ...stored,
            kind: values.machine ? "machine" : "human",
            state: values.initial ? "initial" : "active",
          });
        },
        { create: true },
      );
      const out = { userId: created.userId, resourceOwner: created.resourceOwner, sequence: String(created.sequence) };
      print(values.json ? JSON.stringify(out) : `created user ${out.userId} in organisation ${out.resourceOwner}`);
    },
  },
  "user list": {
    summary: "list users, a page at a time (no hashes)",
    usage: "user list [--org ORG_ID] [--after USER_ID] [--limit 100] [--json]",
    options: { ...help, org: { type: "string" }, ...PAGE },
    async run(values, config) {
      const limit = limitOption(values);
      const users = await withStore(config, (store) => store.userAdmin.listUsers({ orgId: idOption(values, "org"), after: idOption(values, "after"), limit }));
      for (const user of users) print(values.json ? JSON.stringify(user) : describeUser(user));
      nextPage(users.length, limit, users.at(-1)?.id);
    },
  },
  "user show": {
    summary: "show one user (no hash)",
    usage: "user show (--user USER_ID | --username NAME [--org ORG_ID]) [--json]\n\nA username is looked up in --org, or in the default organisation.",
    options: { ...help, user: { type: "string" }, username: { type: "string" }, org: { type: "string" }, json: { type: "boolean" } },
    async run(values, config) {
      const id = idOption(values, "user");
      if ((id === undefined) === (values.username === undefined)) throw new UsageError("user show takes --user or --username");
      const by = id !== undefined ? { id } : { username: values.username as string, orgId: idOption(values, "org") };
      const user = await withStore(config, async (store) => {
        const found = await store.userAdmin.findUser(by);
        if (found) return found;
        if (id !== undefined) throw new UsageError(`no user ${id}`);
        throw new UsageError(await notInOrg(store, values.username as string, by.orgId));
      });
      print(values.json ? JSON.stringify(user) : describeUser(user));
    },
  },
  "user lock": stateCommand("lock a user: no password change until unlocked", "locked"),
  "user unlock": stateCommand("unlock a user and clear its failed attempts", "active"),
  "user remove": stateCommand("remove (delete) a user; its username becomes free", "deleted"),
  "user import": importCommand,
};

/** Where a username was looked for, and how to look elsewhere. */
async function notInOrg(store: Store, username: string, orgId: string | undefined): Promise<string> {
  if (orgId !== undefined) return `no user "${username}" in organisation ${orgId}; \`org list\` shows the others`;
  const defaultOrg = (await store.orgs.defaultOrgId()) ?? "(none made yet)";
  return `no user "${username}" in the default organisation ${defaultOrg}; --org ORG_ID looks in another (\`org list\` shows them)`;
}

function describeUser(u: UserSummary): string {
  const password = u.passwordFamily ? `password (${u.passwordFamily})` : "no password";
  return `${u.id}  ${u.username}  org ${u.orgId}  ${u.kind}  ${u.state}  ${password}${u.email ? `  ${u.email}` : ""}${u.preferredLanguage ? `  language ${u.preferredLanguage}` : ""}`;
}

/** --language as the store keeps it: a served language's primary subtag. */
function languageOption(tag: string | undefined): Language | undefined {
  if (tag === undefined) return undefined;
  const language = servedLanguage(tag);
  if (!language)
    throw new UsageError(
      `--language takes a BCP 47 tag of a served language (${LANGUAGES.join(", ")}), such as de or de-CH; not ${JSON.stringify(tag.slice(0, 40))}`,
    );
  return language;
}

/** A hash given on the command line: one of the supported encodings, within bounds. */
async function checkHash(hash: string): Promise<void> {
  const { HashRefused, parseHash } = await import("../crypto/imported-hash.js");
  try {
    parseHash(hash);
  } catch (err) {
    if (err instanceof HashRefused) throw new UsageError(`--password-hash: ${err.message}`);
    throw err;
  }
}

/** The password checked against the policy of the organisation it goes into, unless --skip-policy, and hashed. */
async function hashChecked(store: Store, config: Config, values: Values, choice: OrgChoice, username: string, password: string) {
  const { newPasswordViolations } = await import("../core/policy.js");
  const orgId = choice.orgId ?? (choice.orgName === undefined ? await store.orgs.defaultOrgId() : undefined);
  return storedPassword(store, config.bcryptCost, orgId, password, (stored, policy) => {
    if (values["skip-policy"]) return;
    const violations = newPasswordViolations(stored, policy, [username, choice.orgName ?? ""]);
    if (violations.length > 0) {
      const reasons = violations.map((v) => `${v.message} (${v.id})`).join("; ");
      throw new UsageError(`the password does not meet the organisation's policy: ${reasons}; --skip-policy overrides it`);
    }
  });
}

/**
 * A new user's password as the store keeps it: under the policy of the
 * organisation it goes into (the instance's for one not made yet), hashed
 * as the profile says, NFKC under nist. `check` sees the form that is hashed
 * first, and may refuse it by throwing.
 */
export async function storedPassword(
  store: Store,
  cost: number,
  orgId: string | undefined,
  password: string,
  check?: (stored: string, policy: PasswordPolicy) => void,
): Promise<{ passwordHash: string; passwordNfkc: boolean }> {
  const [{ passwordToStore }, { BcryptHasher }] = await Promise.all([import("../core/policy.js"), import("../crypto/hashing.js")]);
  const { policy } = orgId !== undefined ? await store.policies.forOrg(orgId) : await store.policies.instancePolicy();
  const stored = passwordToStore(password, policy.profile);
  check?.(stored, policy);
  return { passwordHash: await new BcryptHasher(cost).hash(stored), passwordNfkc: policy.profile === "nist" };
}

function stateCommand(summary: string, state: "active" | "locked" | "deleted"): Command {
  const [verb, done] = { active: ["unlock", "unlocked"], locked: ["lock", "locked"], deleted: ["remove", "removed"] }[state];
  return {
    summary,
    usage: `user ${verb} --user USER_ID`,
    options: { ...help, user: { type: "string" } },
    async run(values, config) {
      const user = idOption(values, "user");
      if (user === undefined) throw new UsageError("--user is required");
      const { sequence, changed } = await withStore(config, (store) => store.users.setUserState(user, state, cliContext()));
      print(changed ? `user ${user} ${done} (sequence ${sequence})` : `user ${user} is ${done} already: nothing changed`);
    },
  };
}
