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
    /**
     * The part of the message that is data, not prose (a field's name, a
     * limit, a template's fault): kept as it is when the text is translated.
     */
    readonly detail?: string,
  ) {
    // An expected outcome, not a fault: a stack trace would say nothing, and
    // capturing one showed in the CPU profile of every refused request.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = "ServiceError";
  }
}

/**
 * Every error ID the service answers, by the name of the error that carries
 * it: code compares an error's ID with these, never with a string.
 */
export const ID = {
  invalidAuthHeader: "AUTH-toLo1",
  tokenInvalid: "AUTH-7fs1e",
  issuerKeysUnavailable: "AUTH-JWKS1",
  permissionDenied: "AUTH-5mWD2",
  userPermissionDenied: "AUTHZ-HKJD33",
  userNotFound: "PWSVC-USR01",
  resetUserNotFound: "COMMAND-SAF4f",
  orgNotFound: "PWSVC-ORG01",
  passwordNotFound: "COMMAND-G8dh3",
  notInitialised: "COMMAND-M9dse",
  resetNotInitialised: "COMMAND-Sfe4g",
  locked: "COMMAND-JLK35",
  noPassword: "COMMAND-Fds3s",
  passwordEmpty: "COMMAND-Mf0sd",
  sameAsOld: "COMMAND-Aesh5",
  passwordInvalid: "COMMAND-3M0fs",
  tooShort: "DOMAIN-HuJf6",
  noLowercase: "DOMAIN-co3Xw",
  noUppercase: "DOMAIN-VoaRj",
  noNumber: "DOMAIN-ZBv4H",
  noSymbol: "DOMAIN-ZDLwA",
  nulCharacter: "PWSVC-NUL01",
  tooLong: "PWSVC-LEN01",
  tooCommon: "PWSVC-BLK01",
  containsContextWord: "PWSVC-BLK02",
  breached: "PWSVC-BRE01",
  breachedCheckUnavailable: "PWSVC-BRE02",
  usedBefore: "PWSVC-HIS01",
  concurrentChange: "PWSVC-SEQ01",
  checkTooSoon: "PWSVC-BUSY3",
  atCapacity: "PWSVC-BUSY1",
  validationRateLimited: "PWSVC-RATE1",
  resetRateLimited: "PWSVC-RATE2",
  userBusy: "PWSVC-BUSY2",
  databaseUnavailable: "PWSVC-DB001",
  internal: "COMMAND-CahN2",
  codeNotFound: "COMMAND-2M9fs",
  codeExpired: "CODE-QvUQ4P",
  codeInvalid: "CODE-woT0xc",
  smsUnimplemented: "PWSVC-SMS01",
  mailNotConfigured: "PWSVC-MAIL1",
  noEmail: "PWSVC-MAIL2",
  invalidUrlTemplate: "DOMAIN-oGh5e",
  sessionUserMissing: "COMMAND-Sfw3f",
  sessionUserNotFound: "QUERY-Dfbg2",
  sessionUserNotActive: "SESSION-Gj4ko",
  sessionNotFound: "COMMAND-Flk38",
  sessionExpired: "COMMAND-Hkl3d",
  sessionTokenInvalid: "COMMAND-sGr42",
  sessionLifetime: "COMMAND-asEG4",
  lockedDuringCheck: "COMMAND-SFA3t",
  sessionCheckUnimplemented: "PWSVC-SES01",
  sessionLimit: "PWSVC-SES02",
} as const;

export type ErrorId = (typeof ID)[keyof typeof ID];

export const errors = {
  authHeaderMissing: () => new ServiceError("unauthenticated", undefined, "auth header missing"),
  invalidAuthHeader: () => new ServiceError("unauthenticated", ID.invalidAuthHeader, "invalid auth header"),
  tokenInvalid: () => new ServiceError("unauthenticated", ID.tokenInvalid, "Token is invalid"),
  /** Our own: an external issuer's key set cannot be had, so no token can be checked. */
  issuerKeysUnavailable: () => new ServiceError("unavailable", ID.issuerKeysUnavailable, "The token issuer's keys cannot be fetched"),
  /** ZITADEL's, from its permission check at the door: the token grants nothing on what was asked for (settings it may not read). */
  permissionDenied: () => new ServiceError("permission-denied", ID.permissionDenied, "No matching permissions found"),
  /** ZITADEL's, from its commands' permission check: the token may not do this to this user (a reset, a set). */
  userPermissionDenied: () => new ServiceError("permission-denied", ID.userPermissionDenied, "Permission denied"),
  /** Our own: a policy read for a token whose user is unknown or removed. */
  userNotFound: () => new ServiceError("not-found", ID.userNotFound, "User not found"),
  /** Our own: settings asked for an organisation that does not exist (by a caller allowed to read it). */
  /** ZITADEL's: a reset or a set names a user that does not exist (told only to callers who may learn it). */
  resetUserNotFound: () => new ServiceError("not-found", ID.resetUserNotFound, "User could not be found"),
  orgNotFound: () => new ServiceError("not-found", ID.orgNotFound, "Organisation not found"),
  passwordNotFound: () => new ServiceError("failed-precondition", ID.passwordNotFound, "Password not found"),
  notInitialised: () => new ServiceError("failed-precondition", ID.notInitialised, "User is not yet initialized"),
  /** ZITADEL's: PasswordReset for a user not yet initialised (its ID there differs from a change's). */
  resetNotInitialised: () => new ServiceError("failed-precondition", ID.resetNotInitialised, "User is not yet initialized"),
  locked: (failedAttempts: number) => new ServiceError("failed-precondition", ID.locked, "User is locked", failedAttempts),
  noPassword: () => new ServiceError("failed-precondition", ID.noPassword, "User has not set a password"),
  /** ZITADEL's: SetPassword without a new password. */
  passwordEmpty: () => new ServiceError("invalid-argument", ID.passwordEmpty, "Password is empty"),
  sameAsOld: () => new ServiceError("failed-precondition", ID.sameAsOld, "New password cannot be the same as your current password"),
  passwordInvalid: (failedAttempts: number) => new ServiceError("invalid-argument", ID.passwordInvalid, "Password is invalid", failedAttempts),
  tooShort: () => new ServiceError("invalid-argument", ID.tooShort, "Password is too short"),
  noLowercase: () => new ServiceError("invalid-argument", ID.noLowercase, "Password must contain lower case"),
  noUppercase: () => new ServiceError("invalid-argument", ID.noUppercase, "Password must contain upper case"),
  noNumber: () => new ServiceError("invalid-argument", ID.noNumber, "Password must contain number"),
  noSymbol: () => new ServiceError("invalid-argument", ID.noSymbol, "Password must contain symbol"),
  /** Our own: bcrypt stops at a NUL byte, so such a password would be cut short there. */
  nulCharacter: () => new ServiceError("invalid-argument", ID.nulCharacter, "Password must not contain a NUL character"),
  /** Our own (nist profile): over 64 code points, or over bcrypt's 72 bytes once normalised. */
  tooLong: () => new ServiceError("invalid-argument", ID.tooLong, "Password is too long"),
  /** Our own: the blocklist of common passwords. */
  tooCommon: () => new ServiceError("invalid-argument", ID.tooCommon, "Password is too common"),
  /** Our own: the blocklist's context words. */
  containsContextWord: () => new ServiceError("invalid-argument", ID.containsContextWord, "Password must not contain the username or organisation name"),
  /** Our own: the breached-password check found it. */
  breached: () => new ServiceError("invalid-argument", ID.breached, "Password has appeared in a data breach"),
  /** Our own: the breached-password check could not answer and the policy fails closed. */
  breachedCheckUnavailable: () => new ServiceError("unavailable", ID.breachedCheckUnavailable, "The breached-password check is unavailable; try again later"),
  /** Our own: password history. Code 9 like "same as current", which it generalises. */
  usedBefore: () => new ServiceError("failed-precondition", ID.usedBefore, "New password must not be one of your recent passwords"),
  /** Our own: another change of the same user committed first. */
  concurrentChange: () => new ServiceError("aborted", ID.concurrentChange, "The password was changed by another request at the same time; try again"),
  /** Our own: a check of this user's password is in flight or the tarpit's time has not come; refused before any hash. */
  checkTooSoon: (retryAfterSeconds: number) =>
    new ServiceError(
      "resource-exhausted",
      ID.checkTooSoon,
      "Another password check for this user is under way or too recent; try again later",
      undefined,
      retryAfterSeconds,
    ),
  /** Our own: the service's bcrypt work would wait past its budget; refused at the door. */
  atCapacity: (retryAfterSeconds: number) =>
    new ServiceError("resource-exhausted", ID.atCapacity, "The service is at capacity; try again shortly", undefined, retryAfterSeconds),
  /** Our own: ValidateMyNewPassword was called more often than one user may. */
  validationRateLimited: (retryAfterSeconds: number) =>
    new ServiceError("resource-exhausted", ID.validationRateLimited, "Too many password checks for this user; try again later", undefined, retryAfterSeconds),
  /** Our own: more password resets for this user than RESET_BURST and RESET_RATE_PER_HOUR allow (each may send a mail). */
  resetRateLimited: (retryAfterSeconds: number) =>
    new ServiceError("resource-exhausted", ID.resetRateLimited, "Too many password resets for this user; try again later", undefined, retryAfterSeconds),
  /** Our own: this user already has as many requests in flight as one user may; refused at the door. */
  userBusy: () => new ServiceError("resource-exhausted", ID.userBusy, "Too many requests for this user at once; try again shortly", undefined, 1),
  /** Our own: the database cannot be reached (transactions keep it whole); try again. */
  databaseUnavailable: () => new ServiceError("unavailable", ID.databaseUnavailable, "The database is unavailable; try again"),
  internal: () => new ServiceError("internal", ID.internal, "An internal error occurred"),
  /** ZITADEL's: SetPassword with a code, but no reset is on record (none asked, used, voided or replaced). */
  codeNotFound: () => new ServiceError("failed-precondition", ID.codeNotFound, "Code not found"),
  /** ZITADEL's: the reset code is older than RESET_CODE_TTL. */
  codeExpired: () => new ServiceError("failed-precondition", ID.codeExpired, "Code is expired"),
  /** ZITADEL's: the reset code does not match. */
  codeInvalid: () => new ServiceError("invalid-argument", ID.codeInvalid, "Code is invalid"),
  /** Our own: a reset by text message; only email is sent here. */
  smsUnimplemented: () => new ServiceError("unimplemented", ID.smsUnimplemented, "Sending a reset code by SMS is not supported; use email or return_code"),
  /** Our own: send_link without SMTP_URL configured. */
  mailNotConfigured: () =>
    new ServiceError("failed-precondition", ID.mailNotConfigured, "This service sends no mail (no SMTP_URL is configured); ask for return_code instead"),
  /** Our own: send_link for a user with no email address. */
  noEmail: () => new ServiceError("failed-precondition", ID.noEmail, "The user has no email address to send the code to"),
  /** ZITADEL's ID: a url_template with a placeholder other than ZITADEL's three, or that is not an http(s) URL. */
  invalidUrlTemplate: (why: string) =>
    new ServiceError("invalid-argument", ID.invalidUrlTemplate, `The URL template is invalid: ${why}`, undefined, undefined, why),
  // The session service's, with ZITADEL's IDs where it has one (internal/command/session.go, its v2 API).
  /** A password check with no user checked, in this request or before. */
  sessionUserMissing: () => new ServiceError("failed-precondition", ID.sessionUserMissing, "User ID missing"),
  /** A user check naming another user than the one checked before: ZITADEL's words, and as in ZITADEL no ID. */
  sessionUserChange: () => new ServiceError("invalid-argument", undefined, "user change not possible"),
  /** No user by that ID or login name, or a login name that names more than one: the same answer. */
  sessionUserNotFound: () => new ServiceError("not-found", ID.sessionUserNotFound, "User could not be found"),
  sessionUserNotActive: () => new ServiceError("failed-precondition", ID.sessionUserNotActive, "User is not active"),
  sessionNotFound: () => new ServiceError("not-found", ID.sessionNotFound, "Session does not exist"),
  sessionExpired: () => new ServiceError("failed-precondition", ID.sessionExpired, "Session is expired"),
  sessionTokenInvalid: () => new ServiceError("permission-denied", ID.sessionTokenInvalid, "Session token is invalid"),
  sessionLifetime: () => new ServiceError("invalid-argument", ID.sessionLifetime, "Lifetime must be positive"),
  /** ZITADEL's: the user was locked while its password was checked. */
  lockedDuringCheck: (failedAttempts: number) => new ServiceError("failed-precondition", ID.lockedDuringCheck, "User is locked", failedAttempts),
  /** Our own: a check or challenge this service does not serve. */
  sessionCheckUnimplemented: (kind: "check" | "challenge", name: string) =>
    new ServiceError(
      "unimplemented",
      ID.sessionCheckUnimplemented,
      `The ${name} ${kind} is not served here; only the user and password checks are`,
      undefined,
      undefined,
      `${kind === "check" ? "checks" : "challenges"}.${name}`,
    ),
  /** Our own: metadata, user agent or lifetime beyond the bounds the README names. */
  sessionLimit: (what: string) => new ServiceError("invalid-argument", ID.sessionLimit, what, undefined, undefined, what),
};

/** Request validation in ZITADEL's protoc-gen-validate wording, without an ID. */
export function invalidField(requestName: string, field: string, rule: string): ServiceError {
  return new ServiceError("invalid-argument", undefined, `invalid ${requestName}.${field}: ${rule}`);
}
