import type { RequestContext } from "./audit.js";
import { changePassword, type ChangePasswordDeps, checkState } from "./change-password.js";
import { errors } from "./errors.js";
import type { TokenRef } from "./revocation.js";
import { type Authority, permittedUser, type ResetDeps, setUnproven, type UnprovenSet } from "./reset-password.js";
import type { CommittedChange } from "./user-store.js";

/**
 * ZITADEL's SetPassword without a proof: a caller with `user.write` on the
 * user sets it, here the administrators of the user's organisation and of
 * the instance (not the login client). Every rule of a change but the old
 * password applies, it is audited, and every token the user had is revoked,
 * as after a reset.
 */
export async function setPasswordByAdmin(deps: ResetDeps, cmd: UnprovenSet): Promise<CommittedChange> {
  const user = await permittedUser(deps, cmd.caller, cmd.userId, errors.passwordNotFound, (u) => cmd.caller.administers(u.orgId));
  checkState(user.state, user.failedAttempts);
  return setUnproven(deps, cmd, user);
}

export interface SetWithCurrentCommand {
  userId: string;
  currentPassword: string;
  newPassword: string;
  changeRequired: boolean;
  caller: Authority;
  /** The caller's token. */
  token: TokenRef;
  context: RequestContext;
}

/**
 * SetPassword proven by the current password: a change. ZITADEL asks no
 * permission of who knows the password; here the user, the login client
 * and the administrators of the user's organisation may prove it (counted
 * by lockout and the tarpit as every check), and anyone else is refused,
 * or every token holder could guess every user's password.
 */
export async function setPasswordWithCurrent(deps: ChangePasswordDeps, cmd: SetWithCurrentCommand): Promise<CommittedChange> {
  const { caller } = cmd;
  const mayProve = (u: { orgId: string }, self: boolean) => self || caller.loginClient || caller.administers(u.orgId);
  // ZITADEL answers a user it cannot find as one without a password.
  await permittedUser(deps, caller, cmd.userId, errors.noPassword, mayProve);
  return changePassword(deps, {
    userId: cmd.userId,
    oldPassword: cmd.currentPassword,
    newPassword: cmd.newPassword,
    // Only the user's own token is exempt from the revocation, and judged again by it when the check's turn comes.
    token: cmd.userId === caller.userId ? cmd.token : undefined,
    context: cmd.context,
    changeRequired: cmd.changeRequired,
  });
}
