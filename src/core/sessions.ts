import { randomBytes } from "node:crypto";
import { type AuditEntry, auditOf, type RequestContext } from "./audit.js";
import { type ChangePasswordDeps, checkState, checkUnderSlot } from "./change-password.js";
import { errors } from "./errors.js";
import { rehash } from "./new-password.js";
import type { HashWork } from "./password-hasher.js";
import type { PasswordPolicy } from "./policy.js";
import type { StoredHash, UserRecord } from "./user-store.js";
import { tokenFingerprint } from "./token-hash.js";

/** The user agent a login application names for its session, as ZITADEL keeps it. */
export interface SessionUserAgent {
  fingerprintId?: string;
  ip?: string;
  description?: string;
  header: Record<string, string[]>;
}

/** A session as stored: its token only as a hash, times as epoch ms. */
export interface SessionRecord {
  id: string;
  tokenHash: string;
  tokenSetAt: number;
  creatorId: string;
  userId: string | null;
  userCheckedAt: number | null;
  passwordCheckedAt: number | null;
  sequence: number;
  createdAt: number;
  changedAt: number;
  expiresAt: number | null;
  /** Key to value, the value in base64. */
  metadata: Record<string, string>;
  userAgent: SessionUserAgent;
}

/** A session with what its user factor shows of its checked user. */
export interface SessionView {
  session: SessionRecord;
  user?: { loginName: string; displayName: string; orgId: string };
}

/** A successful password check's effects, committed with the session in one transaction. */
export interface SignIn {
  userId: string;
  at: Date;
  audit: AuditEntry;
  /** A new bcrypt hash for a hash of another family or cost, with its audit. */
  upgrade?: { hash: string; nfkc: boolean; audit: AuditEntry };
}

/** ListSessions' filters, each optional; all given must hold. */
export interface SessionFilter {
  ids?: string[];
  userId?: string;
  creatorId?: string;
  /** Null matches none: the caller's own agent, which is not known here. */
  fingerprintId?: string | null;
  created?: { op: "=" | ">" | ">=" | "<" | "<="; atMs: number };
  /** Only sessions these may see: undefined for an instance administrator. */
  visibleTo?: { userId: string; orgIds: string[] };
  offset: number;
  limit: number;
  asc: boolean;
}

/** The store as the session use cases see it. */
export interface SessionStore {
  findSession(id: string): Promise<SessionView | undefined>;
  /**
   * Writes the session: a new one (`expectedSequence` 0) or its next state
   * while it is still at `expectedSequence`. With `signIn`, the user's check
   * commits with it: the count cleared, the slot given back, its event and
   * any new hash. False if the session moved or ended, or the user is no
   * longer active; nothing is written then.
   */
  saveSession(session: SessionRecord, expectedSequence: number, signIn?: SignIn): Promise<boolean>;
  deleteSession(id: string): Promise<boolean>;
  listSessions(filter: SessionFilter): Promise<{ total: number; sessions: SessionView[] }>;
  /** The user a login name names (see docs/zitadel-contract.md), undefined for none or more than one. */
  userByLoginName(loginName: string): Promise<string | undefined>;
}

export interface SessionDeps extends ChangePasswordDeps {
  sessions: SessionStore;
  /** Whether a stored hash should be replaced by bcrypt at the current cost, after a successful check. */
  wantsUpgrade: (hash: string) => boolean;
  /** The family of a stored hash, for the upgrade's audit and metric. */
  familyOf: (hash: string) => string;
  /** Told of each upgrade stored (its old family), for the metric. */
  upgraded: (family: string) => void;
  /** Told of an upgrade that could not be made: the sign-in still succeeds, the old hash stays. */
  upgradeFailed: (err: unknown) => void;
  /** Lets one check of a user in (per-user and per-key fairness), or throws; the function returned lets it out. */
  admit: (userId: string, key: string) => () => void;
  /** The most metadata keys a session keeps, its earlier ones counted (SESSION_METADATA_MAX_KEYS). */
  maxMetadataKeys: number;
}

/** Who calls, as the session use cases judge it. */
export interface SessionCaller {
  userId: string;
  loginClient: boolean;
  /** Whether the caller administers an organisation (the instance's administrators all). */
  administers: (orgId: string) => boolean;
  instanceAdmin: boolean;
}

export interface SessionChecks {
  user?: { userId: string } | { loginName: string };
  password?: string;
}

export interface SessionChange {
  caller: SessionCaller;
  checks: SessionChecks;
  /** Values already decoded; an empty value removes its key, as ZITADEL's. */
  metadata: Record<string, Uint8Array>;
  /** Milliseconds; undefined: as it was. */
  lifetimeMs?: number;
  context: RequestContext;
}

export interface SessionWritten {
  session: SessionRecord;
  /** The new token: given once, kept only as its hash. */
  token: string;
  /** The checked user's organisation, "" with none. */
  resourceOwner: string;
}

/** 256 random bits, base64url: no dots, so it is never taken for a JWT. */
function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** ZITADEL's session IDs are numbers as text; ours are 128 random bits in hex, unguessable. */
function newSessionId(): string {
  return randomBytes(16).toString("hex");
}

/** zitadel.session.v2 CreateSession: a new session, with its checks. */
export async function createSession(deps: SessionDeps, cmd: SessionChange & { userAgent: SessionUserAgent }): Promise<SessionWritten> {
  if (!cmd.caller.loginClient) throw errors.permissionDenied();
  const at = deps.now().getTime();
  const session: SessionRecord = {
    id: newSessionId(),
    tokenHash: "",
    tokenSetAt: at,
    creatorId: cmd.caller.userId,
    userId: null,
    userCheckedAt: null,
    passwordCheckedAt: null,
    sequence: 0,
    createdAt: at,
    changedAt: at,
    expiresAt: null,
    metadata: {},
    userAgent: cmd.userAgent,
  };
  return write(deps, session, cmd);
}

/** zitadel.session.v2 SetSession: more checks, metadata or lifetime; a new token, the old one no longer valid. */
export async function setSession(deps: SessionDeps, cmd: SessionChange & { sessionId: string; sessionToken: string }): Promise<SessionWritten> {
  if (!cmd.caller.loginClient) throw errors.permissionDenied();
  const view = await deps.sessions.findSession(cmd.sessionId);
  if (!view) throw errors.sessionNotFound();
  if (cmd.sessionToken && tokenFingerprint(cmd.sessionToken) !== view.session.tokenHash) throw errors.sessionTokenInvalid();
  if (isExpired(view.session, deps.now().getTime())) throw errors.sessionExpired();
  return write(deps, view.session, cmd);
}

/** Applies the checks, metadata and lifetime, and writes the session with a new token. */
async function write(deps: SessionDeps, before: SessionRecord, cmd: SessionChange): Promise<SessionWritten> {
  const token = newSessionToken();
  const at = deps.now().getTime();
  const next: SessionRecord = {
    ...before,
    tokenHash: tokenFingerprint(token),
    tokenSetAt: at,
    sequence: before.sequence + 1,
    changedAt: at,
    metadata: mergeMetadata(before.metadata, cmd.metadata),
    expiresAt: cmd.lifetimeMs === undefined ? before.expiresAt : at + cmd.lifetimeMs,
  };
  // Counted once merged: SetSession after SetSession may not grow a session past the bound.
  if (Object.keys(next.metadata).length > deps.maxMetadataKeys) throw errors.sessionLimit(`at most ${deps.maxMetadataKeys} metadata keys`);
  const user = await checkUser(deps, next, cmd.checks.user, at);
  if (cmd.checks.password !== undefined) {
    if (!user) throw errors.sessionUserMissing();
    return checkPassword(deps, cmd, user, next, before.sequence, token);
  }
  if (!(await deps.sessions.saveSession(next, before.sequence))) throw errors.concurrentChange();
  return { session: next, token, resourceOwner: user?.orgId ?? "" };
}

/** The user check: once per session; the user it names, or the one checked before. */
async function checkUser(deps: SessionDeps, next: SessionRecord, check: SessionChecks["user"], at: number): Promise<UserRecord | undefined> {
  if (!check) return next.userId === null ? undefined : knownUser(deps, next.userId);
  const userId = "userId" in check ? check.userId : await deps.sessions.userByLoginName(check.loginName);
  if (userId === undefined) throw errors.sessionUserNotFound();
  if (next.userId !== null && next.userId !== userId) throw errors.sessionUserChange();
  const user = await activeUser(deps, userId);
  if (next.userId === null) {
    next.userId = userId;
    next.userCheckedAt = at;
  }
  return user;
}

/**
 * A user a session may check: known, human, and enabled as ZITADEL says
 * (active or initial). A locked user is refused here; once checked, its
 * password check answers that it is locked.
 */
async function activeUser(deps: SessionDeps, userId: string): Promise<UserRecord> {
  const user = await knownUser(deps, userId);
  if (user.state === "locked") throw errors.sessionUserNotActive();
  return user;
}

async function knownUser(deps: SessionDeps, userId: string): Promise<UserRecord> {
  const user = await deps.store.findUser(userId);
  if (!user || user.state === "deleted" || user.kind !== "human") throw errors.sessionUserNotFound();
  return user;
}

/**
 * The password check: the same slot, lockout, tarpit and admission as a
 * change, each failure counted on the user and an event of it; a success
 * clears the count and commits with the session, and replaces a hash of
 * another family or cost with bcrypt at the current cost.
 */
async function checkPassword(
  deps: SessionDeps,
  cmd: SessionChange,
  read: UserRecord,
  next: SessionRecord,
  expectedSequence: number,
  token: string,
): Promise<SessionWritten> {
  checkState(read.state, read.failedAttempts);
  if (!read.passwordHash) throw errors.noPassword();
  deps.hasher.refuseIfBusy();
  const { policy } = await deps.policies.forOrg(read.orgId);
  // Keyed by the session, not the login client's token: one token signs in every user, and
  // admission counts a token's requests across users. One check of a session at a time.
  const leave = deps.admit(read.id, `session:${next.id}`);
  try {
    // A sign-in hashes after its check only to upgrade a hash brought in.
    const work = deps.hasher.admit({ hashAfterCheck: deps.wantsUpgrade(read.passwordHash) });
    try {
      return await checkAndSave(deps, cmd, read, policy, work, next, expectedSequence, token);
    } finally {
      work.done();
    }
  } finally {
    leave();
  }
}

/** The check under the user's slot, and on a match the session with the check's effects, in one transaction. */
async function checkAndSave(
  deps: SessionDeps,
  cmd: SessionChange,
  read: UserRecord,
  policy: PasswordPolicy,
  work: HashWork,
  next: SessionRecord,
  expectedSequence: number,
  token: string,
): Promise<SessionWritten> {
  const check = { password: cmd.checks.password!, context: cmd.context, failureEvent: "user.human.password.check.failed" };
  return checkUnderSlot(deps, check, read, policy, work, async (user, current, gaveBack) => {
    const at = deps.now();
    next.passwordCheckedAt = at.getTime();
    const signIn: SignIn = {
      userId: user.id,
      at,
      audit: auditOf(cmd, user, "password.check.succeeded", { sessionId: next.id }),
      upgrade: await upgrade(deps, cmd, user, current, policy, work),
    };
    if (!(await deps.sessions.saveSession(next, expectedSequence, signIn))) throw await refusalAfterCheck(deps, user.id);
    gaveBack();
    if (signIn.upgrade) deps.upgraded(deps.familyOf(current.hash));
    return { session: next, token, resourceOwner: user.orgId };
  });
}

/** passwap's verify-and-update: a new bcrypt hash of the password that just matched, or none if it cannot be made. */
async function upgrade(
  deps: SessionDeps,
  cmd: SessionChange,
  user: UserRecord,
  current: StoredHash,
  policy: PasswordPolicy,
  work: HashWork,
): Promise<SignIn["upgrade"]> {
  if (!deps.wantsUpgrade(current.hash)) return undefined;
  try {
    const { hash, nfkc } = await rehash(work, cmd.checks.password!, policy.profile);
    return { hash, nfkc, audit: auditOf(cmd, user, "password.hash.upgraded", { from: deps.familyOf(current.hash) }) };
  } catch (err) {
    deps.upgradeFailed(err);
    return undefined;
  }
}

/** Why a checked session could not be written: its user was locked or removed meanwhile, or the session moved or ended. */
async function refusalAfterCheck(deps: SessionDeps, userId: string) {
  const user = await deps.store.findUser(userId);
  if (!user || user.state === "deleted") return errors.sessionUserNotFound();
  if (user.state === "locked") return errors.lockedDuringCheck(user.failedAttempts);
  return errors.concurrentChange();
}

function mergeMetadata(before: Record<string, string>, changes: Record<string, Uint8Array>): Record<string, string> {
  const merged = { ...before };
  for (const [key, value] of Object.entries(changes)) {
    if (value.length === 0) delete merged[key];
    else merged[key] = Buffer.from(value).toString("base64");
  }
  return merged;
}

export function isExpired(session: Pick<SessionRecord, "expiresAt">, nowMs: number): boolean {
  return session.expiresAt !== null && session.expiresAt <= nowMs;
}

/**
 * Who may read or end a session: its creator, its checked user, whoever
 * holds its token, or an administrator of its user's organisation. Anything
 * else is ZITADEL's permission error.
 */
function mayAccess(caller: SessionCaller, view: SessionView, sessionToken: string | undefined): void {
  if (sessionToken) {
    if (tokenFingerprint(sessionToken) !== view.session.tokenHash) throw errors.sessionTokenInvalid();
    return;
  }
  const { session, user } = view;
  if (caller.userId === session.creatorId || caller.userId === session.userId) return;
  if (user && caller.administers(user.orgId)) return;
  if (caller.instanceAdmin) return;
  throw errors.permissionDenied();
}

/** zitadel.session.v2 GetSession. */
export async function getSession(deps: Pick<SessionDeps, "sessions">, caller: SessionCaller, sessionId: string, sessionToken?: string): Promise<SessionView> {
  const view = await deps.sessions.findSession(sessionId);
  if (!view) throw errors.sessionNotFound();
  mayAccess(caller, view, sessionToken);
  return view;
}

/** zitadel.session.v2 DeleteSession: the session ends, its token with it. */
export async function deleteSession(
  deps: Pick<SessionDeps, "sessions" | "audit" | "now" | "auditFailed">,
  caller: SessionCaller,
  sessionId: string,
  context: RequestContext,
  sessionToken?: string,
): Promise<{ at: Date; resourceOwner: string; sequence: number }> {
  const view = await getSession(deps, caller, sessionId, sessionToken);
  await deps.sessions.deleteSession(sessionId);
  const at = deps.now();
  const entry: AuditEntry = { type: "session.deleted", userId: view.session.userId ?? undefined, orgId: view.user?.orgId, context, payload: { sessionId } };
  await deps.audit.record(entry, at).catch(deps.auditFailed);
  return { at, resourceOwner: view.user?.orgId ?? "", sequence: view.session.sequence + 1 };
}

/** zitadel.session.v2 ListSessions: what the caller may see, as GetSession allows it. */
export function listSessions(deps: Pick<SessionDeps, "sessions">, caller: SessionCaller, filter: Omit<SessionFilter, "visibleTo">, adminOf: string[]) {
  const visibleTo = caller.instanceAdmin ? undefined : { userId: caller.userId, orgIds: adminOf };
  return deps.sessions.listSessions({ ...filter, visibleTo });
}
