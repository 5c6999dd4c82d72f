import type { AuditEntry, AuditLog, RequestContext } from "./audit.js";
import type { Language } from "./messages.js";
import type { BreachedPasswords } from "./breached.js";
import type { ChangeNotices, OutboxMail } from "../mail/mail.js";
import { errors, ID, ServiceError } from "./errors.js";
import { breachedRefusal, newPasswordViolations, type PasswordPolicy, type PolicySource, passwordToStore } from "./policy.js";
import { type RevocationMode, revokes, type TokenCutoff, type TokenRef } from "./revocation.js";
import { type CheckLine, keepLease } from "./check-line.js";
import { type Sleeper, tarpitDelayMs } from "./tarpit.js";

/** What the use case needs to know of a user. */
export interface UserRecord {
  id: string;
  orgId: string;
  username: string;
  orgName: string;
  /** Whether the organisation is the instance's default one, which a user never chose and mails do not name. */
  orgIsDefault: boolean;
  kind: "human" | "machine";
  state: "initial" | "active" | "locked" | "deleted";
  passwordHash: string | null;
  /** Whether the hash is of the password's NFKC form; null: unknown (hashes from before this was kept). */
  passwordNfkc: boolean | null;
  sequence: number;
  failedAttempts: number;
  /** Where change notices and reset codes go; null: nowhere. */
  email: string | null;
  /** The language of the user's mails; null: none chosen. */
  preferredLanguage: Language | null;
}

/** A hash the user had, with the form of the password it was made of (see UserRecord). */
export interface StoredHash {
  hash: string;
  nfkc: boolean | null;
}

/**
 * The outcome of asking for a user's one password-check slot. Taken: the
 * user as it stands now (a change may have committed since it was read).
 * Not taken: why, so the caller can wait, refuse, or answer "locked".
 */
export type CheckSlot =
  | {
      taken: true;
      user: Pick<UserRecord, "passwordHash" | "passwordNfkc" | "sequence" | "failedAttempts">;
      /** The user's token cutoff as it stands now: a change may have revoked the caller's token since it was let in. */
      cutoff: TokenCutoff | undefined;
    }
  | {
      taken: false;
      state: UserRecord["state"];
      failedAttempts: number;
      /** Another check of this user is in flight, on this process or another. */
      inFlight: boolean;
      /** Epoch ms before which no check may start (the tarpit). */
      notBeforeMs: number;
    };

export interface CommittedChange {
  sequence: number;
  changedAt: Date;
  resourceOwner: string;
}

export interface FailedAttempt {
  failedAttempts: number;
  locked: boolean;
  /** False if the user was no longer active (an administrator locked or removed it): nothing counted. */
  counted: boolean;
}

/** What commits with a password change, in its transaction. */
export interface ChangeExtras {
  /** The hash being replaced, for the history. */
  replacedHash: StoredHash | null;
  /** Whether the new hash is of the password's NFKC form. */
  nfkc: boolean;
  /** How many replaced hashes to keep (0: none, and older ones are dropped). */
  historyLimit: number;
  /** Set: tokens issued before the change are refused, but for `exempt` (a token fingerprint). */
  revokeTokens?: { exempt: string | null };
  audit: AuditEntry;
  /** ZITADEL's change_required, kept on the user; false when not given. */
  changeRequired?: boolean;
  /** The change notice, queued in the change's transaction. */
  notice?: OutboxMail;
  /** A change by reset code: the code (by its hash) is used up in the change's transaction, with this audit. */
  resetCode?: { codeHash: string; audit: AuditEntry };
}

/** The store as the use case sees it. */
export interface UserStore {
  findUser(userId: string): Promise<UserRecord | undefined>;
  /**
   * Takes the user's password-check slot until `leaseUntilMs` if the user is
   * active, no check is in flight, the tarpit's time has come and, with
   * `maxAttempts` above 0, attempts are left. Atomic across processes.
   */
  beginPasswordCheck(userId: string, maxAttempts: number, nowMs: number, leaseUntilMs: number): Promise<CheckSlot>;
  /** Gives the slot back after a check that passed, when no change commits (which gives it back itself). */
  endPasswordCheck(userId: string): Promise<void>;
  /** Extends the lease of a slot still held (not given back) to `leaseUntilMs`. */
  renewPasswordCheck(userId: string, nowMs: number, leaseUntilMs: number): Promise<void>;
  /**
   * Counts one failed attempt atomically, with its audit, locks at
   * `maxAttempts` (0: never), gives the check slot back, and sets the time
   * before which no next check may start: `at` plus `delayMs(count)`.
   */
  recordFailedAttempt(
    userId: string,
    maxAttempts: number,
    audit: AuditEntry,
    at: Date,
    delayMs: (failedAttempts: number) => number,
    /** Set: the failure is also an event of the user of this type, one more in its sequence. */
    userEvent?: string,
  ): Promise<FailedAttempt>;
  /**
   * Commits only if the user is still at `expectedSequence` (and, for a
   * reset, its code is still on record); undefined if not. Gives the check
   * slot back.
   */
  commitPasswordChange(
    userId: string,
    expectedSequence: number,
    passwordHash: string,
    at: Date,
    extras: ChangeExtras,
  ): Promise<CommittedChange | undefined>;
  /** The user's last `count` replaced hashes, newest first. */
  passwordHistory(userId: string, count: number): Promise<StoredHash[]>;
}

/**
 * bcrypt as the use case sees it. A request's bcrypt work is admitted once,
 * as a whole: once let in it is never refused half-way, so no check it spent
 * goes uncounted.
 */
export interface PasswordHasher {
  /** Throws ResourceExhausted if a request let in now would wait longer than the budget; reserves nothing. */
  refuseIfBusy(): void;
  /** Lets one request's bcrypt work in, or throws ResourceExhausted; call done() on the result when the request ends. */
  admit(): HashWork;
}

/** One admitted request's bcrypt work. */
export interface HashWork {
  /** The first call queues as new work, behind requests already under way; later ones (history) as this request's own, ahead of new arrivals. */
  verify(password: string, hash: string): Promise<boolean>;
  hash(password: string): Promise<string>;
  /** Starts hashing now only if a core is idle; undefined when none is. */
  hashIfIdle(password: string): Promise<string> | undefined;
  done(): void;
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
  /** Longest a request waits for its user's check slot (a check in flight, or the tarpit) before it is refused with 8. */
  checkWaitMs: number;
  /** The check slot's lease, renewed while its check runs: how long a process that died holding it delays its user. */
  checkLeaseMs: number;
  /** This process's line of each user's requests for the check slot. */
  checkLine: CheckLine;
  /** Told of an audit write that failed while refusing a request: the refusal still reaches the caller. */
  auditFailed: (err: unknown) => void;
  /** The mail a change sends its user. */
  notices: ChangeNotices;
}

export interface ChangePasswordCommand {
  userId: string;
  oldPassword: string;
  newPassword: string;
  /**
   * The user's own token, when the user makes the change: it stays valid
   * under revocation "others", and must still be valid when its check's turn
   * comes. Undefined for another caller (an administrator or the login
   * client proving the user's password), whose token a change of this user
   * neither spares nor revokes.
   */
  token?: TokenRef;
  context: RequestContext;
  /** ZITADEL v2 SetPassword's change_required. */
  changeRequired?: boolean;
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
    if (err instanceof ServiceError && err.id !== ID.passwordInvalid) {
      await recordRefusal(deps, auditOf(cmd, user, "password.change.refused", { errorId: err.id ?? "validation" }));
    }
    throw err;
  }
}

async function changeFor(deps: ChangePasswordDeps, cmd: ChangePasswordCommand, read: UserRecord): Promise<CommittedChange> {
  checkState(read.state, read.failedAttempts);
  if (!read.passwordHash) throw errors.noPassword();
  const { policy } = await deps.policies.forOrg(read.orgId);
  const newPassword = passwordToStore(cmd.newPassword, policy.profile);
  if (newPassword === passwordToStore(cmd.oldPassword, policy.profile)) throw errors.sameAsOld();

  // The new password's own checks are cheap and need no hash, but their
  // errors come after the old password's: decide now, report in order.
  const refusal = newPasswordViolations(newPassword, policy, contextWords(read))[0];

  const work = deps.hasher.admit();
  try {
    return await checkAndCommit(deps, cmd, read, policy, newPassword, refusal, work);
  } finally {
    work.done();
  }
}

async function checkAndCommit(
  deps: ChangePasswordDeps,
  cmd: ChangePasswordCommand,
  read: UserRecord,
  policy: PasswordPolicy,
  newPassword: string,
  refusal: ServiceError | undefined,
  work: HashWork,
): Promise<CommittedChange> {
  let early: Promise<string> | undefined;
  const check = { password: cmd.oldPassword, token: cmd.token, context: cmd.context };
  // With a core idle, hash the new password while the old one is checked:
  // one bcrypt time instead of two. Without, the hash waits for the check,
  // so no hash is spent on a request whose old password is wrong.
  const meanwhile = () => {
    early = refusal ? undefined : work.hashIfIdle(newPassword);
    early?.catch(() => {}); // its result may never be awaited
  };
  return checkUnderSlot(deps, check, read, policy, work, async (user, current, gaveBack) => {
    if (refusal) throw refusal;
    await checkHistory(deps, work, user, current, newPassword, policy.historyCount);
    const breached = await breachedRefusal(deps.breached, newPassword, policy);
    if (breached) throw breached;

    const hash = await (early ?? work.hash(newPassword));
    const at = deps.now();
    const notice = deps.notices.changed(read, at, cmd.context);
    const committed = await deps.store.commitPasswordChange(user.id, user.sequence, hash, at, {
      replacedHash: current,
      nfkc: policy.profile === "nist",
      historyLimit: historyLimit(policy),
      revokeTokens: deps.revocation === "none" ? undefined : { exempt: deps.revocation === "others" ? (cmd.token?.fingerprint ?? null) : null },
      audit: auditOf(cmd, user, "password.changed"),
      changeRequired: cmd.changeRequired,
      notice,
    });
    if (!committed) throw errors.concurrentChange();
    gaveBack(); // the commit gave the slot back
    if (notice) deps.notices.queued();
    return committed;
  }, meanwhile);
}

/** What a password check under the user's slot needs of its request. */
export interface SlotCheck {
  password: string;
  /**
   * The caller's token, when it is the user's own (a change): refused
   * uncounted if a change revoked it while it waited. A sign-in has none:
   * its check is judged against whatever password it meets.
   */
  token?: TokenRef;
  context: RequestContext;
  /** Set: each failure is also an event of the user, as ZITADEL's sign-in check is. */
  failureEvent?: string;
}

/** What the slot's holder needs from the change's deps. */
export type SlotDeps = Pick<ChangePasswordDeps, "store" | "now" | "sleep" | "checkWaitMs" | "checkLeaseMs" | "checkLine">;

/**
 * Checks a user's password under the user's one check slot, as a change and
 * a sign-in both do: waits for the slot (line, tarpit, lockout), keeps its
 * lease while the check runs, verifies, and on a wrong password counts the
 * failure (lockout, tarpit, audit) and throws ZITADEL's error. On a match,
 * `passed` runs with the user as it stands now and its current hash, still
 * holding the slot; it calls `gaveBack()` once a commit has given the slot
 * back, else the slot is given back when it ends. `meanwhile` runs once the
 * slot is taken, before the verify.
 */
export async function checkUnderSlot<T>(
  deps: SlotDeps,
  check: SlotCheck,
  read: UserRecord,
  policy: PasswordPolicy,
  work: HashWork,
  passed: (user: UserRecord, current: StoredHash, gaveBack: () => void) => Promise<T>,
  meanwhile?: () => void,
): Promise<T> {
  const user = await takeCheckSlot(deps, check.token, read, policy.lockout.maxPasswordAttempts);
  let slotHeld = true;
  const stopRenewing = keepLease((now, until) => deps.store.renewPasswordCheck(user.id, now, until), deps.checkLeaseMs, deps.now);
  try {
    if (!user.passwordHash) throw errors.noPassword();
    meanwhile?.();
    const current = { hash: user.passwordHash, nfkc: user.passwordNfkc };
    if (!(await verify(work, check.password, current))) {
      slotHeld = false; // recordFailedAttempt gives it back
      stopRenewing();
      await failedAttempt(deps, check, user, policy);
    }
    return await passed(user, current, () => (slotHeld = false));
  } finally {
    stopRenewing();
    if (slotHeld) await deps.store.endPasswordCheck(user.id);
  }
}

/** The current hash counts as one of the last N, so N - 1 old ones are kept. */
export function historyLimit(policy: PasswordPolicy): number {
  return Math.max(0, policy.historyCount - 1);
}

export function checkState(state: UserRecord["state"], failedAttempts: number): void {
  if (state === "deleted") throw errors.passwordNotFound();
  if (state === "initial") throw errors.notInitialised();
  if (state === "locked") throw errors.locked(failedAttempts);
}

/** How often a request waiting for a check in flight, or for its turn in line, asks whether it is over. */
const SLOT_POLL_MS = 25;

/**
 * Waits for the user's one password-check slot: at most one check of a user
 * runs at a time, on any process, and not before the tarpit's time. That is
 * what makes lockout exact and the tarpit hold against parallel guesses.
 * Within a process, a user's requests take turns in the order they came
 * (CheckLine). A request that would wait past `checkWaitMs` is refused with 8
 * before any hash; one that comes while the last allowed attempt is in
 * flight answers as a locked user does. A request whose token a change
 * revoked while it waited is refused as its token now is, uncounted: it
 * would otherwise be checked against the new password.
 */
async function takeCheckSlot(deps: SlotDeps, token: TokenRef | undefined, user: UserRecord, maxAttempts: number): Promise<UserRecord> {
  const deadline = deps.now().getTime() + deps.checkWaitMs;
  const turn = deps.checkLine.join(user.id);
  try {
    for (;;) {
      const now = deps.now().getTime();
      const slot = turn.first() ? await deps.store.beginPasswordCheck(user.id, maxAttempts, now, now + deps.checkLeaseMs) : undefined;
      if (slot?.taken) {
        if (!token || !revokes(slot.cutoff, token)) return { ...user, ...slot.user };
        await deps.store.endPasswordCheck(user.id);
        throw errors.tokenInvalid();
      }
      if (slot) refuseIfLocked(slot, maxAttempts);
      const busyUntil = slot && !slot.inFlight ? slot.notBeforeMs : now;
      const readyAt = slot && !slot.inFlight ? slot.notBeforeMs : now + SLOT_POLL_MS;
      if (readyAt > deadline) throw errors.checkTooSoon(Math.max(1, Math.ceil((busyUntil - now) / 1000)));
      await deps.sleep(readyAt - now);
    }
  } finally {
    turn.leave();
  }
}

function refuseIfLocked(slot: Extract<CheckSlot, { taken: false }>, maxAttempts: number): void {
  checkState(slot.state, slot.failedAttempts);
  if (maxAttempts > 0 && slot.failedAttempts + (slot.inFlight ? 1 : 0) >= maxAttempts) {
    throw errors.locked(Math.max(maxAttempts, slot.failedAttempts));
  }
}

/**
 * Verifies a password against a hash with the form it was made of: the NFKC
 * form for hashes made under the nist profile, the password as typed for the
 * rest (ZITADEL's, the zitadel profile's). For a hash whose form was not
 * recorded, as typed and then, if it differs, in NFKC form. ASCII is its own
 * NFKC form: never a second try.
 */
export async function verify(work: HashWork, password: string, stored: StoredHash): Promise<boolean> {
  const normalised = password.normalize("NFKC");
  if (stored.nfkc !== null) return work.verify(stored.nfkc ? normalised : password, stored.hash);
  if (await work.verify(password, stored.hash)) return true;
  return normalised !== password && work.verify(normalised, stored.hash);
}

/** Counts the failure, waits out the tarpit, and answers as the contract says. */
async function failedAttempt(deps: SlotDeps, check: SlotCheck, user: UserRecord, policy: PasswordPolicy): Promise<never> {
  const audit = auditOf(check, user, "password.check.failed");
  const max = policy.lockout.maxPasswordAttempts;
  const result = await deps.store.recordFailedAttempt(user.id, max, audit, deps.now(), tarpitDelayMs, check.failureEvent);
  // An administrator locked or removed the user while its password was checked: nothing counted.
  if (!result.counted) throw result.locked ? errors.locked(result.failedAttempts) : errors.passwordNotFound();
  // The next check may not start before this delay is over (the store holds
  // that time for every process); a client that asks one request at a time
  // sees ZITADEL's timings.
  await deps.sleep(tarpitDelayMs(result.failedAttempts));
  throw errors.passwordInvalid(result.failedAttempts);
}

/** The new password must match none of the last N: the current hash (if any) and N - 1 replaced ones. */
export async function checkHistory(
  deps: { store: Pick<UserStore, "passwordHistory"> },
  work: HashWork,
  user: Pick<UserRecord, "id">,
  current: StoredHash | null,
  newPassword: string,
  historyCount: number,
) {
  if (historyCount === 0) return;
  const hashes = [...(current ? [current] : []), ...(await deps.store.passwordHistory(user.id, historyCount - 1))];
  const matches = await Promise.all(hashes.map((stored) => verify(work, newPassword, stored)));
  if (matches.includes(true)) throw errors.usedBefore();
}

/** The words the blocklist refuses inside a user's password. */
export function contextWords(user: Pick<UserRecord, "username" | "orgName">): string[] {
  return [user.username, user.orgName];
}

/** An audit event of the user, from where the command came. */
export function auditOf(
  cmd: { context: RequestContext },
  user: Pick<UserRecord, "id" | "orgId">,
  type: AuditEntry["type"],
  payload?: Record<string, unknown>,
): AuditEntry {
  return { type, userId: user.id, orgId: user.orgId, context: cmd.context, payload };
}

/** Audits a refusal that has no effect to commit with; the caller still gets the refusal when the audit cannot be written. */
export async function recordRefusal(deps: Pick<ChangePasswordDeps, "audit" | "now" | "auditFailed">, entry: AuditEntry): Promise<void> {
  await deps.audit.record(entry, deps.now()).catch(deps.auditFailed);
}
