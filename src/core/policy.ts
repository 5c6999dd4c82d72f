import { blocklistViolations } from "./blocklist.js";
import type { BreachedPasswords } from "./breached.js";
import { errors, type ServiceError } from "./errors.js";
import { BCRYPT_MAX_BYTES } from "./password-hasher.js";

/**
 * ZITADEL's password complexity policy. Under the zitadel profile lengths
 * count UTF-8 bytes, as ZITADEL does; under nist they count code points.
 */
export interface ComplexityPolicy {
  minLength: number;
  hasLowercase: boolean;
  hasUppercase: boolean;
  hasNumber: boolean;
  hasSymbol: boolean;
}

export interface LockoutPolicy {
  /** 0 never locks. */
  maxPasswordAttempts: number;
}

export type Profile = "zitadel" | "nist";
export type BreachedCheck = "off" | "fail-open" | "fail-closed";

export interface PasswordPolicy {
  profile: Profile;
  complexity: ComplexityPolicy;
  lockout: LockoutPolicy;
  /** The new password may match none of the last N (the current one included); 0: no history. */
  historyCount: number;
  /** Refuse common passwords, the username and the organisation name. */
  blocklist: boolean;
  breachedCheck: BreachedCheck;
}

export const PROFILES: Profile[] = ["zitadel", "nist"];
export const BREACHED_CHECKS: BreachedCheck[] = ["off", "fail-open", "fail-closed"];
/** PCI DSS asks for 4; more than this many old hashes is never kept. */
export const MAX_HISTORY_COUNT = 24;
/** NIST SP 800-63B: accept at least 64 characters. bcrypt's 72 bytes cap them too. */
export const NIST_MAX_CODE_POINTS = 64;

/** ZITADEL's instance defaults. */
export const DEFAULT_POLICY: PasswordPolicy = {
  profile: "zitadel",
  complexity: { minLength: 8, hasLowercase: true, hasUppercase: true, hasNumber: true, hasSymbol: true },
  lockout: { maxPasswordAttempts: 0 },
  historyCount: 0,
  blocklist: false,
  breachedCheck: "off",
};

/** What a profile fills in; lockout, history and the breached check are left as they are. */
export function applyProfile(policy: PasswordPolicy, profile: Profile): PasswordPolicy {
  if (profile === "zitadel") {
    return { ...policy, profile, complexity: DEFAULT_POLICY.complexity, blocklist: false };
  }
  // SP 800-63B 3.1.1.2: at least 15 characters for a single-factor password, no composition rules, a blocklist.
  const complexity = { minLength: 15, hasLowercase: false, hasUppercase: false, hasNumber: false, hasSymbol: false };
  return { ...policy, profile, complexity, blocklist: true };
}

/** The largest minimum length a profile allows. */
export function maxMinLength(profile: Profile): number {
  return profile === "nist" ? NIST_MAX_CODE_POINTS : BCRYPT_MAX_BYTES;
}

/**
 * The form of a new password that is hashed: NFKC under nist, so that the
 * same password typed on another keyboard or OS verifies; as given otherwise.
 */
export function passwordToStore(password: string, profile: Profile): string {
  return profile === "nist" ? password.normalize("NFKC") : password;
}

/** The password's length as the profile counts it. */
export function passwordLength(password: string, profile: Profile): number {
  return profile === "nist" ? [...password].length : Buffer.byteLength(password, "utf8");
}

/**
 * Every rule the (already normalised) password breaks, in ZITADEL's order.
 * Under nist the length is checked at both ends: at most 64 code points, and
 * at most the 72 bytes bcrypt reads after normalisation (which may lengthen
 * it), refused rather than cut.
 */
export function complexityViolations(password: string, policy: ComplexityPolicy, profile: Profile = "zitadel"): ServiceError[] {
  const found: ServiceError[] = [];
  if (profile === "nist") {
    if ([...password].length > NIST_MAX_CODE_POINTS || Buffer.byteLength(password, "utf8") > BCRYPT_MAX_BYTES) {
      found.push(errors.tooLong());
    }
  }
  if (passwordLength(password, profile) < policy.minLength) found.push(errors.tooShort());
  if (policy.hasLowercase && !/[a-z]/.test(password)) found.push(errors.noLowercase());
  if (policy.hasUppercase && !/[A-Z]/.test(password)) found.push(errors.noUppercase());
  if (policy.hasNumber && !/[0-9]/.test(password)) found.push(errors.noNumber());
  if (policy.hasSymbol && !/[^A-Za-z0-9]/.test(password)) found.push(errors.noSymbol());
  return found;
}

/**
 * Every rule a new password breaks that needs neither the old password nor
 * a hash, in the order a change reports them: a NUL character, length and
 * character classes, then the blocklist with the user's context words. The
 * password is the form that would be hashed (see passwordToStore).
 */
export function newPasswordViolations(password: string, policy: PasswordPolicy, contextWords: string[]): ServiceError[] {
  return [
    ...(password.includes("\0") ? [errors.nulCharacter()] : []),
    ...complexityViolations(password, policy.complexity, policy.profile),
    ...(policy.blocklist ? blocklistViolations(password, contextWords) : []),
  ];
}

/**
 * The breached check's refusal of a password, if the policy asks for the
 * check: found in a breach, or (failing closed) the check could not answer.
 */
export async function breachedRefusal(breached: BreachedPasswords, password: string, policy: PasswordPolicy): Promise<ServiceError | undefined> {
  if (policy.breachedCheck === "off") return undefined;
  try {
    return (await breached.isBreached(password)) ? errors.breached() : undefined;
  } catch {
    // Failing open, a check that cannot answer refuses nothing.
    return policy.breachedCheck === "fail-closed" ? errors.breachedCheckUnavailable() : undefined;
  }
}

/** Where a policy's values are out of range: a message for the administrator, or undefined. */
export function policyProblem(policy: PasswordPolicy): string | undefined {
  const { minLength } = policy.complexity;
  const max = maxMinLength(policy.profile);
  if (!Number.isInteger(minLength) || minLength < 1 || minLength > max) {
    return `min-length must be from 1 to ${max} under the ${policy.profile} profile, not ${minLength}`;
  }
  const attempts = policy.lockout.maxPasswordAttempts;
  if (!Number.isInteger(attempts) || attempts < 0 || attempts > 1000) {
    return `max-password-attempts must be from 0 (never lock) to 1000, not ${attempts}`;
  }
  if (!Number.isInteger(policy.historyCount) || policy.historyCount < 0 || policy.historyCount > MAX_HISTORY_COUNT) {
    return `history-count must be from 0 to ${MAX_HISTORY_COUNT}, not ${policy.historyCount}`;
  }
  return undefined;
}

/** A policy as it applies to an organisation, and where it comes from. */
export interface EffectivePolicy {
  policy: PasswordPolicy;
  /** "org": the organisation's own; "instance": the instance default it inherits (stored, or ZITADEL's defaults). */
  source: "org" | "instance";
  /** How many times the policy in force was set: 0 for ZITADEL's defaults, never set. */
  sequence: number;
  /** When it was last set; undefined for ZITADEL's defaults. */
  changedAt?: Date;
}

/** Where the use cases get the policy of a user's organisation (the instance default if it has none). */
export interface PolicySource {
  forOrg(orgId: string): Promise<EffectivePolicy>;
}

/**
 * Caches each organisation's policy for `ttlMs`, so that most requests read
 * no policy row while a `policy set` still applies within that time on every
 * process. 0 reads the database on every request.
 */
export class CachedPolicies implements PolicySource {
  private readonly cache = new Map<string, { policy: EffectivePolicy; until: number }>();

  constructor(
    private readonly source: PolicySource,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async forOrg(orgId: string): Promise<EffectivePolicy> {
    const hit = this.cache.get(orgId);
    if (hit && hit.until > this.now()) return hit.policy;
    const policy = await this.source.forOrg(orgId);
    if (this.ttlMs > 0) this.cache.set(orgId, { policy, until: this.now() + this.ttlMs });
    return policy;
  }
}
