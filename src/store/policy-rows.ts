import type { Insertable, Selectable } from "kysely";
import { type BreachedCheck, DEFAULT_POLICY, type EffectivePolicy, type PasswordPolicy, type Profile } from "../core/policy.js";
import type { PolicyTable } from "./schema.js";

/** The scope of the instance default policy; every other scope is an organisation ID. */
export const INSTANCE_SCOPE = "instance";

/** The policy in force from the organisation's row or, failing that, the instance's; ZITADEL's defaults without either. */
export function effectiveFromRows(orgRow: Selectable<PolicyTable> | undefined, instanceRow: Selectable<PolicyTable> | undefined): EffectivePolicy {
  const row = orgRow ?? instanceRow;
  return {
    policy: policyFromRow(row),
    source: orgRow ? "org" : "instance",
    sequence: row?.sequence ?? 0,
    changedAt: row ? new Date(Number(row.updated_at)) : undefined,
  };
}

export function policyFromRow(row: Selectable<PolicyTable> | undefined): PasswordPolicy {
  if (!row) return DEFAULT_POLICY;
  return {
    profile: row.profile as Profile,
    complexity: {
      minLength: row.min_length,
      hasLowercase: Boolean(row.has_lowercase),
      hasUppercase: Boolean(row.has_uppercase),
      hasNumber: Boolean(row.has_number),
      hasSymbol: Boolean(row.has_symbol),
    },
    lockout: { maxPasswordAttempts: row.max_password_attempts },
    historyCount: row.history_count,
    blocklist: Boolean(row.blocklist),
    breachedCheck: row.breached_check as BreachedCheck,
  };
}

export function policyToRow(scope: string, policy: PasswordPolicy, at: Date): Insertable<PolicyTable> {
  const { complexity: c } = policy;
  return {
    scope,
    profile: policy.profile,
    min_length: c.minLength,
    has_lowercase: Number(c.hasLowercase),
    has_uppercase: Number(c.hasUppercase),
    has_number: Number(c.hasNumber),
    has_symbol: Number(c.hasSymbol),
    max_password_attempts: policy.lockout.maxPasswordAttempts,
    history_count: policy.historyCount,
    blocklist: Number(policy.blocklist),
    breached_check: policy.breachedCheck,
    updated_at: at.getTime(),
  };
}
