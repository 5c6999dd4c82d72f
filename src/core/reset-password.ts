import { createHash, randomInt, timingSafeEqual } from "node:crypto";
import { type AuditEntry, type AuditLog, auditOf, recordRefusal, type RequestContext } from "./audit.js";
import type { BreachedPasswords } from "./breached.js";
import { checkState } from "./change-password.js";
import { errors, ServiceError } from "./errors.js";
import type { OutboxMail, ResetMail } from "./mail.js";
import { commitNewPassword, newPasswordFor, type Proof, setBy } from "./new-password.js";
import type { PasswordHasher } from "./password-hasher.js";
import type { PolicySource } from "./policy.js";
import type { RevocationMode } from "./revocation.js";
import { fillUrlTemplate } from "./url-template.js";
import type { CommittedChange, UserRecord, UserStore } from "./user-store.js";

/** Wrong codes that void a reset: ZITADEL's login asks for a new one after them. */
export const MAX_CODE_ATTEMPTS = 5;

/** Upper-case letters and digits, as ZITADEL's codes are. */
const CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A reset code on record, by its hash. */
export interface ResetCode {
  userId: string;
  codeHash: string;
  createdAt: Date;
  expiresAt: Date;
}

/** One try of a user's code, taken (counted) before the code is compared. */
export interface CodeAttempt {
  codeHash: string;
  expiresAtMs: number;
  /** Tries counted so far, this one included. */
  attempts: number;
}

/** The reset codes, as the reset use cases see them. */
export interface ResetCodeStore {
  /** Replaces the user's reset code, with its audit and its mail, in one transaction. */
  saveResetCode(code: ResetCode, audit: AuditEntry, mail: OutboxMail | undefined): Promise<void>;
  /**
   * Counts one try of the user's code, atomically, while fewer than `max`
   * were counted: undefined when no code is on record or its tries are used
   * up. Parallel guesses each take a try before any learns its answer.
   */
  takeCodeAttempt(userId: string, max: number): Promise<CodeAttempt | undefined>;
  /** Uncounts the try of a code that was right: only wrong codes use tries up. */
  giveCodeAttemptBack(userId: string, codeHash: string): Promise<void>;
  /** Removes the code, if it is still this one. */
  voidCode(userId: string, codeHash: string): Promise<void>;
  resetCodeExists(userId: string, codeHash: string): Promise<boolean>;
}

export interface ResetDeps {
  store: Pick<UserStore, "findUser" | "commitPasswordChange" | "passwordHistory">;
  resetCodes: ResetCodeStore;
  audit: AuditLog;
  hasher: PasswordHasher;
  policies: PolicySource;
  breached: BreachedPasswords;
  /** The reset mails, and the notice of a change. */
  mail: ResetMail;
  /** TOKEN_REVOCATION, for a change proven by the old password (a set revokes every token). */
  revocation: RevocationMode;
  now: () => Date;
  codes: { ttlMs: number; length: number; urlTemplate?: string };
  /** Throws when the user had as many resets as they may for now: each may mail them. */
  limitResets: (userId: string) => void;
  auditFailed: (err: unknown) => void;
}

/** Who is asking, and what its roles let it do (see roles.ts). */
export interface Authority {
  userId: string;
  /** True for the instance's administrators and those of `orgId`. */
  administers(orgId: string): boolean;
  /** The login client: asks for resets, sets with codes and proves current passwords for every user. */
  loginClient: boolean;
  /** Holds a role for the whole instance: may learn that a user does not exist. */
  instanceWide: boolean;
}

export type ResetMedium = { kind: "email"; urlTemplate?: string } | { kind: "return-code" } | { kind: "sms" };

export interface RequestResetCommand {
  userId: string;
  medium: ResetMedium;
  caller: Authority;
  context: RequestContext;
}

export interface RequestedReset {
  sequence: number;
  at: Date;
  resourceOwner: string;
  /** Only for return-code. */
  code?: string;
}

/**
 * ZITADEL's PasswordReset: a new one-time code for the user (replacing any
 * older one), mailed through the outbox in the same transaction, or
 * returned to the caller. For the login client and the administrators of
 * the user's organisation; the user themself may have it mailed, never
 * returned: with it, a stolen token would set a password without the old
 * one. A locked user may ask (the lock stays until an administrator lifts
 * it), as in ZITADEL.
 */
export async function requestPasswordReset(deps: ResetDeps, cmd: RequestResetCommand): Promise<RequestedReset> {
  if (cmd.medium.kind === "sms") throw errors.smsUnimplemented();
  const mailed = cmd.medium.kind === "email";
  const user = await permittedUser(deps, cmd.caller, cmd.userId, errors.resetUserNotFound, (u, self) => mayReset(cmd.caller, u, self && mailed));
  if (user.state === "initial") throw errors.resetNotInitialised();
  const at = deps.now();
  const code = newCode(deps.codes.length);
  let mail: OutboxMail | undefined;
  if (cmd.medium.kind === "email") {
    if (!deps.mail.sends) throw errors.mailNotConfigured();
    if (!user.email) throw errors.noEmail();
    mail = deps.mail.reset({ ...user, email: user.email }, code, resetLink(cmd.medium.urlTemplate ?? deps.codes.urlTemplate, user, code), cmd.context.language);
  }
  // Counted once the request is known to be good: a refused one sends nothing.
  deps.limitResets(user.id);
  const medium = cmd.medium.kind === "email" ? "email" : "return_code";
  const audit = auditOf(cmd, user, "password.reset.requested", { medium, by: cmd.caller.userId });
  const expiresAt = new Date(at.getTime() + deps.codes.ttlMs);
  await deps.resetCodes.saveResetCode({ userId: user.id, codeHash: codeHash(user.id, code), createdAt: at, expiresAt }, audit, mail);
  if (mail) deps.mail.queued();
  return { sequence: user.sequence, at, resourceOwner: user.orgId, code: mail ? undefined : code };
}

export interface SetWithCodeCommand {
  userId: string;
  code: string;
  newPassword: string;
  changeRequired: boolean;
  caller: Authority;
  context: RequestContext;
}

/**
 * ZITADEL's SetPassword with a verification code: the code is checked, then
 * every rule of a change but the old password (policy, history, breached),
 * and the change commits with the code used up. Every token the user had is
 * revoked, since nobody proved the old password.
 */
export async function setPasswordWithCode(deps: ResetDeps, cmd: SetWithCodeCommand): Promise<CommittedChange> {
  const user = await permittedUser(deps, cmd.caller, cmd.userId, errors.codeNotFound, (u, self) => self || maySetWithCode(cmd.caller, u));
  checkState(user.state, user.failedAttempts);
  const hash = await checkCode(deps, cmd, user);
  return setUnproven(deps, cmd, user, hash);
}

/** What a set without the old password needs: a code's or an administrator's. */
export type UnprovenSet = Omit<SetWithCodeCommand, "code">;

/** The proof of a set without the old password: the code's hash for a reset, none for an administrator's set. */
type SetProof = Exclude<Proof, { kind: "old-password" }>;

/**
 * Sets the password without the old one, used up with the code when there
 * is one (a reset), else an administrator's set. Refusals are audited.
 */
export async function setUnproven(deps: ResetDeps, cmd: UnprovenSet, user: UserRecord, codeHashed?: string): Promise<CommittedChange> {
  const caller = cmd.caller.userId;
  const proof: SetProof = codeHashed === undefined ? { kind: "administrator", caller } : { kind: "reset-code", codeHash: codeHashed, caller };
  try {
    return await changeUnproven(deps, cmd, user, proof);
  } catch (err) {
    if (err instanceof ServiceError) {
      await recordRefusal(deps, auditOf(cmd, user, "password.change.refused", { errorId: err.id ?? "validation", ...setBy(proof) }));
    }
    throw err;
  }
}

async function changeUnproven(deps: ResetDeps, cmd: UnprovenSet, user: UserRecord, proof: SetProof): Promise<CommittedChange> {
  const { policy } = await deps.policies.forOrg(user.orgId);
  const { password, refusal } = newPasswordFor(cmd.newPassword, user, policy);
  if (refusal) throw refusal;
  const work = deps.hasher.admit();
  try {
    const current = user.passwordHash ? { hash: user.passwordHash, nfkc: user.passwordNfkc } : null;
    const { context, changeRequired } = cmd;
    const committed = await commitNewPassword({ ...deps, notices: deps.mail }, work, { user, policy, password, current, proof, context, changeRequired });
    if (!committed) throw await lostRace(deps, user, proof);
    return committed;
  } finally {
    work.done();
  }
}

/** Another request used the code first, or changed the password meanwhile. */
async function lostRace(deps: ResetDeps, user: UserRecord, proof: SetProof): Promise<ServiceError> {
  if (proof.kind === "administrator" || (await deps.resetCodes.resetCodeExists(user.id, proof.codeHash))) return errors.concurrentChange();
  return errors.codeNotFound();
}

/**
 * Takes one try of the user's code before comparing it, so that parallel
 * guesses cannot outrun the count; a right code gives its try back. Five
 * wrong ones void the reset. Returns the code's hash.
 */
async function checkCode(deps: ResetDeps, cmd: SetWithCodeCommand, user: UserRecord): Promise<string> {
  const attempt = await deps.resetCodes.takeCodeAttempt(user.id, MAX_CODE_ATTEMPTS);
  if (!attempt) throw errors.codeNotFound();
  if (attempt.expiresAtMs <= deps.now().getTime()) throw errors.codeExpired();
  // Codes are upper case; one typed in lower case is the same code.
  const given = codeHash(user.id, cmd.code.toUpperCase());
  if (sameHash(given, attempt.codeHash)) {
    await deps.resetCodes.giveCodeAttemptBack(user.id, attempt.codeHash);
    return attempt.codeHash;
  }
  const voided = attempt.attempts >= MAX_CODE_ATTEMPTS;
  if (voided) await deps.resetCodes.voidCode(user.id, attempt.codeHash);
  await recordRefusal(deps, auditOf(cmd, user, "password.reset.code.refused", { attempts: attempt.attempts, voided }));
  throw errors.codeInvalid();
}

/**
 * The user a call names, if `allowed` lets the caller touch it. An unknown
 * or removed user is `notFound` only to those who may touch every user, or
 * to itself: to anyone else it is refused as any user they may not touch,
 * so that they cannot learn which IDs exist.
 */
export async function permittedUser(
  deps: Pick<ResetDeps, "store">,
  caller: Authority,
  userId: string,
  notFound: () => ServiceError,
  allowed: (user: UserRecord, self: boolean) => boolean,
): Promise<UserRecord> {
  const self = caller.userId === userId;
  const user = await deps.store.findUser(userId);
  if (!user || user.state === "deleted") throw caller.instanceWide || self ? notFound() : errors.userPermissionDenied();
  if (!allowed(user, self)) throw errors.userPermissionDenied();
  if (user.kind !== "human") throw errors.passwordNotFound();
  return user;
}

/** `ownMail`: the user asks for their own reset, by mail. */
function mayReset(caller: Authority, user: UserRecord, ownMail: boolean): boolean {
  return caller.loginClient || caller.administers(user.orgId) || ownMail;
}

/** The code is the proof; the caller must still be the user or one who may ask for the code. */
function maySetWithCode(caller: Authority, user: UserRecord): boolean {
  return caller.loginClient || caller.administers(user.orgId);
}

function resetLink(template: string | undefined, user: UserRecord, code: string): string | undefined {
  if (template === undefined) return undefined;
  try {
    return fillUrlTemplate(template, { userId: user.id, code, orgId: user.orgId });
  } catch (err) {
    throw errors.invalidUrlTemplate((err as Error).message);
  }
}

function newCode(length: number): string {
  let code = "";
  for (let i = 0; i < length; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/**
 * Only a hash of a code is stored. A fast hash is enough: a code lives an
 * hour at most and allows five tries; whoever reads the database holds
 * every password hash already.
 */
function codeHash(userId: string, code: string): string {
  return createHash("sha256").update(`${userId}\0${code}`).digest("hex");
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
