import { type AuditLog, auditOf, recordRefusal, type RequestContext } from "./audit.js";
import { type CheckLine, keepLease } from "./check-line.js";
import { errors, ID, ServiceError } from "./errors.js";
import { commitNewPassword, type NewPasswordDeps, newPasswordFor } from "./new-password.js";
import { type HashWork, type PasswordHasher, verify } from "./password-hasher.js";
import { type PasswordPolicy, type PolicySource, passwordToStore } from "./policy.js";
import { revokes, type TokenRef } from "./revocation.js";
import { type Sleeper, tarpitDelayMs } from "./tarpit.js";
import type { CheckSlot, CommittedChange, StoredHash, UserRecord, UserStore } from "./user-store.js";

export interface ChangePasswordDeps extends NewPasswordDeps {
  store: UserStore;
  audit: AuditLog;
  hasher: PasswordHasher;
  policies: PolicySource;
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
  // The new password's own checks are cheap and need no hash, but their
  // errors come after the old password's: decide now, report in order.
  const { password: newPassword, refusal } = newPasswordFor(cmd.newPassword, read, policy);
  if (newPassword === passwordToStore(cmd.oldPassword, policy.profile)) throw errors.sameAsOld();

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
  return checkUnderSlot(
    deps,
    check,
    read,
    policy,
    work,
    async (user, current, gaveBack) => {
      if (refusal) throw refusal;
      const proof = { kind: "old-password", token: cmd.token } as const;
      const { context, changeRequired } = cmd;
      const committed = await commitNewPassword(deps, work, { user, policy, password: newPassword, current, proof, context, changeRequired, early });
      if (!committed) throw errors.concurrentChange();
      gaveBack(); // the commit gave the slot back
      return committed;
    },
    meanwhile,
  );
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
