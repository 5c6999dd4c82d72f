import { errors } from "./errors.js";
import { checkComplexity, type PasswordPolicy } from "./policy.js";

/** What the use case needs to know of a user. */
export interface UserRecord {
  id: string;
  orgId: string;
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

/** The store as the use case sees it. */
export interface UserStore {
  findUser(userId: string): Promise<UserRecord | undefined>;
  /** Counts one failed attempt atomically and locks at `maxAttempts` (0: never). */
  recordFailedAttempt(userId: string, maxAttempts: number): Promise<{ failedAttempts: number; locked: boolean }>;
  /** Commits only if the user is still at `expectedSequence`; undefined if not. */
  commitPasswordChange(
    userId: string,
    expectedSequence: number,
    passwordHash: string,
    at: Date,
  ): Promise<CommittedChange | undefined>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** Starts hashing now only if a core is idle; undefined when none is. */
  hashIfIdle(password: string): Promise<string> | undefined;
}

export interface ChangePasswordDeps {
  store: UserStore;
  hasher: PasswordHasher;
  policy: PasswordPolicy;
  now: () => Date;
}

export interface ChangePasswordCommand {
  userId: string;
  oldPassword: string;
  newPassword: string;
}

/**
 * Changes a user's password: ZITADEL's checks in ZITADEL's order, each
 * failing with its contract error. Knows nothing of protocols or SQL.
 */
export async function changePassword(deps: ChangePasswordDeps, cmd: ChangePasswordCommand): Promise<CommittedChange> {
  const user = await deps.store.findUser(cmd.userId);
  if (!user || user.state === "deleted" || user.kind !== "human") throw errors.passwordNotFound();
  if (user.state === "initial") throw errors.notInitialised();
  if (user.state === "locked") throw errors.locked(user.failedAttempts);
  if (!user.passwordHash) throw errors.noPassword();
  if (cmd.newPassword === cmd.oldPassword) throw errors.sameAsOld();

  // The new password's own checks are cheap and need no hash, but their
  // errors come after the old password's: decide now, report in order.
  const refusal = cmd.newPassword.includes("\0")
    ? errors.nulCharacter()
    : checkComplexity(cmd.newPassword, deps.policy.complexity);
  // With a core idle, hash the new password while the old one is checked:
  // one bcrypt time instead of two. Without, the hash waits for the check,
  // so no hash is spent on a request whose old password is wrong.
  const early = refusal ? undefined : deps.hasher.hashIfIdle(cmd.newPassword);
  early?.catch(() => {}); // its result may never be awaited

  if (!(await deps.hasher.verify(cmd.oldPassword, user.passwordHash))) {
    const { failedAttempts } = await deps.store.recordFailedAttempt(user.id, deps.policy.lockout.maxPasswordAttempts);
    throw errors.passwordInvalid(failedAttempts);
  }
  if (refusal) throw refusal;

  const hash = await (early ?? deps.hasher.hash(cmd.newPassword));
  const committed = await deps.store.commitPasswordChange(user.id, user.sequence, hash, deps.now());
  if (!committed) throw errors.concurrentChange();
  return committed;
}
