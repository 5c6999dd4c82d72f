import { invalidField } from "../core/errors.js";

/**
 * ZITADEL's bound (its validate.rules max_len) on IDs, login names and, in
 * the v2 APIs, passwords, in characters. The endpoints check IDs against it;
 * the OpenAPI document states it.
 */
export const FIELD_MAX = 200;

/** ZITADEL's bound on a verification code from PasswordReset. */
export const CODE_MAX = 20;

/** An ID or login name as ZITADEL validates it: 1 to FIELD_MAX characters. */
export function checkId(requestName: string, field: string, value: string): void {
  if (value.length === 0 || value.length > FIELD_MAX) {
    throw invalidField(requestName, field, `value length must be between 1 and ${FIELD_MAX} runes, inclusive`);
  }
}
