import type { AuditEntry, AuditLog, RequestContext } from "./audit.js";
import { checkBlocklist } from "./blocklist.js";
import type { BreachedPasswords } from "./breached.js";
import { errors, ServiceError } from "./errors.js";
import { checkComplexity, type PasswordPolicy, type PolicySource, passwordToStore } from "./policy.js";
import type { RevocationMode } from "./revocation.js";
import { type Sleeper, tarpitDelayMs } from "./tarpit.js";

/** What the use case needs to know of a user. */
export interface UserRecord {
  id: string;
  orgId: string;
  username: string;
  orgName: string;
  kind: "human" | "machine";
  state: "initial" | "active" | "locked" | "deleted";
  passwordHash: string | null;
  sequence: number;
  failedAttempts: number;
}

export interface CommittedChange {
  sequence: number;
  changedAt: Date;
  resourceOwner: string;
}

export interface FailedAttempt {
  failedAttempts: number;
  locked: boolean;
  /** False if the user was no longer active (a concurrent failure locked it): nothing counted. */
  counted: boolean;
}

/** What commits with a password change, in its transaction. */
export interface ChangeExtras {
  /** The hash being replaced, for the history. */
  replacedHash: string | null;
  /** How many replaced hashes to keep (0: none, and older ones are dropped). */
  historyLimit: number;
  /** Set: tokens issued before the change are refused, but for `exempt` (a token fingerprint). */
  revokeTokens?: { exempt: string | null };
  audit: AuditEntry;
}

/** The store as the use case sees it. */
export interface UserStore {
  findUser(userId: string): Promise<UserRecord | undefined>;
  /** Counts one failed attempt atomically, with its audit, and locks at `maxAttempts` (0: never). */
  recordFailedAttempt(userId: string, maxAttempts: number, audit: AuditEntry, at: Date): Promise<FailedAttempt>;
  /** Commits only if the user is still at `expectedSequence`; undefined if not. */
  commitPasswordChange(
    userId: string,
    expectedSequence: number,
    passwordHash: string,
    at: Date,
    extras: ChangeExtras,
  ): Promise<CommittedChange | undefined>;
  /** The user's last `count` replaced hashes, newest first. */
  passwordHistory(userId: string, count: number): Promise<string[]>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** Starts hashing now only if a core is idle; undefined when none is. */
  hashIfIdle(password: string): Promise<string> | undefined;
  /** Throws ResourceExhausted if a check started now would wait longer than the budget. */
  admit(): void;
}

export interface ChangePasswordDeps {
  store: UserStore;
  audit: AuditLog;
  hasher: PasswordHasher;
  policies: PolicySource;
  breached: BreachedPasswords;
  revocation: RevocationMode;
  now: () => Date;
  /** The tarpit's wait: a timer in production, a fake in tests. */
  sleep: Sleeper;
}

export interface ChangePasswordCommand {
  userId: string;
  oldPassword: string;
  newPassword: string;
  /** Fingerprint of the caller's token, which stays valid under revocation "others". */
  tokenFingerprint: string;
  context: RequestContext;
}

/**
 * Changes a user's password: ZITADEL's checks in ZITADEL's order, each
 * failing with its contract error, then ours (blocklist, history, breached).
 * Every outcome for a known user leaves an audit event. Knows nothing of
 * protocols or SQL.
 */
export async function changePassword(deps: ChangePasswordDeps, cmd: ChangePasswordCommand): Promise<CommittedChange> {
  const user = await deps.store.findUser(cmd.userId);
  if (!user || user.state === "deleted" || user.kind !== "human") throw errors.passwordNotFound();
  try {
    return await changeFor(deps, cmd, user);
  } catch (err) {
    // A wrong old password is audited with its count, in the count's transaction.
    if (err instanceof ServiceError && err.id !== "COMMAND-3M0fs") {
      const entry = auditOf(cmd, user, "password.change.refused", { errorId: err.id ?? "validation" });
      await deps.audit.record(entry, deps.now());
    }
    throw err;
  }
}

async function changeFor(deps: ChangePasswordDeps, cmd: ChangePasswordCommand, user: UserRecord): Promise<CommittedChange> {
  if (user.state === "initial") throw errors.notInitialised();
  if (user.state === "locked") throw errors.locked(user.failedAttempts);
  if (!user.passwordHash) throw errors.noPassword();
  const policy = await deps.policies.forOrg(user.orgId);
  const newPassword = passwordToStore(cmd.newPassword, policy.profile);
  if (newPassword === passwordToStore(cmd.oldPassword, policy.profile)) throw errors.sameAsOld();

  // The new password's own checks are cheap and need no hash, but their
  // errors come after the old password's: decide now, report in order.
  const refusal = newPassword.includes("\0")
    ? errors.nulCharacter()
    : (checkComplexity(newPassword, policy.complexity, policy.profile) ??
      (policy.blocklist ? checkBlocklist(newPassword, [user.username, user.orgName]) : undefined));
  // With a core idle, hash the new password while the old one is checked:
  // one bcrypt time instead of two. Without, the hash waits for the check,
  // so no hash is spent on a request whose old password is wrong.
  const early = refusal ? undefined : deps.hasher.hashIfIdle(newPassword);
  early?.catch(() => {}); // its result may never be awaited

  if (!(await verify(deps.hasher, cmd.oldPassword, user.passwordHash))) {
    await failedAttempt(deps, cmd, user, policy);
  }
  if (refusal) throw refusal;
  await checkHistory(deps, user, newPassword, policy.historyCount);
  await checkBreached(deps.breached, newPassword, policy);

  const hash = await (early ?? deps.hasher.hash(newPassword));
  const committed = await deps.store.commitPasswordChange(user.id, user.sequence, hash, deps.now(), {
    replacedHash: user.passwordHash,
    // The current hash counts as one of the last N, so N - 1 old ones are kept.
    historyLimit: Math.max(0, policy.historyCount - 1),
    revokeTokens: deps.revocation === "none" ? undefined : { exempt: deps.revocation === "others" ? cmd.tokenFingerprint : null },
    audit: auditOf(cmd, user, "password.changed"),
  });
  if (!committed) throw errors.concurrentChange();
  return committed;
}

/**
 * Verifies a password as given and, failing that, in its NFKC form. Hashes
 * made under the nist profile are of the NFKC form, and the same password
 * typed elsewhere may arrive composed differently; hashes made before (by
 * ZITADEL, or under the zitadel profile) are of the string as it was typed,
 * which the first try matches. ASCII is its own NFKC form: no second try.
 */
async function verify(hasher: ChangePasswordDeps["hasher"], password: string, hash: string): Promise<boolean> {
  if (await hasher.verify(password, hash)) return true;
  const normalised = password.normalize("NFKC");
  return normalised !== password && hasher.verify(normalised, hash);
}

/** Counts the failure, waits out the tarpit, and answers as the contract says. */
async function failedAttempt(deps: ChangePasswordDeps, cmd: ChangePasswordCommand, user: UserRecord, policy: PasswordPolicy): Promise<never> {
  const audit = auditOf(cmd, user, "password.check.failed");
  const result = await deps.store.recordFailedAttempt(user.id, policy.lockout.maxPasswordAttempts, audit, deps.now());
  // Locked by a concurrent failure after this request read the user: nothing more to count.
  if (!result.counted) throw result.locked ? errors.locked(result.failedAttempts) : errors.passwordNotFound();
  await deps.sleep(tarpitDelayMs(result.failedAttempts));
  throw errors.passwordInvalid(result.failedAttempts);
}

/** The new password must match none of the last N: the current hash and N - 1 replaced ones. */
async function checkHistory(deps: ChangePasswordDeps, user: UserRecord, newPassword: string, historyCount: number) {
  if (historyCount === 0) return;
  const hashes = [user.passwordHash!, ...(await deps.store.passwordHistory(user.id, historyCount - 1))];
  const matches = await Promise.all(hashes.map((hash) => verify(deps.hasher, newPassword, hash)));
  if (matches.includes(true)) throw errors.usedBefore();
}

async function checkBreached(breached: BreachedPasswords, password: string, policy: PasswordPolicy) {
  if (policy.breachedCheck === "off") return;
  let found: boolean;
  try {
    found = await breached.isBreached(password);
  } catch {
    if (policy.breachedCheck === "fail-closed") throw errors.breachedCheckUnavailable();
    return; // fail-open: the other rules have passed
  }
  if (found) throw errors.breached();
}

function auditOf(cmd: ChangePasswordCommand, user: UserRecord, type: AuditEntry["type"], payload?: Record<string, unknown>): AuditEntry {
  return { type, userId: user.id, orgId: user.orgId, context: cmd.context, payload };
}
