import { auditOf, type RequestContext } from "./audit.js";
import type { BreachedPasswords } from "./breached.js";
import { errors, type ServiceError } from "./errors.js";
import type { ChangeNotices, OutboxMail } from "./mail.js";
import { type HashWork, verify } from "./password-hasher.js";
import { breachedRefusal, newPasswordViolations, type PasswordPolicy, passwordToStore, type Profile } from "./policy.js";
import type { RevocationMode, TokenRef } from "./revocation.js";
import type { ChangeExtras, CommittedChange, StoredHash, UserRecord, UserStore } from "./user-store.js";

/**
 * The one way a user gets a new password. A change, a set with a reset code
 * and an administrator's set all go through `commitNewPassword`: the policy's
 * rules, the history, the breached check, the hash, and the commit with its
 * event, audit, notice, the voiding of the user's open reset code and the
 * revocation of its tokens. Two paths make a hash and no change: a sign-in's
 * upgrade (`rehash`, the same password again) and an import's plain password
 * (`hashImported`).
 */

/**
 * What entitles a caller to give the user a new password. It decides what
 * the new password is compared with, which tokens go, how the change is
 * audited and what its notice says.
 */
export type Proof =
  /** The old password, checked under the user's slot. `token`: the user's own, spared under revocation "others". */
  | { kind: "old-password"; token?: TokenRef }
  /** A reset code (by its hash), used up in the change's transaction; `caller` brought it. */
  | { kind: "reset-code"; codeHash: string; caller: string }
  /** An administrator's say, without the old password. */
  | { kind: "administrator"; caller: string };

export interface NewPasswordDeps {
  store: Pick<UserStore, "commitPasswordChange" | "passwordHistory">;
  breached: BreachedPasswords;
  /** The mail a change sends its user. */
  notices: ChangeNotices;
  /** Which tokens a change proven by the old password revokes (TOKEN_REVOCATION). */
  revocation: RevocationMode;
  now: () => Date;
}

/** A new password on its way to the commit. */
export interface NewPassword {
  /** The user at the sequence the commit expects. */
  user: UserRecord;
  policy: PasswordPolicy;
  /** The password in the form the policy stores it (see `newPasswordFor`). */
  password: string;
  /** The hash it replaces, kept in the history. */
  current: StoredHash | null;
  proof: Proof;
  context: RequestContext;
  /** ZITADEL v2 SetPassword's change_required. */
  changeRequired?: boolean;
  /** A hash of `password` begun already: a change hashes while the old password is checked. */
  early?: Promise<string>;
}

/** A hash as stored, with whether it is of the password's NFKC form. */
export interface NewHash {
  hash: string;
  nfkc: boolean;
}

/**
 * The new password as the policy stores it, and the first of the policy's
 * own rules it breaks: those need no hash, so a caller decides them before
 * any bcrypt work (and reports them in ZITADEL's order).
 */
export function newPasswordFor(typed: string, user: UserRecord, policy: PasswordPolicy): { password: string; refusal: ServiceError | undefined } {
  const password = passwordToStore(typed, policy.profile);
  return { password, refusal: newPasswordViolations(password, policy, contextWords(user))[0] };
}

/**
 * The rules that need a hash or the network (history, breached), then the
 * hash and the commit. Undefined when the commit missed: the user moved on
 * from the sequence read, or the reset code was used meanwhile.
 */
export async function commitNewPassword(deps: NewPasswordDeps, work: HashWork, change: NewPassword): Promise<CommittedChange | undefined> {
  await checkHistory(deps, work, change);
  const breached = await breachedRefusal(deps.breached, change.password, change.policy);
  if (breached) throw breached;
  const hash = await (change.early ?? work.hash(change.password));
  const at = deps.now();
  const notice = deps.notices.changed(change.user, at, change.context, change.proof.kind === "reset-code");
  const committed = await deps.store.commitPasswordChange(change.user.id, change.user.sequence, hash, at, extras(deps, change, notice));
  if (committed && notice) deps.notices.queued();
  return committed;
}

/**
 * A new hash of the password a sign-in has just proved, for a stored hash of
 * another family or cost. It is the same password, so none of a new
 * password's rules apply (policy, history, breached), and it is no change:
 * it commits with the sign-in, with no revocation and no notice.
 */
export function rehash(work: HashWork, typed: string, profile: Profile): Promise<NewHash> {
  return hashToStore((password) => work.hash(password), typed, profile);
}

/**
 * The hash of an imported plain password. An import applies no policy (its
 * users had these passwords already) and stores the password as typed, the
 * zitadel profile's form, whatever the policy: a password's form is fixed
 * when its hash is made, and verify() follows it.
 */
export function hashImported(hash: (password: string) => Promise<string>, typed: string): Promise<NewHash> {
  return hashToStore(hash, typed, "zitadel");
}

async function hashToStore(hash: (password: string) => Promise<string>, typed: string, profile: Profile): Promise<NewHash> {
  return { hash: await hash(passwordToStore(typed, profile)), nfkc: storesNfkc(profile) };
}

/** Whether the profile stores (and hashes) the NFKC form of a password. */
function storesNfkc(profile: Profile): boolean {
  return profile === "nist";
}

/** The words the blocklist refuses inside a user's password. */
export function contextWords(user: Pick<UserRecord, "username" | "orgName">): string[] {
  return [user.username, user.orgName];
}

/**
 * The new password may match none of the user's last N hashes. A change
 * compared it with the old password as typed already (same as old), so the
 * current hash counts as the newest of the N. A set without the old password
 * compares it with the current hash first, as ZITADEL's SetPassword does,
 * and refuses it as the same password; the history then needs N - 1 more.
 */
async function checkHistory(deps: Pick<NewPasswordDeps, "store">, work: HashWork, change: NewPassword): Promise<void> {
  const { current, password, policy } = change;
  const provenOld = change.proof.kind === "old-password";
  if (!provenOld && current && (await verify(work, password, current))) throw errors.sameAsOld();
  if (policy.historyCount === 0) return;
  const newest = provenOld && current ? [current] : [];
  const hashes = [...newest, ...(await deps.store.passwordHistory(change.user.id, policy.historyCount - 1))];
  const matches = await Promise.all(hashes.map((stored) => verify(work, password, stored)));
  if (matches.includes(true)) throw errors.usedBefore();
}

/** What commits with the new password, in its transaction. */
function extras(deps: Pick<NewPasswordDeps, "revocation">, change: NewPassword, notice: OutboxMail | undefined): ChangeExtras {
  const { proof, user, policy } = change;
  return {
    replacedHash: change.current,
    nfkc: storesNfkc(policy.profile),
    // The current hash counts as one of the last N, so N - 1 old ones are kept.
    historyLimit: Math.max(0, policy.historyCount - 1),
    revokeTokens: revokedTokens(deps.revocation, proof),
    audit: auditOf(change, user, "password.changed", proof.kind === "old-password" ? undefined : { ...setBy(proof), caller: proof.caller }),
    changeRequired: change.changeRequired,
    notice,
    resetCode:
      proof.kind === "reset-code" ? { codeHash: proof.codeHash, audit: auditOf(change, user, "password.reset.used", { by: proof.caller }) } : undefined,
  };
}

/** Nobody proved the old password of a set: every token the user had goes, whatever TOKEN_REVOCATION says. */
function revokedTokens(revocation: RevocationMode, proof: Proof): ChangeExtras["revokeTokens"] {
  if (proof.kind !== "old-password") return { exempt: null };
  if (revocation === "none") return undefined;
  return { exempt: revocation === "others" ? (proof.token?.fingerprint ?? null) : null };
}

/** What the audit trail says of a set without the old password, refused or committed. */
export function setBy(proof: Exclude<Proof, { kind: "old-password" }>): { by: "reset" | "admin" } {
  return { by: proof.kind === "reset-code" ? "reset" : "admin" };
}
