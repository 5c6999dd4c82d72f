/** Role → IDs of the organisations it is granted for, as ZITADEL's project roles claim lists them. */
export type RoleGrants = ReadonlyMap<string, ReadonlySet<string>>;

/** The role that lets a caller read an organisation's settings and reset its users' passwords. */
export const ADMIN_ROLE = "password-service:admin";
/** The same for every organisation: granted for any organisation, it holds for all (as ZITADEL's IAM_OWNER). */
export const INSTANCE_ADMIN_ROLE = "password-service:instance-admin";

/** Whether the token grants the administrator's role for the organisation, or for the instance. */
export function administers(caller: { roles: RoleGrants }, orgId: string): boolean {
  return isInstanceAdmin(caller) || (caller.roles.get(ADMIN_ROLE)?.has(orgId) ?? false);
}

export function isInstanceAdmin(caller: { roles: RoleGrants }): boolean {
  return (caller.roles.get(INSTANCE_ADMIN_ROLE)?.size ?? 0) > 0;
}

/** The role of a login application: it may create and check sessions of any user (ZITADEL's session.write). */
export const LOGIN_CLIENT_ROLE = "password-service:login-client";

/** Whether the token grants the login client's role, for any organisation (it holds instance-wide, as isInstanceAdmin). */
export function isLoginClient(caller: { roles: RoleGrants }): boolean {
  return (caller.roles.get(LOGIN_CLIENT_ROLE)?.size ?? 0) > 0;
}
