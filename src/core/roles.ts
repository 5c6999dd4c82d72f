/** Role → IDs of the organisations it is granted for, as ZITADEL's project roles claim lists them. */
export type RoleGrants = ReadonlyMap<string, ReadonlySet<string>>;

/** The role that lets a caller read an organisation's settings and reset or set its users' passwords. */
export const ADMIN_ROLE = "password-service:admin";
/** The same for every organisation: granted for any organisation, it holds for all (as ZITADEL's IAM_OWNER). */
export const INSTANCE_ADMIN_ROLE = "password-service:instance-admin";
/**
 * A login application's, for every organisation: ZITADEL's login client
 * holds `policy.read`, `user.write` for passwords and `session.write`. It
 * reads settings, asks for resets, sets with a code and proves current
 * passwords, creates and checks sign-in sessions; it never sets a
 * password unproven.
 */
export const LOGIN_CLIENT_ROLE = "password-service:login-client";

type Holder = { roles: RoleGrants };

/** Whether the token grants the administrator's role for the organisation, or for the instance. */
export function administers(caller: Holder, orgId: string): boolean {
  return isInstanceAdmin(caller) || (caller.roles.get(ADMIN_ROLE)?.has(orgId) ?? false);
}

export function isInstanceAdmin(caller: Holder): boolean {
  return holds(caller, INSTANCE_ADMIN_ROLE);
}

export function isLoginClient(caller: Holder): boolean {
  return holds(caller, LOGIN_CLIENT_ROLE);
}

/** Holds a role for the whole instance: may learn whether a user ID exists, as it may touch every user. */
export function isInstanceWide(caller: Holder): boolean {
  return isInstanceAdmin(caller) || isLoginClient(caller);
}

/**
 * ZITADEL's `policy.read`, which its settings v2 reads need: the login
 * client, the instance's administrators, and an organisation's (for some
 * organisation). A plain user's token holds none.
 */
export function readsSettings(caller: Holder): boolean {
  return isInstanceWide(caller) || holds(caller, ADMIN_ROLE);
}

/** Whether the caller may read this organisation's settings (once it reads settings at all). */
export function readsSettingsOf(caller: Holder, orgId: string): boolean {
  return isLoginClient(caller) || administers(caller, orgId);
}

function holds(caller: Holder, role: string): boolean {
  return (caller.roles.get(role)?.size ?? 0) > 0;
}
