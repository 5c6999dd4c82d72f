/**
 * The kinds of failure the service reports. They follow gRPC's codes because
 * ZITADEL's contract is stated in them, but carry no protocol: each adapter
 * maps a kind to its own wire form.
 */
export type ErrorKind =
  | "invalid-argument"
  | "failed-precondition"
  | "unauthenticated"
  | "permission-denied"
  | "not-found"
  | "aborted"
  | "resource-exhausted"
  | "unimplemented"
  | "unavailable"
  | "internal";

/**
 * An error a caller may see. `id` is ZITADEL's error ID (absent for request
 * validation, as in ZITADEL); `message` is the short English text.
 * `failedAttempts` is set on credential errors, which carry a
 * CredentialsCheckError detail instead of an ErrorDetail.
 */
export class ServiceError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly id: string | undefined,
    message: string,
    readonly failedAttempts?: number,
    /** Set on resource-exhausted: when a retry may succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    // An expected outcome, not a fault: a stack trace would say nothing, and
    // capturing one showed in the CPU profile of every refused request.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = "ServiceError";
  }

  /** The text on the wire: `<message> (<id>)`, as ZITADEL's grpc-message. */
  get wireMessage(): string {
    return this.id ? `${this.message} (${this.id})` : this.message;
  }
}

export const errors = {
  authHeaderMissing: () => new ServiceError("unauthenticated", undefined, "auth header missing"),
  invalidAuthHeader: () => new ServiceError("unauthenticated", "AUTH-toLo1", "invalid auth header"),
  tokenInvalid: () => new ServiceError("unauthenticated", "AUTH-7fs1e", "Token is invalid"),
  /** Our own: an external issuer's key set cannot be had, so no token can be checked. */
  issuerKeysUnavailable: () => new ServiceError("unavailable", "AUTH-JWKS1", "The token issuer's keys cannot be fetched"),
  /** ZITADEL's: the token grants nothing on what was asked for (another organisation's settings). */
  permissionDenied: () => new ServiceError("permission-denied", "AUTH-5mWD2", "No matching permissions found"),
  /** Our own: a policy read for a token whose user is unknown or removed. */
  userNotFound: () => new ServiceError("not-found", "PWSVC-USR01", "User not found"),
  /** Our own: settings asked for an organisation that does not exist (by a caller allowed to read it). */
  orgNotFound: () => new ServiceError("not-found", "PWSVC-ORG01", "Organisation not found"),
  passwordNotFound: () => new ServiceError("failed-precondition", "COMMAND-G8dh3", "Password not found"),
  notInitialised: () => new ServiceError("failed-precondition", "COMMAND-M9dse", "User is not yet initialized"),
  locked: (failedAttempts: number) =>
    new ServiceError("failed-precondition", "COMMAND-JLK35", "User is locked", failedAttempts),
  noPassword: () => new ServiceError("failed-precondition", "COMMAND-3nJ4t", "User has not set a password"),
  sameAsOld: () =>
    new ServiceError("failed-precondition", "COMMAND-Aesh5", "New password cannot be the same as your current password"),
  passwordInvalid: (failedAttempts: number) =>
    new ServiceError("invalid-argument", "COMMAND-3M0fs", "Password is invalid", failedAttempts),
  tooShort: () => new ServiceError("invalid-argument", "DOMAIN-HuJf6", "Password is too short"),
  noLowercase: () => new ServiceError("invalid-argument", "DOMAIN-co3Xw", "Password must contain lower case"),
  noUppercase: () => new ServiceError("invalid-argument", "DOMAIN-VoaRj", "Password must contain upper case"),
  noNumber: () => new ServiceError("invalid-argument", "DOMAIN-ZBv4H", "Password must contain number"),
  noSymbol: () => new ServiceError("invalid-argument", "DOMAIN-ZDLwA", "Password must contain symbol"),
  /** Our own: bcrypt stops at a NUL byte, so such a password would be cut short there. */
  nulCharacter: () => new ServiceError("invalid-argument", "PWSVC-NUL01", "Password must not contain a NUL character"),
  /** Our own (nist profile): over 64 code points, or over bcrypt's 72 bytes once normalised. */
  tooLong: () => new ServiceError("invalid-argument", "PWSVC-LEN01", "Password is too long"),
  /** Our own: the blocklist of common passwords. */
  tooCommon: () => new ServiceError("invalid-argument", "PWSVC-BLK01", "Password is too common"),
  /** Our own: the blocklist's context words. */
  containsContextWord: () =>
    new ServiceError("invalid-argument", "PWSVC-BLK02", "Password must not contain the username or organisation name"),
  /** Our own: the breached-password check found it. */
  breached: () => new ServiceError("invalid-argument", "PWSVC-BRE01", "Password has appeared in a data breach"),
  /** Our own: the breached-password check could not answer and the policy fails closed. */
  breachedCheckUnavailable: () =>
    new ServiceError("unavailable", "PWSVC-BRE02", "The breached-password check is unavailable; try again later"),
  /** Our own: password history. Code 9 like "same as current", which it generalises. */
  usedBefore: () =>
    new ServiceError("failed-precondition", "PWSVC-HIS01", "New password must not be one of your recent passwords"),
  /** Our own: another change of the same user committed first. */
  concurrentChange: () =>
    new ServiceError("aborted", "PWSVC-SEQ01", "The password was changed by another request at the same time; try again"),
  /** Our own: a check of this user's password is in flight or the tarpit's time has not come; refused before any hash. */
  checkTooSoon: (retryAfterSeconds: number) =>
    new ServiceError(
      "resource-exhausted",
      "PWSVC-BUSY3",
      "Another password check for this user is under way or too recent; try again later",
      undefined,
      retryAfterSeconds,
    ),
  /** Our own: the service's bcrypt work would wait past its budget; refused at the door. */
  atCapacity: (retryAfterSeconds: number) =>
    new ServiceError("resource-exhausted", "PWSVC-BUSY1", "The service is at capacity; try again shortly", undefined, retryAfterSeconds),
  /** Our own: ValidateMyNewPassword was called more often than one user may. */
  validationRateLimited: (retryAfterSeconds: number) =>
    new ServiceError(
      "resource-exhausted",
      "PWSVC-RATE1",
      "Too many password checks for this user; try again later",
      undefined,
      retryAfterSeconds,
    ),
  /** Our own: more password resets for this user than RESET_BURST and RESET_RATE_PER_HOUR allow (each may send a mail). */
  resetRateLimited: (retryAfterSeconds: number) =>
    new ServiceError("resource-exhausted", "PWSVC-RATE2", "Too many password resets for this user; try again later", undefined, retryAfterSeconds),
  /** Our own: this user already has as many requests in flight as one user may; refused at the door. */
  userBusy: () =>
    new ServiceError("resource-exhausted", "PWSVC-BUSY2", "Too many requests for this user at once; try again shortly", undefined, 1),
  /** Our own: the database cannot be reached (transactions keep it whole); try again. */
  databaseUnavailable: () => new ServiceError("unavailable", "PWSVC-DB001", "The database is unavailable; try again"),
  internal: () => new ServiceError("internal", "COMMAND-CahN2", "An internal error occurred"),
  /** ZITADEL's: SetPassword with a code, but no reset is on record (none asked, used, voided or replaced). */
  codeNotFound: () => new ServiceError("failed-precondition", "COMMAND-2M9fs", "Code not found"),
  /** ZITADEL's: the reset code is older than RESET_CODE_TTL. */
  codeExpired: () => new ServiceError("failed-precondition", "CODE-QvUQ4P", "Code is expired"),
  /** ZITADEL's: the reset code does not match. */
  codeInvalid: () => new ServiceError("invalid-argument", "CODE-woT0xc", "Code is invalid"),
  /** Our own: a reset by text message; only email is sent here. */
  smsUnimplemented: () => new ServiceError("unimplemented", "PWSVC-SMS01", "Sending a reset code by SMS is not supported; use email or return_code"),
  /** Our own: send_link without SMTP_URL configured. */
  mailNotConfigured: () =>
    new ServiceError("failed-precondition", "PWSVC-MAIL1", "This service sends no mail (no SMTP_URL is configured); ask for return_code instead"),
  /** Our own: send_link for a user with no email address. */
  noEmail: () => new ServiceError("failed-precondition", "PWSVC-MAIL2", "The user has no email address to send the code to"),
  /** Our own: a url_template with a placeholder other than ZITADEL's three, or that is not an http(s) URL. */
  invalidUrlTemplate: (why: string) => new ServiceError("invalid-argument", "PWSVC-URL01", `The URL template is invalid: ${why}`),
};

/** Request validation in ZITADEL's protoc-gen-validate wording, without an ID. */
export function invalidField(requestName: string, field: string, rule: string): ServiceError {
  return new ServiceError("invalid-argument", undefined, `invalid ${requestName}.${field}: ${rule}`);
}
