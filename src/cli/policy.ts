import type { Store } from "../store/store.js";
import { cliContext } from "../core/audit.js";
import { type Command, help, print, UsageError } from "./args.js";
import { idOption, withStore } from "./users.js";
import {
  applyProfile,
  BREACHED_CHECKS,
  type BreachedCheck,
  DEFAULT_POLICY,
  type PasswordPolicy,
  type Profile,
  PROFILES,
  policyProblem,
} from "../core/policy.js";

type Values = Record<string, string | boolean | undefined>;

const SET_USAGE =
  "policy set [--org ID] [--profile zitadel|nist] [--min-length N] [--has-lowercase true|false] " +
  "[--has-uppercase true|false] [--has-number true|false] [--has-symbol true|false] [--max-password-attempts N] " +
  "[--history-count N] [--blocklist true|false] [--breached-check off|fail-open|fail-closed]\n\n" +
  "Without --org it sets the instance default. An organisation without a policy of its own starts from the\n" +
  "instance default. --profile fills in its fields first; the other flags then override single fields.";

export const policyCommands: Record<string, Command> = {
  "policy show": {
    summary: "show the password policy of an organisation, or the instance default",
    usage: "policy show [--org ID] [--json]\n\nAn organisation without a policy of its own shows the instance default it uses.",
    options: { ...help, org: { type: "string" }, json: { type: "boolean" } },
    async run(values, config) {
      await withStore(config, async (store) => {
        const { source, policy } = await shownPolicy(store, values);
        print(values.json ? JSON.stringify({ source, ...policyJson(policy) }) : describe(source, policy));
      });
    },
  },
  "policy set": {
    summary: "set the password policy of an organisation, or the instance default",
    usage: SET_USAGE,
    options: {
      ...help,
      org: { type: "string" },
      profile: { type: "string" },
      "min-length": { type: "string" },
      "has-lowercase": { type: "string" },
      "has-uppercase": { type: "string" },
      "has-number": { type: "string" },
      "has-symbol": { type: "string" },
      "max-password-attempts": { type: "string" },
      "history-count": { type: "string" },
      blocklist: { type: "string" },
      "breached-check": { type: "string" },
    },
    async run(values, config) {
      const org = orgOption(values);
      parseAll(values, DEFAULT_POLICY); // every flag checked before the database is opened
      await withStore(config, async (store) => {
        const after = await setPolicy(store, values);
        print(describe(org === undefined ? "instance" : `organisation ${org}`, after));
      });
    },
  },
  events: {
    summary: "list the audit events of a user or an organisation",
    usage:
      "events (--user USER_ID | --org ORG_ID) [--json]\n\n" +
      "--org lists the organisation's events, its policy changes among them. --json prints one JSON object per line.",
    options: { ...help, user: { type: "string" }, org: { type: "string" }, json: { type: "boolean" } },
    async run(values, config) {
      const org = orgOption(values);
      if ((values.user === undefined) === (org === undefined)) throw new UsageError("events takes --user or --org");
      const user = org === undefined ? idOption(values, "user") : undefined;
      await withStore(config, async (store) => {
        if (user !== undefined && !(await store.userAdmin.userExists(user))) throw new UsageError(`no user ${user}`);
        if (org !== undefined && !(await store.orgs.orgExists(org))) throw new UsageError(`no organisation ${org}`);
        for (const e of await store.audit.list(user !== undefined ? { userId: user } : { orgId: org! })) {
          if (values.json) print(JSON.stringify(e));
          else {
            const repeats = e.count > 1 ? `  (${e.count} times, the last at ${e.lastAt})` : "";
            print(`${e.at}  ${e.type.padEnd(24)}${e.remoteAddress ?? "-"}  ${e.userAgent ?? "-"}  ${JSON.stringify(e.payload)}${repeats}`);
          }
        }
      });
    },
  },
};

/** `policy show`'s answer: the policy of `--org` (or the instance's), and where it comes from. */
export async function shownPolicy(store: Store, values: Values): Promise<{ source: string; policy: PasswordPolicy }> {
  const org = orgOption(values);
  if (org !== undefined && !(await store.orgs.orgExists(org))) throw new UsageError(`no organisation ${org}`);
  const own = org === undefined ? undefined : await store.policies.storedPolicy(org);
  const policy = own ?? (await effectivePolicy(store, undefined));
  return { source: org === undefined ? "instance" : own ? `organisation ${org}` : "instance (inherited)", policy };
}

/** `policy set`'s work: the flags applied to the policy in force, checked, and stored with its audit event. */
export async function setPolicy(store: Store, values: Values): Promise<PasswordPolicy> {
  const org = orgOption(values);
  const before = await effectivePolicy(store, org);
  const after = parseAll(values, before);
  const problem = policyProblem(after);
  if (problem) throw new UsageError(problem);
  const audit = {
    type: "policy.changed" as const,
    orgId: org,
    context: cliContext(),
    payload: { scope: org ?? "instance", before: policyJson(before), after: policyJson(after) },
  };
  await store.policies.setPolicy(org, after, audit);
  return after;
}

/** The policy that applies to an organisation, or the instance default. */
async function effectivePolicy(store: Store, org: string | undefined): Promise<PasswordPolicy> {
  return (await (org !== undefined ? store.policies.forOrg(org) : store.policies.instancePolicy())).policy;
}

function orgOption(values: Values): string | undefined {
  return idOption(values, "org");
}

/** The policy with the flags applied: the profile first, then single fields. */
function parseAll(values: Values, base: PasswordPolicy): PasswordPolicy {
  let policy = base;
  const profile = values.profile;
  if (profile !== undefined) policy = applyProfile(policy, oneOf("profile", profile as string, PROFILES));
  const c = { ...policy.complexity };
  const flag = (name: string) => values[name] as string | undefined;
  if (flag("min-length") !== undefined) c.minLength = count("min-length", flag("min-length")!);
  if (flag("has-lowercase") !== undefined) c.hasLowercase = bool("has-lowercase", flag("has-lowercase")!);
  if (flag("has-uppercase") !== undefined) c.hasUppercase = bool("has-uppercase", flag("has-uppercase")!);
  if (flag("has-number") !== undefined) c.hasNumber = bool("has-number", flag("has-number")!);
  if (flag("has-symbol") !== undefined) c.hasSymbol = bool("has-symbol", flag("has-symbol")!);
  const attempts = flag("max-password-attempts");
  const history = flag("history-count");
  const blocklist = flag("blocklist");
  const breached = flag("breached-check");
  return {
    ...policy,
    complexity: c,
    lockout: attempts === undefined ? policy.lockout : { maxPasswordAttempts: count("max-password-attempts", attempts) },
    historyCount: history === undefined ? policy.historyCount : count("history-count", history),
    blocklist: blocklist === undefined ? policy.blocklist : bool("blocklist", blocklist),
    breachedCheck: breached === undefined ? policy.breachedCheck : oneOf<BreachedCheck>("breached-check", breached, BREACHED_CHECKS),
  };
}

function count(name: string, raw: string): number {
  if (!/^\d{1,6}$/.test(raw)) throw new UsageError(`--${name} takes a whole number, not "${raw}"`);
  return Number(raw);
}

function bool(name: string, raw: string): boolean {
  if (raw !== "true" && raw !== "false") throw new UsageError(`--${name} takes true or false, not "${raw}"`);
  return raw === "true";
}

function oneOf<T extends string>(name: string, raw: string, allowed: T[]): T {
  if (!allowed.includes(raw as T)) throw new UsageError(`--${name} takes one of ${allowed.join(", ")}, not "${raw}"`);
  return raw as T;
}

/** The policy in the flags' own names, for --json and the audit trail. */
export function policyJson(p: PasswordPolicy) {
  return {
    profile: p.profile as Profile,
    minLength: p.complexity.minLength,
    hasLowercase: p.complexity.hasLowercase,
    hasUppercase: p.complexity.hasUppercase,
    hasNumber: p.complexity.hasNumber,
    hasSymbol: p.complexity.hasSymbol,
    maxPasswordAttempts: p.lockout.maxPasswordAttempts,
    historyCount: p.historyCount,
    blocklist: p.blocklist,
    breachedCheck: p.breachedCheck,
  };
}

function describe(source: string, p: PasswordPolicy): string {
  const unit = p.profile === "nist" ? "code points" : "bytes";
  return [
    `policy of ${source}`,
    `  profile                ${p.profile}`,
    `  min-length             ${p.complexity.minLength} ${unit}`,
    `  has-lowercase          ${p.complexity.hasLowercase}`,
    `  has-uppercase          ${p.complexity.hasUppercase}`,
    `  has-number             ${p.complexity.hasNumber}`,
    `  has-symbol             ${p.complexity.hasSymbol}`,
    `  max-password-attempts  ${p.lockout.maxPasswordAttempts}${p.lockout.maxPasswordAttempts === 0 ? " (never lock)" : ""}`,
    `  history-count          ${p.historyCount}`,
    `  blocklist              ${p.blocklist}`,
    `  breached-check         ${p.breachedCheck}`,
  ].join("\n");
}
