import { errors, type ServiceError } from "./errors.js";

/** ZITADEL's password complexity policy; lengths count UTF-8 bytes, as ZITADEL does. */
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

export interface PasswordPolicy {
  complexity: ComplexityPolicy;
  lockout: LockoutPolicy;
}

/** ZITADEL's instance defaults. */
export const DEFAULT_POLICY: PasswordPolicy = {
  complexity: { minLength: 8, hasLowercase: true, hasUppercase: true, hasNumber: true, hasSymbol: true },
  lockout: { maxPasswordAttempts: 0 },
};

/** The first rule the password breaks, in ZITADEL's order, or undefined. */
export function checkComplexity(password: string, policy: ComplexityPolicy): ServiceError | undefined {
  if (Buffer.byteLength(password, "utf8") < policy.minLength) return errors.tooShort();
  if (policy.hasLowercase && !/[a-z]/.test(password)) return errors.noLowercase();
  if (policy.hasUppercase && !/[A-Z]/.test(password)) return errors.noUppercase();
  if (policy.hasNumber && !/[0-9]/.test(password)) return errors.noNumber();
  if (policy.hasSymbol && !/[^A-Za-z0-9]/.test(password)) return errors.noSymbol();
  return undefined;
}
