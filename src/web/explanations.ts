// What the page tells a person about each answer of the service, in plain
// words. Kept apart from the page's script so that a test can walk the whole
// error catalogue (src/errors.ts) against it.

/** The policy as far as the explanations need it; undefined until it has been read. */
export interface PolicyFacts {
  minLength: number;
  maxLength: number;
  /** "bytes" under the zitadel profile, "characters" (code points) under nist. */
  unit: "bytes" | "characters";
  historyCount: number;
  maxPasswordAttempts: number;
}

export interface Situation {
  policy?: PolicyFacts;
  /** From a CredentialsCheckError. */
  failedAttempts: number;
}

type Explanation = (s: Situation) => string[];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Every error ID the service can answer, with what it means for the person at the form. */
export const EXPLANATIONS: Record<string, Explanation> = {
  "AUTH-toLo1": () => ["The token is not in the right form.", "Paste the access token itself, with or without “Bearer ” in front."],
  "AUTH-7fs1e": () => [
    "Your token was not accepted: it is mistyped, expired, from another issuer, or was revoked by a password change.",
    "Get a new token and paste it again.",
  ],
  "AUTH-JWKS1": () => ["The service cannot check tokens right now: it cannot reach your identity provider.", "Try again in a minute."],
  "AUTH-5mWD2": () => ["Your token does not allow this.", "Ask an administrator for access."],
  "AUTHZ-HKJD33": () => ["Your token may not do this for that account.", "Ask an administrator for access."],
  "PWSVC-USR01": () => ["The user your token names is not known here, or was removed.", "Ask an administrator."],
  "COMMAND-SAF4f": () => ["That account does not exist, or was removed."],
  "PWSVC-ORG01": () => ["That organisation does not exist."],
  "COMMAND-G8dh3": () => ["This account has no password that can be changed here."],
  "COMMAND-M9dse": () => ["This account is not set up yet. Finish setting it up first."],
  "COMMAND-Sfe4g": () => ["This account is not set up yet, so its password cannot be reset. Finish setting it up first."],
  "COMMAND-JLK35": ({ failedAttempts }) => [
    "Your account is locked, so its password cannot be changed.",
    `It was locked after ${plural(failedAttempts, "failed attempt")}: no attempts are left. Ask an administrator to unlock it.`,
  ],
  "COMMAND-Mf0sd": () => ["Type the new password."],
  "COMMAND-Fds3s": () => ["This account has no password yet, so there is none to change."],
  "COMMAND-Aesh5": () => ["The new password is the same as your current one. Choose a different password."],
  "COMMAND-3M0fs": ({ failedAttempts, policy }) => {
    const lines = ["Your current password is not correct.", `Failed attempts so far: ${failedAttempts}.`];
    const max = policy?.maxPasswordAttempts ?? 0;
    if (max > 0 && failedAttempts >= max) lines.push("Your account is now locked. Ask an administrator to unlock it.");
    else if (max > 0) lines.push(`Your account will be locked after ${plural(max - failedAttempts, "more failed attempt")}.`);
    return lines;
  },
  "DOMAIN-HuJf6": ({ policy }) => [
    "The new password is too short.",
    policy ? `It needs at least ${plural(policy.minLength, policy.unit === "bytes" ? "byte" : "character")}.` : "Make it longer.",
  ],
  "DOMAIN-co3Xw": () => ["The new password needs at least one lower-case letter (a to z)."],
  "DOMAIN-VoaRj": () => ["The new password needs at least one upper-case letter (A to Z)."],
  "DOMAIN-ZBv4H": () => ["The new password needs at least one digit (0 to 9)."],
  "DOMAIN-ZDLwA": () => ["The new password needs at least one symbol, such as ! # or -."],
  "PWSVC-NUL01": () => ["The new password contains a character that cannot be used (NUL)."],
  "PWSVC-LEN01": ({ policy }) => [
    "The new password is too long.",
    policy ? `It may have at most ${plural(policy.maxLength, policy.unit === "bytes" ? "byte" : "character")}.` : "Make it shorter.",
  ],
  "PWSVC-BLK01": () => ["The new password is one of the most common passwords, which attackers try first. Choose a less obvious one."],
  "PWSVC-BLK02": () => ["The new password contains your username or your organisation's name. Leave them out."],
  "PWSVC-BRE01": () => [
    "The new password has appeared in a data breach, so attackers may already know it.",
    "Choose another one, and do not use it anywhere else either.",
  ],
  "PWSVC-BRE02": () => ["The check against known breached passwords cannot answer right now, and your organisation requires it.", "Try again in a minute."],
  "PWSVC-HIS01": ({ policy }) => [
    "You have used this password recently.",
    policy ? `It must differ from your last ${plural(policy.historyCount, "password")}.` : "Choose one you have not used before.",
  ],
  "PWSVC-SEQ01": () => ["Your password was changed by another request at the same moment. Please try again."],
  "PWSVC-BUSY1": () => ["The service is busy right now. Please try again in a moment."],
  "PWSVC-BUSY2": () => ["Too many requests for your account are under way at once. Wait a moment, then try again."],
  "PWSVC-BUSY3": () => [
    "Another attempt to change this password is under way, or the last wrong one was moments ago.",
    "Wait a few seconds, then try again.",
  ],
  "PWSVC-RATE1": () => ["Your new password has been checked very often in a short time. Wait a minute, then try again."],
  "PWSVC-DB001": () => ["The service cannot reach its database right now. Nothing was changed; try again in a moment."],
  "COMMAND-CahN2": () => ["Something went wrong on the service's side. Nothing was changed; please try again later."],
  // The reset flow's answers, for the application that asks on the user's behalf.
  "COMMAND-2M9fs": () => ["There is no open password reset for this account: it was used, replaced by a newer one, or voided after wrong codes.", "Ask for a new code."],
  "CODE-QvUQ4P": () => ["The reset code has expired.", "Ask for a new code."],
  "CODE-woT0xc": () => ["The reset code is not right. Check it against the mail; after five wrong codes it stops working."],
  "PWSVC-SMS01": () => ["Reset codes cannot be sent by text message here. Ask for one by email."],
  "PWSVC-MAIL1": () => ["This service does not send mail, so no reset link can be mailed.", "Ask an administrator for a reset code."],
  "PWSVC-MAIL2": () => ["This account has no email address to send a reset code to.", "Ask an administrator."],
  "DOMAIN-oGh5e": () => ["The link for the reset mail is not valid: it may name only {{.UserID}}, {{.Code}} and {{.OrgID}}, and must be an http(s) address."],
  "PWSVC-RATE2": () => ["Reset codes were asked for this account too often. Wait a while before asking again, and use the newest mail."],
  // The sign-in session service's answers: a login application meets them, not this page's form.
  "COMMAND-Sfw3f": () => ["A password was checked before the user was named. Name the user first."],
  "QUERY-Dfbg2": () => ["No user has that login name or ID. Check the name you typed."],
  "SESSION-Gj4ko": () => ["This account is locked or not active, so it cannot sign in. Ask an administrator."],
  "COMMAND-Flk38": () => ["This sign-in session has ended or never existed. Sign in again."],
  "COMMAND-Hkl3d": () => ["This sign-in session has expired. Sign in again."],
  "COMMAND-sGr42": () => ["The session token does not belong to this session, or was replaced. Use the latest one."],
  "COMMAND-asEG4": () => ["A session's lifetime must be positive."],
  "COMMAND-SFA3t": ({ failedAttempts }) => [
    "Your account was locked while your password was being checked.",
    `It was locked after ${plural(failedAttempts, "failed attempt")}. Ask an administrator to unlock it.`,
  ],
  "PWSVC-SES01": () => ["This service signs in with a username and password only; other methods are not offered here."],
  "PWSVC-SES02": () => ["The sign-in request carried more than this service keeps (metadata or browser details)."],
};

/** gRPC codes by number, for answers without an error ID. */
const UNAUTHENTICATED = 16;
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;
const UNKNOWN = 2;

/** An answer in plain words: by its error ID, else by its code and message (request validation has no ID). */
export function explain(id: string | undefined, code: number, message: string, situation: Situation): string[] {
  const known = id === undefined ? undefined : EXPLANATIONS[id];
  if (known) return known(situation);
  switch (code) {
    case UNAUTHENTICATED:
      return ["Your token was not accepted: it is missing, mistyped, expired, or from another issuer.", "Get a new token and paste it again."];
    case INVALID_ARGUMENT:
      if (message.includes("at least 1")) return ["Fill in both your current and your new password."];
      if (message.includes("at most")) return ["The password is too long: at most 72 bytes (fewer with accented letters or emoji)."];
      return ["The request was not understood. Reload the page and try again."];
    case UNAVAILABLE:
    case UNKNOWN:
      return ["The password service could not be reached. Check your connection and the service address, then try again."];
    case RESOURCE_EXHAUSTED:
      return ["The service is busy right now. Please try again in a moment."];
    default:
      return ["Something went wrong on the service's side. Please try again later."];
  }
}
