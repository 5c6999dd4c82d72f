import type { BreachedPasswords } from "./breached.js";
import { contextWords } from "./new-password.js";
import type { UserRecord, UserStore } from "./user-store.js";
import { errors, type ServiceError } from "./errors.js";
import { BCRYPT_MAX_BYTES } from "./password-hasher.js";
import { type EffectivePolicy, newPasswordViolations, type PolicySource, passwordToStore, breachedRefusal } from "./policy.js";

/** What the policy reads need: users, organisations and policies, and the breached check. */
export interface PolicyQueryDeps {
  users: Pick<UserStore, "findUser">;
  orgs: { orgExists(orgId: string): Promise<boolean> };
  policies: PolicySource;
  breached: BreachedPasswords;
}

/** The caller's user and the policy of its organisation. */
export async function myPolicy(deps: PolicyQueryDeps, userId: string): Promise<{ user: UserRecord; effective: EffectivePolicy }> {
  const user = await deps.users.findUser(userId);
  if (!user || user.state === "deleted") throw errors.userNotFound();
  return { user, effective: await deps.policies.forOrg(user.orgId) };
}

/**
 * Whose settings a v2 read asks for: the caller's own organisation when it
 * names none, another one only when `mayRead` allows it. An organisation the
 * caller may not read is refused whether or not it exists, so that its
 * existence is not told.
 */
export async function orgSettings(
  deps: PolicyQueryDeps,
  userId: string,
  orgId: string | undefined,
  mayRead: (orgId: string) => boolean,
): Promise<{ orgId: string; effective: EffectivePolicy }> {
  if (orgId === undefined) {
    const { user, effective } = await myPolicy(deps, userId);
    return { orgId: user.orgId, effective };
  }
  const user = await deps.users.findUser(userId);
  if (!user || user.state === "deleted") throw errors.userNotFound();
  if (orgId !== user.orgId && !mayRead(orgId)) throw errors.permissionDenied();
  if (!(await deps.orgs.orgExists(orgId))) throw errors.orgNotFound();
  return { orgId, effective: await deps.policies.forOrg(orgId) };
}

/**
 * Every rule a change would refuse the new password for, short of those that
 * need the old password or a hash (same as current, history): all of them,
 * not the first. Changes nothing and writes no audit event; may ask the
 * breached-password API.
 */
export async function validateNewPassword(deps: PolicyQueryDeps, userId: string, newPassword: string): Promise<ServiceError[]> {
  const user = await deps.users.findUser(userId);
  // As a change would answer: only a human user's password can be set.
  if (!user || user.state === "deleted" || user.kind !== "human") throw errors.passwordNotFound();
  const { policy } = await deps.policies.forOrg(user.orgId);
  const password = passwordToStore(newPassword, policy.profile);
  const found = newPasswordViolations(password, policy, contextWords(user));
  // A change refuses this before any rule, as a request field over 72 bytes; here it is one more rule.
  if (policy.profile === "zitadel" && Buffer.byteLength(password, "utf8") > BCRYPT_MAX_BYTES) found.unshift(errors.tooLong());
  const breached = await breachedRefusal(deps.breached, password, policy);
  return breached ? [...found, breached] : found;
}
