// Every word the account page shows, by language: the server-rendered HTML
// takes them from here, and the page's script reads the few it needs from
// the HTML (data attributes), so that the bundle carries no language. A
// language is added by adding one object of type PageTexts below.
import { type ErrorId, ID } from "../core/errors.js";
import type { Language } from "../core/messages.js";

/** The policy as far as the page speaks of it; undefined until it has been read. */
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
  /** Failed password checks counted on the account, from the refusal. */
  failedAttempts: number;
}

/** An answer of the service, as lines of plain words. */
export type Explanation = (s: Situation) => string[];

export interface PageTexts {
  language: { label: string; button: string };
  labels: { loginName: string; password: string; currentPassword: string; newPassword: string };
  buttons: { signIn: string; changePassword: string; signOut: string; sendResetLink: string; setPassword: string };
  links: { forgotPassword: string; backToSignIn: string; requestNewLink: string; signIn: string };
  signIn: { title: string; intro: string; signedOut: string };
  change: { title: string; signedInAs: (name: string) => string; done: string; doneDetail: string };
  forgot: { title: string; intro: string };
  sent: { title: string; body: string };
  reset: { title: string; intro: string; incomplete: string; done: string; doneDetail: string };
  /** A sign-in at the outside issuer (OIDC_ISSUER) that did not end signed in. */
  oidc: { refused: string[]; mismatch: string[]; failed: string[] };
  rules: {
    heading: string;
    met: string;
    unmet: string;
    length: (min: number, max: number, unit: "bytes" | "characters") => string;
    lowercase: string;
    uppercase: string;
    digit: string;
    symbol: string;
    notCommon: string;
    noContextWords: string;
    notBreached: string;
    notRecent: (count: number) => string;
    lockout: (attempts: number) => string;
  };
  /** What went wrong, in a heading over the explanation. */
  problem: string;
  /** The page's own refusals, which carry no error ID of the service. */
  page: {
    formExpired: string[];
    forgotRateLimited: (minutes: number) => string[];
    fillEveryField: string[];
    tooLong: string[];
    signInAgain: string[];
    busy: string[];
    unavailable: string[];
    internal: string[];
  };
  /** Every error ID the service answers, for the person at the form. */
  errors: Record<ErrorId, Explanation>;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const en: PageTexts = {
  language: { label: "Language", button: "Change language" },
  labels: { loginName: "Login name", password: "Password", currentPassword: "Current password", newPassword: "New password" },
  buttons: { signIn: "Sign in", changePassword: "Change password", signOut: "Sign out", sendResetLink: "Send reset link", setPassword: "Set password" },
  links: { forgotPassword: "Forgot password?", backToSignIn: "Back to sign in", requestNewLink: "Request a new link", signIn: "Sign in" },
  signIn: {
    title: "Sign in",
    intro: "Sign in to change your password.",
    signedOut: "You have signed out.",
  },
  change: {
    title: "Change your password",
    signedInAs: (name) => `Signed in as ${name}.`,
    done: "Password changed",
    doneDetail: "Use the new password from now on.",
  },
  forgot: {
    title: "Forgot your password?",
    intro: "Type your login name. If an account has it, a link to set a new password goes to that account's email address.",
  },
  sent: {
    title: "Check your mail",
    body: "If an account has the login name you typed, a link to set a new password is on its way to its email address. The link works once, for a limited time.",
  },
  reset: {
    title: "Set a new password",
    intro: "Choose the new password for your account.",
    incomplete: "This link is not complete. Open the whole link from the mail, or request a new one.",
    done: "Password set",
    doneDetail: "Sign in with your new password.",
  },
  oidc: {
    refused: ["Your identity provider did not sign you in.", "Sign in again, or ask an administrator."],
    mismatch: ["This sign-in was not started here, or it took too long.", "Sign in again."],
    failed: ["Your identity provider's sign-in could not be completed here. Nothing was changed; try again later, or ask an administrator."],
  },
  rules: {
    heading: "Your new password needs:",
    met: "met",
    unmet: "not met",
    length: (min, max, unit) => `From ${min} to ${max} ${unit} long`,
    lowercase: "A lower-case letter (a to z)",
    uppercase: "An upper-case letter (A to Z)",
    digit: "A digit (0 to 9)",
    symbol: "A symbol, such as ! # or -",
    notCommon: "Not a common password (checked when you submit)",
    noContextWords: "Without your username or organisation name (checked when you submit)",
    notBreached: "Not found in a known data breach (checked when you submit)",
    notRecent: (count) => `Not one of your last ${plural(count, "password", "passwords")} (checked when you submit)`,
    lockout: (attempts) => `Your account locks after ${plural(attempts, "wrong password", "wrong passwords")}.`,
  },
  problem: "That did not work",
  page: {
    formExpired: ["The form had expired. Please try again."],
    forgotRateLimited: (minutes) => [`Too many reset links were asked for from here or for this name. Wait ${plural(minutes, "minute", "minutes")}, then try again.`],
    fillEveryField: ["Fill in every field."],
    tooLong: ["The password is too long: at most 72 bytes (fewer with accented letters or emoji)."],
    signInAgain: ["Your sign-in has ended. Sign in again."],
    busy: ["The service is busy right now. Please try again in a moment."],
    unavailable: ["The service cannot answer right now. Nothing was changed; try again in a moment."],
    internal: ["Something went wrong on the service's side. Nothing was changed; please try again later."],
  },
  errors: {
    [ID.invalidAuthHeader]: () => ["Your sign-in has ended. Sign in again."],
    [ID.tokenInvalid]: () => ["Your sign-in has ended or was ended by a password change. Sign in again."],
    [ID.issuerKeysUnavailable]: () => ["The service cannot check sign-ins right now: it cannot reach your identity provider.", "Try again in a minute."],
    [ID.permissionDenied]: () => ["Your account may not do this.", "Ask an administrator for access."],
    [ID.userPermissionDenied]: () => ["Your account may not do this for that account.", "Ask an administrator for access."],
    [ID.userNotFound]: () => ["Your account is not known here, or was removed.", "Ask an administrator."],
    [ID.resetUserNotFound]: () => ["That account does not exist, or was removed."],
    [ID.orgNotFound]: () => ["That organisation does not exist."],
    [ID.passwordNotFound]: () => ["This account has no password that can be changed here."],
    [ID.notInitialised]: () => ["This account is not set up yet. Finish setting it up first."],
    [ID.resetNotInitialised]: () => ["This account is not set up yet, so its password cannot be reset. Finish setting it up first."],
    [ID.locked]: ({ failedAttempts }) => [
      "Your account is locked.",
      `It was locked after ${plural(failedAttempts, "failed attempt", "failed attempts")}: no attempts are left. Ask an administrator to unlock it.`,
    ],
    [ID.passwordEmpty]: () => ["Type the new password."],
    [ID.noPassword]: () => ["This account has no password yet, so there is none to check."],
    [ID.sameAsOld]: () => ["The new password is the same as your current one. Choose a different password."],
    [ID.passwordInvalid]: ({ failedAttempts, policy }) => {
      const lines = ["The password is not correct.", `Failed attempts so far: ${failedAttempts}.`];
      const max = policy?.maxPasswordAttempts ?? 0;
      if (max > 0 && failedAttempts >= max) lines.push("Your account is now locked. Ask an administrator to unlock it.");
      else if (max > 0) lines.push(`Your account will be locked after ${plural(max - failedAttempts, "more failed attempt", "more failed attempts")}.`);
      return lines;
    },
    [ID.tooShort]: ({ policy }) => [
      "The new password is too short.",
      policy ? `It needs at least ${plural(policy.minLength, unitOne(policy.unit), policy.unit)}.` : "Make it longer.",
    ],
    [ID.noLowercase]: () => ["The new password needs at least one lower-case letter (a to z)."],
    [ID.noUppercase]: () => ["The new password needs at least one upper-case letter (A to Z)."],
    [ID.noNumber]: () => ["The new password needs at least one digit (0 to 9)."],
    [ID.noSymbol]: () => ["The new password needs at least one symbol, such as ! # or -."],
    [ID.nulCharacter]: () => ["The new password contains a character that cannot be used (NUL)."],
    [ID.tooLong]: ({ policy }) => [
      "The new password is too long.",
      policy ? `It may have at most ${plural(policy.maxLength, unitOne(policy.unit), policy.unit)}.` : "Make it shorter.",
    ],
    [ID.tooCommon]: () => ["The new password is one of the most common passwords, which attackers try first. Choose a less obvious one."],
    [ID.containsContextWord]: () => ["The new password contains your username or your organisation's name. Leave them out."],
    [ID.breached]: () => [
      "The new password has appeared in a data breach, so attackers may already know it.",
      "Choose another one, and do not use it anywhere else either.",
    ],
    [ID.breachedCheckUnavailable]: () => ["The check against known breached passwords cannot answer right now, and your organisation requires it.", "Try again in a minute."],
    [ID.usedBefore]: ({ policy }) => [
      "You have used this password recently.",
      policy ? `It must differ from your last ${plural(policy.historyCount, "password", "passwords")}.` : "Choose one you have not used before.",
    ],
    [ID.concurrentChange]: () => ["Your password was changed by another request at the same moment. Please try again."],
    [ID.checkTooSoon]: () => ["Another attempt with this password is under way, or the last wrong one was moments ago.", "Wait a few seconds, then try again."],
    [ID.atCapacity]: () => ["The service is busy right now. Please try again in a moment."],
    [ID.validationRateLimited]: () => ["Your new password has been checked very often in a short time. Wait a minute, then try again."],
    [ID.resetRateLimited]: () => ["Reset links were asked for this account too often. Wait a while before asking again, and use the newest mail."],
    [ID.userBusy]: () => ["Too many requests for your account are under way at once. Wait a moment, then try again."],
    [ID.databaseUnavailable]: () => ["The service cannot reach its database right now. Nothing was changed; try again in a moment."],
    [ID.internal]: () => ["Something went wrong on the service's side. Nothing was changed; please try again later."],
    [ID.codeNotFound]: () => ["This reset link is no longer valid: it was used, replaced by a newer one, or voided after wrong tries.", "Request a new link."],
    [ID.codeExpired]: () => ["This reset link has expired.", "Request a new link."],
    [ID.codeInvalid]: () => ["The code in this link is not right. Open the link from the newest mail; after five wrong codes it stops working."],
    [ID.smsUnimplemented]: () => ["Reset codes cannot be sent by text message here. Ask for one by email."],
    [ID.mailNotConfigured]: () => ["This service does not send mail, so no reset link can be mailed.", "Ask an administrator for a reset code."],
    [ID.noEmail]: () => ["This account has no email address to send a reset link to.", "Ask an administrator."],
    [ID.invalidUrlTemplate]: () => ["The link for the reset mail is not valid: it may name only {{.UserID}}, {{.Code}} and {{.OrgID}}, and must be an http(s) address."],
    [ID.sessionUserMissing]: () => ["A password was checked before the account was named. Type your login name."],
    [ID.sessionUserNotFound]: () => ["No account has that login name. Check the name you typed."],
    [ID.sessionUserNotActive]: () => ["Your account is locked or not active, so it cannot sign in. Ask an administrator to unlock it."],
    [ID.sessionNotFound]: () => ["Your sign-in has ended. Sign in again."],
    [ID.sessionExpired]: () => ["Your sign-in has expired. Sign in again."],
    [ID.sessionTokenInvalid]: () => ["Your sign-in was replaced by a newer one. Sign in again."],
    [ID.sessionLifetime]: () => ["A sign-in's lifetime must be positive."],
    [ID.lockedDuringCheck]: ({ failedAttempts }) => [
      "Your account was locked while your password was being checked.",
      `It was locked after ${plural(failedAttempts, "failed attempt", "failed attempts")}. Ask an administrator to unlock it.`,
    ],
    [ID.sessionCheckUnimplemented]: () => ["This service signs in with a login name and password only."],
    [ID.sessionLimit]: () => ["The sign-in request carried more than this service keeps."],
  },
};

function unitOne(unit: "bytes" | "characters"): string {
  return unit === "bytes" ? "byte" : "character";
}

/** Each language the page has words for; English always, and the fallback for the rest. */
const PAGE_TEXTS: { en: PageTexts } & Partial<Record<Language, PageTexts>> = { en };

/** The page's words in a language, English where it has none yet. */
export function pageTexts(language: Language): PageTexts {
  return PAGE_TEXTS[language] ?? en;
}

/** Each language by its own name, as the language menu lists it whatever the page's language. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: "English",
  de: "Deutsch",
  fr: "Français",
  it: "Italiano",
  es: "Español",
  pt: "Português",
  nl: "Nederlands",
  pl: "Polski",
  ja: "日本語",
  zh: "中文",
};
