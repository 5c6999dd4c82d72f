// Every word the account page shows, by language: the server-rendered HTML
// takes them from here, and the page's script reads the few it needs from
// the HTML (data attributes), so that the bundle carries no language. A
// language is added by adding one object of type PageTexts below, and to
// PAGE_TEXTS at the end.
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
  /** A fault on the service's side that no answer above covers; `home` links to the page's start. */
  fault: { title: string; body: string; home: string };
  /** Every error ID the service answers, for the person at the form. */
  errors: Record<ErrorId, Explanation>;
}

/** A counted phrase's forms by plural category; `#` stands for the number. */
interface Forms {
  one?: string;
  few?: string;
  many?: string;
  other: string;
}

/** Counts in a language: the form its plural rules choose for the number, with the number in it. */
function counter(language: Language): (n: number, forms: Forms) => string {
  const rules = new Intl.PluralRules(language);
  return (n, forms) => (forms[rules.select(n) as keyof Forms] ?? forms.other).replace("#", String(n));
}

type Units = Record<PolicyFacts["unit"], Forms>;

/** The words of a wrong password's explanation; which lockout line follows depends on the policy. */
interface WrongPasswordWords {
  notCorrect: string;
  failedSoFar: (count: number) => string;
  nowLocked: string;
  lockedAfter: (left: number) => string;
}

function wrongPassword(words: WrongPasswordWords): Explanation {
  return ({ failedAttempts, policy }) => {
    const lines = [words.notCorrect, words.failedSoFar(failedAttempts)];
    const max = policy?.maxPasswordAttempts ?? 0;
    if (max > 0 && failedAttempts >= max) lines.push(words.nowLocked);
    else if (max > 0) lines.push(words.lockedAfter(max - failedAttempts));
    return lines;
  };
}

const enCount = counter("en");
const enUnits: Units = { bytes: { one: "# byte", other: "# bytes" }, characters: { one: "# character", other: "# characters" } };
const enFailed: Forms = { one: "# failed attempt", other: "# failed attempts" };

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
    notRecent: (count) => `Not one of your last ${enCount(count, { one: "# password", other: "# passwords" })} (checked when you submit)`,
    lockout: (attempts) => `Your account locks after ${enCount(attempts, { one: "# wrong password", other: "# wrong passwords" })}.`,
  },
  problem: "That did not work",
  page: {
    formExpired: ["The form had expired. Please try again."],
    forgotRateLimited: (minutes) => [
      `Too many reset links were asked for from here or for this name. Wait ${enCount(minutes, { one: "# minute", other: "# minutes" })}, then try again.`,
    ],
    fillEveryField: ["Fill in every field."],
    tooLong: ["The password is too long: at most 72 bytes (fewer with accented letters or emoji)."],
    signInAgain: ["Your sign-in has ended. Sign in again."],
    busy: ["The service is busy right now. Please try again in a moment."],
    unavailable: ["The service cannot answer right now. Nothing was changed; try again in a moment."],
    internal: ["Something went wrong on the service's side. Nothing was changed; please try again later."],
  },
  fault: {
    title: "Something went wrong",
    body: "Something went wrong on the service's side, and your request could not be answered. Please try again in a moment.",
    home: "Back to the account page",
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
      `It was locked after ${enCount(failedAttempts, enFailed)}: no attempts are left. Ask an administrator to unlock it.`,
    ],
    [ID.passwordEmpty]: () => ["Type the new password."],
    [ID.noPassword]: () => ["This account has no password yet, so there is none to check."],
    [ID.sameAsOld]: () => ["The new password is the same as your current one. Choose a different password."],
    [ID.passwordInvalid]: wrongPassword({
      notCorrect: "The password is not correct.",
      failedSoFar: (count) => `Failed attempts so far: ${count}.`,
      nowLocked: "Your account is now locked. Ask an administrator to unlock it.",
      lockedAfter: (left) => `Your account will be locked after ${enCount(left, { one: "# more failed attempt", other: "# more failed attempts" })}.`,
    }),
    [ID.tooShort]: ({ policy }) => [
      "The new password is too short.",
      policy ? `It needs at least ${enCount(policy.minLength, enUnits[policy.unit])}.` : "Make it longer.",
    ],
    [ID.noLowercase]: () => ["The new password needs at least one lower-case letter (a to z)."],
    [ID.noUppercase]: () => ["The new password needs at least one upper-case letter (A to Z)."],
    [ID.noNumber]: () => ["The new password needs at least one digit (0 to 9)."],
    [ID.noSymbol]: () => ["The new password needs at least one symbol, such as ! # or -."],
    [ID.nulCharacter]: () => ["The new password contains a character that cannot be used (NUL)."],
    [ID.tooLong]: ({ policy }) => [
      "The new password is too long.",
      policy ? `It may have at most ${enCount(policy.maxLength, enUnits[policy.unit])}.` : "Make it shorter.",
    ],
    [ID.tooCommon]: () => ["The new password is one of the most common passwords, which attackers try first. Choose a less obvious one."],
    [ID.containsContextWord]: () => ["The new password contains your username or your organisation's name. Leave them out."],
    [ID.breached]: () => [
      "The new password has appeared in a data breach, so attackers may already know it.",
      "Choose another one, and do not use it anywhere else either.",
    ],
    [ID.breachedCheckUnavailable]: () => [
      "The check against known breached passwords cannot answer right now, and your organisation requires it.",
      "Try again in a minute.",
    ],
    [ID.usedBefore]: ({ policy }) => [
      "You have used this password recently.",
      policy
        ? `It must differ from your last ${enCount(policy.historyCount, { one: "# password", other: "# passwords" })}.`
        : "Choose one you have not used before.",
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
    [ID.invalidUrlTemplate]: () => [
      "The link for the reset mail is not valid: it may name only {{.UserID}}, {{.Code}} and {{.OrgID}}, and must be an http(s) address.",
    ],
    [ID.sessionUserMissing]: () => ["A password was checked before the account was named. Type your login name."],
    [ID.sessionUserNotFound]: () => ["No account has that login name. Check the name you typed."],
    [ID.sessionUserNotActive]: () => ["Your account is locked or not active, so it cannot sign in. Ask an administrator to unlock it."],
    [ID.sessionNotFound]: () => ["Your sign-in has ended. Sign in again."],
    [ID.sessionExpired]: () => ["Your sign-in has expired. Sign in again."],
    [ID.sessionTokenInvalid]: () => ["Your sign-in was replaced by a newer one. Sign in again."],
    [ID.sessionLifetime]: () => ["A sign-in's lifetime must be positive."],
    [ID.lockedDuringCheck]: ({ failedAttempts }) => [
      "Your account was locked while your password was being checked.",
      `It was locked after ${enCount(failedAttempts, enFailed)}. Ask an administrator to unlock it.`,
    ],
    [ID.sessionCheckUnimplemented]: () => ["This service signs in with a login name and password only."],
    [ID.sessionLimit]: () => ["The sign-in request carried more than this service keeps."],
  },
};

const deCount = counter("de");
const deUnits: Units = { bytes: { one: "# Byte", other: "# Bytes" }, characters: { other: "# Zeichen" } };
const deFailed: Forms = { one: "# Fehlversuch", other: "# Fehlversuchen" };

const de: PageTexts = {
  language: { label: "Sprache", button: "Sprache ändern" },
  labels: { loginName: "Anmeldename", password: "Passwort", currentPassword: "Aktuelles Passwort", newPassword: "Neues Passwort" },
  buttons: {
    signIn: "Anmelden",
    changePassword: "Passwort ändern",
    signOut: "Abmelden",
    sendResetLink: "Link zum Zurücksetzen senden",
    setPassword: "Passwort festlegen",
  },
  links: { forgotPassword: "Passwort vergessen?", backToSignIn: "Zurück zur Anmeldung", requestNewLink: "Neuen Link anfordern", signIn: "Anmelden" },
  signIn: {
    title: "Anmelden",
    intro: "Melden Sie sich an, um Ihr Passwort zu ändern.",
    signedOut: "Sie haben sich abgemeldet.",
  },
  change: {
    title: "Ihr Passwort ändern",
    signedInAs: (name) => `Angemeldet als ${name}.`,
    done: "Passwort geändert",
    doneDetail: "Verwenden Sie ab jetzt das neue Passwort.",
  },
  forgot: {
    title: "Passwort vergessen?",
    intro: "Geben Sie Ihren Anmeldenamen ein. Gehört er zu einem Konto, geht ein Link zum Festlegen eines neuen Passworts an die E-Mail-Adresse dieses Kontos.",
  },
  sent: {
    title: "Prüfen Sie Ihre E-Mails",
    body: "Wenn ein Konto den eingegebenen Anmeldenamen hat, ist ein Link zum Festlegen eines neuen Passworts an seine E-Mail-Adresse unterwegs. Der Link funktioniert einmal und nur für begrenzte Zeit.",
  },
  reset: {
    title: "Neues Passwort festlegen",
    intro: "Wählen Sie das neue Passwort für Ihr Konto.",
    incomplete: "Dieser Link ist unvollständig. Öffnen Sie den ganzen Link aus der E-Mail oder fordern Sie einen neuen an.",
    done: "Passwort festgelegt",
    doneDetail: "Melden Sie sich mit Ihrem neuen Passwort an.",
  },
  oidc: {
    refused: ["Ihr Identitätsanbieter hat Sie nicht angemeldet.", "Melden Sie sich erneut an oder wenden Sie sich an einen Administrator."],
    mismatch: ["Diese Anmeldung wurde nicht hier begonnen oder hat zu lange gedauert.", "Melden Sie sich erneut an."],
    failed: [
      "Die Anmeldung bei Ihrem Identitätsanbieter konnte hier nicht abgeschlossen werden. Es wurde nichts geändert; versuchen Sie es später erneut oder wenden Sie sich an einen Administrator.",
    ],
  },
  rules: {
    heading: "Anforderungen an Ihr neues Passwort:",
    met: "erfüllt",
    unmet: "nicht erfüllt",
    length: (min, max, unit) => `${min} bis ${deCount(max, deUnits[unit])} lang`,
    lowercase: "Ein Kleinbuchstabe (a bis z)",
    uppercase: "Ein Großbuchstabe (A bis Z)",
    digit: "Eine Ziffer (0 bis 9)",
    symbol: "Ein Sonderzeichen, etwa ! # oder -",
    notCommon: "Kein gängiges Passwort (wird beim Absenden geprüft)",
    noContextWords: "Ohne Ihren Benutzernamen oder den Namen Ihrer Organisation (wird beim Absenden geprüft)",
    notBreached: "In keinem bekannten Datenleck enthalten (wird beim Absenden geprüft)",
    notRecent: (count) => `Nicht ${deCount(count, { one: "Ihr letztes Passwort", other: "eines Ihrer letzten # Passwörter" })} (wird beim Absenden geprüft)`,
    lockout: (attempts) => `Ihr Konto wird nach ${deCount(attempts, { one: "# falschen Passwort", other: "# falschen Passwörtern" })} gesperrt.`,
  },
  problem: "Das hat nicht funktioniert",
  page: {
    formExpired: ["Das Formular war abgelaufen. Bitte versuchen Sie es erneut."],
    forgotRateLimited: (minutes) => [
      `Von hier aus oder für diesen Namen wurden zu viele Links zum Zurücksetzen angefordert. Warten Sie ${deCount(minutes, { one: "# Minute", other: "# Minuten" })} und versuchen Sie es dann erneut.`,
    ],
    fillEveryField: ["Füllen Sie alle Felder aus."],
    tooLong: ["Das Passwort ist zu lang: höchstens 72 Bytes (weniger bei Umlauten, Akzenten oder Emoji)."],
    signInAgain: ["Ihre Sitzung ist beendet. Melden Sie sich erneut an."],
    busy: ["Der Dienst ist gerade ausgelastet. Bitte versuchen Sie es gleich noch einmal."],
    unavailable: ["Der Dienst kann gerade nicht antworten. Es wurde nichts geändert; versuchen Sie es gleich noch einmal."],
    internal: ["Beim Dienst ist ein Fehler aufgetreten. Es wurde nichts geändert; bitte versuchen Sie es später erneut."],
  },
  fault: {
    title: "Etwas ist schiefgelaufen",
    body: "Beim Dienst ist ein Fehler aufgetreten, und Ihre Anfrage konnte nicht beantwortet werden. Bitte versuchen Sie es gleich noch einmal.",
    home: "Zurück zur Kontoseite",
  },
  errors: {
    [ID.invalidAuthHeader]: () => ["Ihre Sitzung ist beendet. Melden Sie sich erneut an."],
    [ID.tokenInvalid]: () => ["Ihre Sitzung ist abgelaufen oder wurde durch eine Passwortänderung beendet. Melden Sie sich erneut an."],
    [ID.issuerKeysUnavailable]: () => [
      "Der Dienst kann Anmeldungen gerade nicht prüfen: Er erreicht Ihren Identitätsanbieter nicht.",
      "Versuchen Sie es in einer Minute erneut.",
    ],
    [ID.permissionDenied]: () => ["Ihr Konto darf das nicht.", "Bitten Sie einen Administrator um Zugriff."],
    [ID.userPermissionDenied]: () => ["Ihr Konto darf das für jenes Konto nicht.", "Bitten Sie einen Administrator um Zugriff."],
    [ID.userNotFound]: () => ["Ihr Konto ist hier nicht bekannt oder wurde entfernt.", "Wenden Sie sich an einen Administrator."],
    [ID.resetUserNotFound]: () => ["Dieses Konto existiert nicht oder wurde entfernt."],
    [ID.orgNotFound]: () => ["Diese Organisation existiert nicht."],
    [ID.passwordNotFound]: () => ["Dieses Konto hat kein Passwort, das hier geändert werden kann."],
    [ID.notInitialised]: () => ["Dieses Konto ist noch nicht eingerichtet. Schließen Sie zuerst die Einrichtung ab."],
    [ID.resetNotInitialised]: () => [
      "Dieses Konto ist noch nicht eingerichtet, daher kann sein Passwort nicht zurückgesetzt werden. Schließen Sie zuerst die Einrichtung ab.",
    ],
    [ID.locked]: ({ failedAttempts }) => [
      "Ihr Konto ist gesperrt.",
      `Es wurde nach ${deCount(failedAttempts, deFailed)} gesperrt: Es sind keine Versuche mehr übrig. Bitten Sie einen Administrator, es zu entsperren.`,
    ],
    [ID.passwordEmpty]: () => ["Geben Sie das neue Passwort ein."],
    [ID.noPassword]: () => ["Dieses Konto hat noch kein Passwort, es gibt also keines zu prüfen."],
    [ID.sameAsOld]: () => ["Das neue Passwort ist dasselbe wie Ihr aktuelles. Wählen Sie ein anderes Passwort."],
    [ID.passwordInvalid]: wrongPassword({
      notCorrect: "Das Passwort ist nicht korrekt.",
      failedSoFar: (count) => `Bisherige Fehlversuche: ${count}.`,
      nowLocked: "Ihr Konto ist jetzt gesperrt. Bitten Sie einen Administrator, es zu entsperren.",
      lockedAfter: (left) => `Ihr Konto wird nach ${deCount(left, { one: "# weiteren Fehlversuch", other: "# weiteren Fehlversuchen" })} gesperrt.`,
    }),
    [ID.tooShort]: ({ policy }) => [
      "Das neue Passwort ist zu kurz.",
      policy ? `Es muss mindestens ${deCount(policy.minLength, deUnits[policy.unit])} lang sein.` : "Wählen Sie ein längeres.",
    ],
    [ID.noLowercase]: () => ["Das neue Passwort braucht mindestens einen Kleinbuchstaben (a bis z)."],
    [ID.noUppercase]: () => ["Das neue Passwort braucht mindestens einen Großbuchstaben (A bis Z)."],
    [ID.noNumber]: () => ["Das neue Passwort braucht mindestens eine Ziffer (0 bis 9)."],
    [ID.noSymbol]: () => ["Das neue Passwort braucht mindestens ein Sonderzeichen, etwa ! # oder -."],
    [ID.nulCharacter]: () => ["Das neue Passwort enthält ein Zeichen, das nicht verwendet werden kann (NUL)."],
    [ID.tooLong]: ({ policy }) => [
      "Das neue Passwort ist zu lang.",
      policy ? `Es darf höchstens ${deCount(policy.maxLength, deUnits[policy.unit])} lang sein.` : "Wählen Sie ein kürzeres.",
    ],
    [ID.tooCommon]: () => ["Das neue Passwort gehört zu den gängigsten Passwörtern, die Angreifer zuerst ausprobieren. Wählen Sie ein weniger naheliegendes."],
    [ID.containsContextWord]: () => ["Das neue Passwort enthält Ihren Benutzernamen oder den Namen Ihrer Organisation. Lassen Sie diese weg."],
    [ID.breached]: () => [
      "Das neue Passwort ist in einem Datenleck aufgetaucht, Angreifer kennen es also womöglich schon.",
      "Wählen Sie ein anderes und verwenden Sie dieses auch anderswo nicht mehr.",
    ],
    [ID.breachedCheckUnavailable]: () => [
      "Die Prüfung auf kompromittierte Passwörter antwortet gerade nicht, und Ihre Organisation verlangt sie.",
      "Versuchen Sie es in einer Minute erneut.",
    ],
    [ID.usedBefore]: ({ policy }) => [
      "Sie haben dieses Passwort vor Kurzem verwendet.",
      policy
        ? `Es muss sich von ${deCount(policy.historyCount, { one: "Ihrem letzten Passwort", other: "Ihren letzten # Passwörtern" })} unterscheiden.`
        : "Wählen Sie eines, das Sie noch nicht verwendet haben.",
    ],
    [ID.concurrentChange]: () => ["Ihr Passwort wurde im selben Moment durch eine andere Anfrage geändert. Bitte versuchen Sie es erneut."],
    [ID.checkTooSoon]: () => [
      "Mit diesem Passwort läuft gerade ein anderer Versuch, oder der letzte falsche liegt erst Augenblicke zurück.",
      "Warten Sie einige Sekunden und versuchen Sie es dann erneut.",
    ],
    [ID.atCapacity]: () => ["Der Dienst ist gerade ausgelastet. Bitte versuchen Sie es gleich noch einmal."],
    [ID.validationRateLimited]: () => ["Ihr neues Passwort wurde in kurzer Zeit sehr oft geprüft. Warten Sie eine Minute und versuchen Sie es dann erneut."],
    [ID.resetRateLimited]: () => [
      "Für dieses Konto wurden zu oft Links zum Zurücksetzen angefordert. Warten Sie eine Weile, bevor Sie erneut einen anfordern, und verwenden Sie die neueste E-Mail.",
    ],
    [ID.userBusy]: () => ["Für Ihr Konto laufen zu viele Anfragen gleichzeitig. Warten Sie einen Moment und versuchen Sie es dann erneut."],
    [ID.databaseUnavailable]: () => ["Der Dienst erreicht seine Datenbank gerade nicht. Es wurde nichts geändert; versuchen Sie es gleich noch einmal."],
    [ID.internal]: () => ["Beim Dienst ist ein Fehler aufgetreten. Es wurde nichts geändert; bitte versuchen Sie es später erneut."],
    [ID.codeNotFound]: () => [
      "Dieser Link zum Zurücksetzen ist nicht mehr gültig: Er wurde benutzt, durch einen neueren ersetzt oder nach falschen Versuchen ungültig gemacht.",
      "Fordern Sie einen neuen Link an.",
    ],
    [ID.codeExpired]: () => ["Dieser Link zum Zurücksetzen ist abgelaufen.", "Fordern Sie einen neuen Link an."],
    [ID.codeInvalid]: () => [
      "Der Code in diesem Link stimmt nicht. Öffnen Sie den Link aus der neuesten E-Mail; nach fünf falschen Codes funktioniert er nicht mehr.",
    ],
    [ID.smsUnimplemented]: () => ["Codes zum Zurücksetzen können hier nicht per SMS gesendet werden. Fordern Sie einen per E-Mail an."],
    [ID.mailNotConfigured]: () => [
      "Dieser Dienst versendet keine E-Mails, daher kann kein Link zum Zurücksetzen verschickt werden.",
      "Bitten Sie einen Administrator um einen Code zum Zurücksetzen.",
    ],
    [ID.noEmail]: () => ["Dieses Konto hat keine E-Mail-Adresse, an die ein Link zum Zurücksetzen gehen könnte.", "Wenden Sie sich an einen Administrator."],
    [ID.invalidUrlTemplate]: () => [
      "Der Link für die E-Mail zum Zurücksetzen ist ungültig: Er darf nur {{.UserID}}, {{.Code}} und {{.OrgID}} enthalten und muss eine http(s)-Adresse sein.",
    ],
    [ID.sessionUserMissing]: () => ["Ein Passwort wurde geprüft, bevor das Konto genannt war. Geben Sie Ihren Anmeldenamen ein."],
    [ID.sessionUserNotFound]: () => ["Kein Konto hat diesen Anmeldenamen. Prüfen Sie den eingegebenen Namen."],
    [ID.sessionUserNotActive]: () => [
      "Ihr Konto ist gesperrt oder nicht aktiv und kann sich daher nicht anmelden. Bitten Sie einen Administrator, es zu entsperren.",
    ],
    [ID.sessionNotFound]: () => ["Ihre Sitzung ist beendet. Melden Sie sich erneut an."],
    [ID.sessionExpired]: () => ["Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an."],
    [ID.sessionTokenInvalid]: () => ["Ihre Sitzung wurde durch eine neuere ersetzt. Melden Sie sich erneut an."],
    [ID.sessionLifetime]: () => ["Die Lebensdauer einer Sitzung muss positiv sein."],
    [ID.lockedDuringCheck]: ({ failedAttempts }) => [
      "Ihr Konto wurde gesperrt, während Ihr Passwort geprüft wurde.",
      `Es wurde nach ${deCount(failedAttempts, deFailed)} gesperrt. Bitten Sie einen Administrator, es zu entsperren.`,
    ],
    [ID.sessionCheckUnimplemented]: () => ["Bei diesem Dienst meldet man sich nur mit Anmeldenamen und Passwort an."],
    [ID.sessionLimit]: () => ["Die Anmeldeanfrage enthielt mehr, als dieser Dienst speichert."],
  },
};

const frCount = counter("fr");
const frUnits: Units = { bytes: { one: "# octet", other: "# octets" }, characters: { one: "# caractère", other: "# caractères" } };
const frFailed: Forms = { one: "# tentative échouée", other: "# tentatives échouées" };

const fr: PageTexts = {
  language: { label: "Langue", button: "Changer de langue" },
  labels: { loginName: "Identifiant", password: "Mot de passe", currentPassword: "Mot de passe actuel", newPassword: "Nouveau mot de passe" },
  buttons: {
    signIn: "Se connecter",
    changePassword: "Changer le mot de passe",
    signOut: "Se déconnecter",
    sendResetLink: "Envoyer le lien de réinitialisation",
    setPassword: "Définir le mot de passe",
  },
  links: { forgotPassword: "Mot de passe oublié ?", backToSignIn: "Retour à la connexion", requestNewLink: "Demander un nouveau lien", signIn: "Se connecter" },
  signIn: {
    title: "Connexion",
    intro: "Connectez-vous pour changer votre mot de passe.",
    signedOut: "Déconnexion effectuée.",
  },
  change: {
    title: "Changer votre mot de passe",
    signedInAs: (name) => `Connecté en tant que ${name}.`,
    done: "Mot de passe changé",
    doneDetail: "Utilisez désormais le nouveau mot de passe.",
  },
  forgot: {
    title: "Mot de passe oublié ?",
    intro: "Saisissez votre identifiant. S'il correspond à un compte, un lien pour définir un nouveau mot de passe est envoyé à l'adresse e-mail de ce compte.",
  },
  sent: {
    title: "Consultez vos e-mails",
    body: "Si un compte porte l'identifiant saisi, un lien pour définir un nouveau mot de passe est en route vers son adresse e-mail. Le lien ne fonctionne qu'une fois, pendant une durée limitée.",
  },
  reset: {
    title: "Définir un nouveau mot de passe",
    intro: "Choisissez le nouveau mot de passe de votre compte.",
    incomplete: "Ce lien est incomplet. Ouvrez le lien entier depuis l'e-mail, ou demandez-en un nouveau.",
    done: "Mot de passe défini",
    doneDetail: "Connectez-vous avec votre nouveau mot de passe.",
  },
  oidc: {
    refused: ["Votre fournisseur d'identité ne vous a pas connecté.", "Connectez-vous à nouveau ou contactez un administrateur."],
    mismatch: ["Cette connexion n'a pas été commencée ici, ou elle a pris trop de temps.", "Connectez-vous à nouveau."],
    failed: [
      "La connexion auprès de votre fournisseur d'identité n'a pas pu aboutir ici. Rien n'a été modifié ; réessayez plus tard ou contactez un administrateur.",
    ],
  },
  rules: {
    heading: "Exigences pour votre nouveau mot de passe :",
    met: "conforme",
    unmet: "non conforme",
    length: (min, max, unit) => `Entre ${min} et ${frCount(max, frUnits[unit])}`,
    lowercase: "Une lettre minuscule (a à z)",
    uppercase: "Une lettre majuscule (A à Z)",
    digit: "Un chiffre (0 à 9)",
    symbol: "Un caractère spécial, comme ! # ou -",
    notCommon: "Pas un mot de passe courant (vérifié à l'envoi)",
    noContextWords: "Sans votre nom d'utilisateur ni le nom de votre organisation (vérifié à l'envoi)",
    notBreached: "Absent des fuites de données connues (vérifié à l'envoi)",
    notRecent: (count) => `Différent de ${frCount(count, { one: "votre dernier mot de passe", other: "vos # derniers mots de passe" })} (vérifié à l'envoi)`,
    lockout: (attempts) => `Votre compte est verrouillé après ${frCount(attempts, { one: "# mot de passe erroné", other: "# mots de passe erronés" })}.`,
  },
  problem: "Cela n'a pas fonctionné",
  page: {
    formExpired: ["Le formulaire avait expiré. Veuillez réessayer."],
    forgotRateLimited: (minutes) => [
      `Trop de liens de réinitialisation ont été demandés depuis cet endroit ou pour cet identifiant. Attendez ${frCount(minutes, { one: "# minute", other: "# minutes" })}, puis réessayez.`,
    ],
    fillEveryField: ["Remplissez tous les champs."],
    tooLong: ["Le mot de passe est trop long : 72 octets au maximum (moins avec des lettres accentuées ou des emoji)."],
    signInAgain: ["Votre session a pris fin. Reconnectez-vous."],
    busy: ["Le service est très sollicité en ce moment. Veuillez réessayer dans un instant."],
    unavailable: ["Le service ne peut pas répondre pour le moment. Rien n'a été modifié ; réessayez dans un instant."],
    internal: ["Une erreur s'est produite du côté du service. Rien n'a été modifié ; veuillez réessayer plus tard."],
  },
  fault: {
    title: "Un problème est survenu",
    body: "Une erreur s'est produite du côté du service et votre demande n'a pas pu aboutir. Veuillez réessayer dans un instant.",
    home: "Retour à la page du compte",
  },
  errors: {
    [ID.invalidAuthHeader]: () => ["Votre session a pris fin. Reconnectez-vous."],
    [ID.tokenInvalid]: () => ["Votre session a pris fin, ou un changement de mot de passe y a mis fin. Reconnectez-vous."],
    [ID.issuerKeysUnavailable]: () => [
      "Le service ne peut pas vérifier les connexions pour le moment : il n'arrive pas à joindre votre fournisseur d'identité.",
      "Réessayez dans une minute.",
    ],
    [ID.permissionDenied]: () => ["Votre compte n'est pas autorisé à faire cela.", "Demandez l'accès à un administrateur."],
    [ID.userPermissionDenied]: () => ["Votre compte n'est pas autorisé à faire cela pour ce compte.", "Demandez l'accès à un administrateur."],
    [ID.userNotFound]: () => ["Votre compte n'est pas connu ici, ou a été supprimé.", "Adressez-vous à un administrateur."],
    [ID.resetUserNotFound]: () => ["Ce compte n'existe pas, ou a été supprimé."],
    [ID.orgNotFound]: () => ["Cette organisation n'existe pas."],
    [ID.passwordNotFound]: () => ["Ce compte n'a pas de mot de passe modifiable ici."],
    [ID.notInitialised]: () => ["Ce compte n'est pas encore configuré. Terminez d'abord sa configuration."],
    [ID.resetNotInitialised]: () => [
      "Ce compte n'est pas encore configuré, son mot de passe ne peut donc pas être réinitialisé. Terminez d'abord sa configuration.",
    ],
    [ID.locked]: ({ failedAttempts }) => [
      "Votre compte est verrouillé.",
      `Il a été verrouillé après ${frCount(failedAttempts, frFailed)} : il ne reste plus aucune tentative. Demandez à un administrateur de le déverrouiller.`,
    ],
    [ID.passwordEmpty]: () => ["Saisissez le nouveau mot de passe."],
    [ID.noPassword]: () => ["Ce compte n'a pas encore de mot de passe, il n'y a donc rien à vérifier."],
    [ID.sameAsOld]: () => ["Le nouveau mot de passe est identique à l'actuel. Choisissez un autre mot de passe."],
    [ID.passwordInvalid]: wrongPassword({
      notCorrect: "Le mot de passe est incorrect.",
      failedSoFar: (count) => `Tentatives échouées jusqu'ici : ${count}.`,
      nowLocked: "Votre compte est maintenant verrouillé. Demandez à un administrateur de le déverrouiller.",
      lockedAfter: (left) =>
        `Votre compte sera verrouillé après ${frCount(left, { one: "# autre tentative échouée", other: "# autres tentatives échouées" })}.`,
    }),
    [ID.tooShort]: ({ policy }) => [
      "Le nouveau mot de passe est trop court.",
      policy ? `Il doit comporter au moins ${frCount(policy.minLength, frUnits[policy.unit])}.` : "Allongez-le.",
    ],
    [ID.noLowercase]: () => ["Le nouveau mot de passe doit contenir au moins une lettre minuscule (a à z)."],
    [ID.noUppercase]: () => ["Le nouveau mot de passe doit contenir au moins une lettre majuscule (A à Z)."],
    [ID.noNumber]: () => ["Le nouveau mot de passe doit contenir au moins un chiffre (0 à 9)."],
    [ID.noSymbol]: () => ["Le nouveau mot de passe doit contenir au moins un caractère spécial, comme ! # ou -."],
    [ID.nulCharacter]: () => ["Le nouveau mot de passe contient un caractère interdit (NUL)."],
    [ID.tooLong]: ({ policy }) => [
      "Le nouveau mot de passe est trop long.",
      policy ? `Il peut comporter au plus ${frCount(policy.maxLength, frUnits[policy.unit])}.` : "Raccourcissez-le.",
    ],
    [ID.tooCommon]: () => [
      "Le nouveau mot de passe fait partie des plus courants, ceux que les attaquants essaient en premier. Choisissez-en un moins évident.",
    ],
    [ID.containsContextWord]: () => ["Le nouveau mot de passe contient votre nom d'utilisateur ou le nom de votre organisation. Retirez-les."],
    [ID.breached]: () => [
      "Le nouveau mot de passe figure dans une fuite de données : des attaquants le connaissent peut-être déjà.",
      "Choisissez-en un autre, et ne l'utilisez nulle part ailleurs non plus.",
    ],
    [ID.breachedCheckUnavailable]: () => [
      "La vérification des mots de passe compromis ne répond pas pour le moment, et votre organisation l'exige.",
      "Réessayez dans une minute.",
    ],
    [ID.usedBefore]: ({ policy }) => [
      "Vous avez utilisé ce mot de passe récemment.",
      policy
        ? `Il doit être différent de ${frCount(policy.historyCount, { one: "votre dernier mot de passe", other: "vos # derniers mots de passe" })}.`
        : "Choisissez-en un que vous n'avez jamais utilisé.",
    ],
    [ID.concurrentChange]: () => ["Votre mot de passe a été modifié au même moment par une autre requête. Veuillez réessayer."],
    [ID.checkTooSoon]: () => [
      "Une autre tentative avec ce mot de passe est en cours, ou la dernière erreur date d'il y a quelques instants.",
      "Attendez quelques secondes, puis réessayez.",
    ],
    [ID.atCapacity]: () => ["Le service est très sollicité en ce moment. Veuillez réessayer dans un instant."],
    [ID.validationRateLimited]: () => ["Votre nouveau mot de passe a été vérifié très souvent en peu de temps. Attendez une minute, puis réessayez."],
    [ID.resetRateLimited]: () => [
      "Trop de liens de réinitialisation ont été demandés pour ce compte. Attendez un moment avant d'en redemander un, et utilisez l'e-mail le plus récent.",
    ],
    [ID.userBusy]: () => ["Trop de requêtes pour votre compte sont en cours en même temps. Attendez un instant, puis réessayez."],
    [ID.databaseUnavailable]: () => [
      "Le service ne parvient pas à joindre sa base de données pour le moment. Rien n'a été modifié ; réessayez dans un instant.",
    ],
    [ID.internal]: () => ["Une erreur s'est produite du côté du service. Rien n'a été modifié ; veuillez réessayer plus tard."],
    [ID.codeNotFound]: () => [
      "Ce lien de réinitialisation n'est plus valide : il a été utilisé, remplacé par un plus récent, ou annulé après des essais erronés.",
      "Demandez un nouveau lien.",
    ],
    [ID.codeExpired]: () => ["Ce lien de réinitialisation a expiré.", "Demandez un nouveau lien."],
    [ID.codeInvalid]: () => ["Le code de ce lien est incorrect. Ouvrez le lien du dernier e-mail ; après cinq codes erronés, il ne fonctionne plus."],
    [ID.smsUnimplemented]: () => ["Les codes de réinitialisation ne peuvent pas être envoyés par SMS ici. Demandez-en un par e-mail."],
    [ID.mailNotConfigured]: () => [
      "Ce service n'envoie pas d'e-mails, aucun lien de réinitialisation ne peut donc être envoyé.",
      "Demandez un code de réinitialisation à un administrateur.",
    ],
    [ID.noEmail]: () => ["Ce compte n'a pas d'adresse e-mail à laquelle envoyer un lien de réinitialisation.", "Adressez-vous à un administrateur."],
    [ID.invalidUrlTemplate]: () => [
      "Le lien de l'e-mail de réinitialisation n'est pas valide : il ne peut contenir que {{.UserID}}, {{.Code}} et {{.OrgID}}, et doit être une adresse http(s).",
    ],
    [ID.sessionUserMissing]: () => ["Un mot de passe a été vérifié avant que le compte soit indiqué. Saisissez votre identifiant."],
    [ID.sessionUserNotFound]: () => ["Aucun compte n'a cet identifiant. Vérifiez l'identifiant saisi."],
    [ID.sessionUserNotActive]: () => [
      "Votre compte est verrouillé ou inactif, il ne peut donc pas se connecter. Demandez à un administrateur de le déverrouiller.",
    ],
    [ID.sessionNotFound]: () => ["Votre session a pris fin. Reconnectez-vous."],
    [ID.sessionExpired]: () => ["Votre session a expiré. Reconnectez-vous."],
    [ID.sessionTokenInvalid]: () => ["Votre session a été remplacée par une plus récente. Reconnectez-vous."],
    [ID.sessionLifetime]: () => ["La durée de vie d'une session doit être positive."],
    [ID.lockedDuringCheck]: ({ failedAttempts }) => [
      "Votre compte a été verrouillé pendant la vérification de votre mot de passe.",
      `Il a été verrouillé après ${frCount(failedAttempts, frFailed)}. Demandez à un administrateur de le déverrouiller.`,
    ],
    [ID.sessionCheckUnimplemented]: () => ["Ce service ne permet de se connecter qu'avec un identifiant et un mot de passe."],
    [ID.sessionLimit]: () => ["La demande de connexion contenait plus que ce que ce service conserve."],
  },
};

const itCount = counter("it");
const itUnits: Units = { bytes: { other: "# byte" }, characters: { one: "# carattere", other: "# caratteri" } };
const itFailed: Forms = { one: "# tentativo fallito", other: "# tentativi falliti" };

const it: PageTexts = {
  language: { label: "Lingua", button: "Cambia lingua" },
  labels: { loginName: "Nome di accesso", password: "Password", currentPassword: "Password attuale", newPassword: "Nuova password" },
  buttons: {
    signIn: "Accedi",
    changePassword: "Cambia password",
    signOut: "Esci",
    sendResetLink: "Invia link di reimpostazione",
    setPassword: "Imposta password",
  },
  links: { forgotPassword: "Password dimenticata?", backToSignIn: "Torna all'accesso", requestNewLink: "Richiedi un nuovo link", signIn: "Accedi" },
  signIn: {
    title: "Accedi",
    intro: "Accedi per cambiare la tua password.",
    signedOut: "Disconnessione effettuata.",
  },
  change: {
    title: "Cambia la tua password",
    signedInAs: (name) => `Accesso effettuato come ${name}.`,
    done: "Password cambiata",
    doneDetail: "D'ora in poi usa la nuova password.",
  },
  forgot: {
    title: "Password dimenticata?",
    intro:
      "Inserisci il tuo nome di accesso. Se appartiene a un account, all'indirizzo email di quell'account arriverà un link per impostare una nuova password.",
  },
  sent: {
    title: "Controlla la tua email",
    body: "Se esiste un account con il nome di accesso che hai inserito, un link per impostare una nuova password è in arrivo al suo indirizzo email. Il link funziona una sola volta, per un tempo limitato.",
  },
  reset: {
    title: "Imposta una nuova password",
    intro: "Scegli la nuova password per il tuo account.",
    incomplete: "Questo link è incompleto. Apri il link completo dall'email, oppure richiedine uno nuovo.",
    done: "Password impostata",
    doneDetail: "Accedi con la tua nuova password.",
  },
  oidc: {
    refused: ["Il tuo provider di identità non ti ha fatto accedere.", "Accedi di nuovo o rivolgiti a un amministratore."],
    mismatch: ["Questo accesso non è stato avviato qui, oppure ha richiesto troppo tempo.", "Accedi di nuovo."],
    failed: [
      "Non è stato possibile completare qui l'accesso tramite il tuo provider di identità. Non è stato modificato nulla; riprova più tardi o rivolgiti a un amministratore.",
    ],
  },
  rules: {
    heading: "Requisiti della nuova password:",
    met: "soddisfatto",
    unmet: "non soddisfatto",
    length: (min, max, unit) => `Da ${min} a ${itCount(max, itUnits[unit])}`,
    lowercase: "Una lettera minuscola (dalla a alla z)",
    uppercase: "Una lettera maiuscola (dalla A alla Z)",
    digit: "Un numero (da 0 a 9)",
    symbol: "Un carattere speciale, come ! # o -",
    notCommon: "Non una password comune (verificato all'invio)",
    noContextWords: "Senza il tuo nome utente o il nome della tua organizzazione (verificato all'invio)",
    notBreached: "Assente dalle violazioni di dati note (verificato all'invio)",
    notRecent: (count) => `Diversa da ${itCount(count, { one: "la tua ultima password", other: "le tue ultime # password" })} (verificato all'invio)`,
    lockout: (attempts) => `Il tuo account si blocca dopo ${itCount(attempts, { one: "# password errata", other: "# password errate" })}.`,
  },
  problem: "Non ha funzionato",
  page: {
    formExpired: ["Il modulo era scaduto. Riprova."],
    forgotRateLimited: (minutes) => [
      `Sono stati richiesti troppi link di reimpostazione da qui o per questo nome. Attendi ${itCount(minutes, { one: "# minuto", other: "# minuti" })}, poi riprova.`,
    ],
    fillEveryField: ["Compila tutti i campi."],
    tooLong: ["La password è troppo lunga: al massimo 72 byte (meno con lettere accentate o emoji)."],
    signInAgain: ["La tua sessione è terminata. Accedi di nuovo."],
    busy: ["Il servizio è occupato in questo momento. Riprova tra poco."],
    unavailable: ["Il servizio non può rispondere in questo momento. Non è stato modificato nulla; riprova tra poco."],
    internal: ["Si è verificato un errore da parte del servizio. Non è stato modificato nulla; riprova più tardi."],
  },
  fault: {
    title: "Qualcosa è andato storto",
    body: "Si è verificato un errore da parte del servizio e non è stato possibile rispondere alla tua richiesta. Riprova tra poco.",
    home: "Torna alla pagina dell'account",
  },
  errors: {
    [ID.invalidAuthHeader]: () => ["La tua sessione è terminata. Accedi di nuovo."],
    [ID.tokenInvalid]: () => ["La tua sessione è terminata, o è stata chiusa da un cambio di password. Accedi di nuovo."],
    [ID.issuerKeysUnavailable]: () => [
      "Il servizio non può verificare gli accessi in questo momento: non riesce a raggiungere il tuo provider di identità.",
      "Riprova tra un minuto.",
    ],
    [ID.permissionDenied]: () => ["Il tuo account non è autorizzato a farlo.", "Chiedi l'accesso a un amministratore."],
    [ID.userPermissionDenied]: () => ["Il tuo account non è autorizzato a farlo per quell'account.", "Chiedi l'accesso a un amministratore."],
    [ID.userNotFound]: () => ["Il tuo account non è noto qui, oppure è stato rimosso.", "Rivolgiti a un amministratore."],
    [ID.resetUserNotFound]: () => ["Quell'account non esiste, oppure è stato rimosso."],
    [ID.orgNotFound]: () => ["Quell'organizzazione non esiste."],
    [ID.passwordNotFound]: () => ["Questo account non ha una password modificabile qui."],
    [ID.notInitialised]: () => ["Questo account non è ancora configurato. Completa prima la configurazione."],
    [ID.resetNotInitialised]: () => [
      "Questo account non è ancora configurato, quindi la sua password non può essere reimpostata. Completa prima la configurazione.",
    ],
    [ID.locked]: ({ failedAttempts }) => [
      "Il tuo account è bloccato.",
      `È stato bloccato dopo ${itCount(failedAttempts, itFailed)}: non restano altri tentativi. Chiedi a un amministratore di sbloccarlo.`,
    ],
    [ID.passwordEmpty]: () => ["Inserisci la nuova password."],
    [ID.noPassword]: () => ["Questo account non ha ancora una password, quindi non c'è nulla da verificare."],
    [ID.sameAsOld]: () => ["La nuova password è uguale a quella attuale. Scegli una password diversa."],
    [ID.passwordInvalid]: wrongPassword({
      notCorrect: "La password non è corretta.",
      failedSoFar: (count) => `Tentativi falliti finora: ${count}.`,
      nowLocked: "Il tuo account è ora bloccato. Chiedi a un amministratore di sbloccarlo.",
      lockedAfter: (left) => `Il tuo account verrà bloccato dopo ${itCount(left, { one: "# altro tentativo fallito", other: "altri # tentativi falliti" })}.`,
    }),
    [ID.tooShort]: ({ policy }) => [
      "La nuova password è troppo corta.",
      policy ? `Deve avere almeno ${itCount(policy.minLength, itUnits[policy.unit])}.` : "Allungala.",
    ],
    [ID.noLowercase]: () => ["La nuova password deve contenere almeno una lettera minuscola (dalla a alla z)."],
    [ID.noUppercase]: () => ["La nuova password deve contenere almeno una lettera maiuscola (dalla A alla Z)."],
    [ID.noNumber]: () => ["La nuova password deve contenere almeno un numero (da 0 a 9)."],
    [ID.noSymbol]: () => ["La nuova password deve contenere almeno un carattere speciale, come ! # o -."],
    [ID.nulCharacter]: () => ["La nuova password contiene un carattere non utilizzabile (NUL)."],
    [ID.tooLong]: ({ policy }) => [
      "La nuova password è troppo lunga.",
      policy ? `Può avere al massimo ${itCount(policy.maxLength, itUnits[policy.unit])}.` : "Accorciala.",
    ],
    [ID.tooCommon]: () => ["La nuova password è tra le più comuni, quelle che gli attaccanti provano per prime. Scegline una meno ovvia."],
    [ID.containsContextWord]: () => ["La nuova password contiene il tuo nome utente o il nome della tua organizzazione. Toglili."],
    [ID.breached]: () => [
      "La nuova password è comparsa in una violazione di dati, quindi gli attaccanti potrebbero già conoscerla.",
      "Scegline un'altra e non usare questa nemmeno altrove.",
    ],
    [ID.breachedCheckUnavailable]: () => [
      "Il controllo delle password compromesse non risponde in questo momento, e la tua organizzazione lo richiede.",
      "Riprova tra un minuto.",
    ],
    [ID.usedBefore]: ({ policy }) => [
      "Hai usato questa password di recente.",
      policy
        ? `Deve essere diversa da ${itCount(policy.historyCount, { one: "la tua ultima password", other: "le tue ultime # password" })}.`
        : "Scegline una che non hai mai usato.",
    ],
    [ID.concurrentChange]: () => ["La tua password è stata modificata nello stesso momento da un'altra richiesta. Riprova."],
    [ID.checkTooSoon]: () => [
      "È in corso un altro tentativo con questa password, oppure l'ultimo errato risale a pochi istanti fa.",
      "Attendi qualche secondo, poi riprova.",
    ],
    [ID.atCapacity]: () => ["Il servizio è occupato in questo momento. Riprova tra poco."],
    [ID.validationRateLimited]: () => ["La tua nuova password è stata verificata molte volte in poco tempo. Attendi un minuto, poi riprova."],
    [ID.resetRateLimited]: () => [
      "Per questo account sono stati richiesti troppi link di reimpostazione. Attendi un po' prima di richiederne un altro, e usa l'email più recente.",
    ],
    [ID.userBusy]: () => ["Ci sono troppe richieste in corso per il tuo account. Attendi un momento, poi riprova."],
    [ID.databaseUnavailable]: () => ["Il servizio non riesce a raggiungere il suo database in questo momento. Non è stato modificato nulla; riprova tra poco."],
    [ID.internal]: () => ["Si è verificato un errore da parte del servizio. Non è stato modificato nulla; riprova più tardi."],
    [ID.codeNotFound]: () => [
      "Questo link di reimpostazione non è più valido: è stato usato, sostituito da uno più recente o annullato dopo tentativi errati.",
      "Richiedi un nuovo link.",
    ],
    [ID.codeExpired]: () => ["Questo link di reimpostazione è scaduto.", "Richiedi un nuovo link."],
    [ID.codeInvalid]: () => ["Il codice in questo link non è corretto. Apri il link dell'email più recente; dopo cinque codici errati smette di funzionare."],
    [ID.smsUnimplemented]: () => ["Qui i codici di reimpostazione non possono essere inviati via SMS. Richiedine uno via email."],
    [ID.mailNotConfigured]: () => [
      "Questo servizio non invia email, quindi non è possibile inviare un link di reimpostazione.",
      "Chiedi a un amministratore un codice di reimpostazione.",
    ],
    [ID.noEmail]: () => ["Questo account non ha un indirizzo email a cui inviare un link di reimpostazione.", "Rivolgiti a un amministratore."],
    [ID.invalidUrlTemplate]: () => [
      "Il link per l'email di reimpostazione non è valido: può contenere solo {{.UserID}}, {{.Code}} e {{.OrgID}}, e deve essere un indirizzo http(s).",
    ],
    [ID.sessionUserMissing]: () => ["È stata verificata una password prima di indicare l'account. Inserisci il tuo nome di accesso."],
    [ID.sessionUserNotFound]: () => ["Nessun account ha quel nome di accesso. Controlla il nome che hai inserito."],
    [ID.sessionUserNotActive]: () => ["Il tuo account è bloccato o non attivo, quindi non può accedere. Chiedi a un amministratore di sbloccarlo."],
    [ID.sessionNotFound]: () => ["La tua sessione è terminata. Accedi di nuovo."],
    [ID.sessionExpired]: () => ["La tua sessione è scaduta. Accedi di nuovo."],
    [ID.sessionTokenInvalid]: () => ["La tua sessione è stata sostituita da una più recente. Accedi di nuovo."],
    [ID.sessionLifetime]: () => ["La durata di una sessione deve essere positiva."],
    [ID.lockedDuringCheck]: ({ failedAttempts }) => [
      "Il tuo account è stato bloccato mentre la tua password veniva verificata.",
      `È stato bloccato dopo ${itCount(failedAttempts, itFailed)}. Chiedi a un amministratore di sbloccarlo.`,
    ],
    [ID.sessionCheckUnimplemented]: () => ["Questo servizio consente l'accesso solo con nome di accesso e password."],
    [ID.sessionLimit]: () => ["La richiesta di accesso conteneva più di quanto questo servizio conserva."],
  },
};

const esCount = counter("es");
const esUnits: Units = { bytes: { one: "# byte", other: "# bytes" }, characters: { one: "# carácter", other: "# caracteres" } };
const esFailed: Forms = { one: "# intento fallido", other: "# intentos fallidos" };

const es: PageTexts = {
  language: { label: "Idioma", button: "Cambiar idioma" },
  labels: { loginName: "Nombre de inicio de sesión", password: "Contraseña", currentPassword: "Contraseña actual", newPassword: "Nueva contraseña" },
  buttons: {
    signIn: "Iniciar sesión",
    changePassword: "Cambiar contraseña",
    signOut: "Cerrar sesión",
    sendResetLink: "Enviar enlace de restablecimiento",
    setPassword: "Establecer contraseña",
  },
  links: {
    forgotPassword: "¿Ha olvidado su contraseña?",
    backToSignIn: "Volver a iniciar sesión",
    requestNewLink: "Solicitar un enlace nuevo",
    signIn: "Iniciar sesión",
  },
  signIn: {
    title: "Iniciar sesión",
    intro: "Inicie sesión para cambiar su contraseña.",
    signedOut: "Ha cerrado la sesión.",
  },
  change: {
    title: "Cambiar su contraseña",
    signedInAs: (name) => `Sesión iniciada como ${name}.`,
    done: "Contraseña cambiada",
    doneDetail: "A partir de ahora, use la nueva contraseña.",
  },
  forgot: {
    title: "¿Ha olvidado su contraseña?",
    intro:
      "Escriba su nombre de inicio de sesión. Si pertenece a una cuenta, se enviará un enlace para establecer una nueva contraseña a la dirección de correo electrónico de esa cuenta.",
  },
  sent: {
    title: "Revise su correo",
    body: "Si hay una cuenta con el nombre de inicio de sesión que escribió, va de camino a su dirección de correo electrónico un enlace para establecer una nueva contraseña. El enlace funciona una sola vez y durante un tiempo limitado.",
  },
  reset: {
    title: "Establecer una nueva contraseña",
    intro: "Elija la nueva contraseña para su cuenta.",
    incomplete: "Este enlace está incompleto. Abra el enlace completo del correo o solicite uno nuevo.",
    done: "Contraseña establecida",
    doneDetail: "Inicie sesión con su nueva contraseña.",
  },
  oidc: {
    refused: ["Su proveedor de identidad no ha iniciado su sesión.", "Inicie sesión de nuevo o consulte a un administrador."],
    mismatch: ["Este inicio de sesión no se empezó aquí o ha tardado demasiado.", "Inicie sesión de nuevo."],
    failed: [
      "No se ha podido completar aquí el inicio de sesión de su proveedor de identidad. No se ha cambiado nada; inténtelo más tarde o consulte a un administrador.",
    ],
  },
  rules: {
    heading: "Requisitos de la nueva contraseña:",
    met: "cumplido",
    unmet: "no cumplido",
    length: (min, max, unit) => `De ${min} a ${esCount(max, esUnits[unit])}`,
    lowercase: "Una letra minúscula (de la a a la z)",
    uppercase: "Una letra mayúscula (de la A a la Z)",
    digit: "Un número (del 0 al 9)",
    symbol: "Un carácter especial, como ! # o -",
    notCommon: "No ser una contraseña común (se comprueba al enviar)",
    noContextWords: "Sin su nombre de usuario ni el nombre de su organización (se comprueba al enviar)",
    notBreached: "No figurar en filtraciones de datos conocidas (se comprueba al enviar)",
    notRecent: (count) => `Distinta de ${esCount(count, { one: "su última contraseña", other: "sus últimas # contraseñas" })} (se comprueba al enviar)`,
    lockout: (attempts) => `Su cuenta se bloquea tras ${esCount(attempts, { one: "# contraseña incorrecta", other: "# contraseñas incorrectas" })}.`,
  },
  problem: "No ha funcionado",
  page: {
    formExpired: ["El formulario había caducado. Inténtelo de nuevo."],
    forgotRateLimited: (minutes) => [
      `Se han solicitado demasiados enlaces de restablecimiento desde aquí o para este nombre. Espere ${esCount(minutes, { one: "# minuto", other: "# minutos" })} y vuelva a intentarlo.`,
    ],
    fillEveryField: ["Rellene todos los campos."],
    tooLong: ["La contraseña es demasiado larga: 72 bytes como máximo (menos con letras acentuadas o emojis)."],
    signInAgain: ["Su sesión ha terminado. Vuelva a iniciar sesión."],
    busy: ["El servicio está ocupado en este momento. Inténtelo de nuevo en unos instantes."],
    unavailable: ["El servicio no puede responder en este momento. No se ha cambiado nada; inténtelo de nuevo en unos instantes."],
    internal: ["Algo ha fallado en el servicio. No se ha cambiado nada; inténtelo de nuevo más tarde."],
  },
  fault: {
    title: "Algo ha fallado",
    body: "Algo ha fallado en el servicio y no se ha podido responder a su solicitud. Inténtelo de nuevo en unos instantes.",
    home: "Volver a la página de la cuenta",
  },
  errors: {
    [ID.invalidAuthHeader]: () => ["Su sesión ha terminado. Vuelva a iniciar sesión."],
    [ID.tokenInvalid]: () => ["Su sesión ha terminado o la ha cerrado un cambio de contraseña. Vuelva a iniciar sesión."],
    [ID.issuerKeysUnavailable]: () => [
      "El servicio no puede comprobar los inicios de sesión en este momento: no consigue conectar con su proveedor de identidad.",
      "Inténtelo de nuevo en un minuto.",
    ],
    [ID.permissionDenied]: () => ["Su cuenta no tiene permiso para hacer esto.", "Pida acceso a un administrador."],
    [ID.userPermissionDenied]: () => ["Su cuenta no tiene permiso para hacer esto con esa cuenta.", "Pida acceso a un administrador."],
    [ID.userNotFound]: () => ["Su cuenta no se conoce aquí o se ha eliminado.", "Consulte a un administrador."],
    [ID.resetUserNotFound]: () => ["Esa cuenta no existe o se ha eliminado."],
    [ID.orgNotFound]: () => ["Esa organización no existe."],
    [ID.passwordNotFound]: () => ["Esta cuenta no tiene ninguna contraseña que se pueda cambiar aquí."],
    [ID.notInitialised]: () => ["Esta cuenta aún no está configurada. Termine primero de configurarla."],
    [ID.resetNotInitialised]: () => ["Esta cuenta aún no está configurada, por lo que no se puede restablecer su contraseña. Termine primero de configurarla."],
    [ID.locked]: ({ failedAttempts }) => [
      "Su cuenta está bloqueada.",
      `Se bloqueó tras ${esCount(failedAttempts, esFailed)}: no quedan intentos. Pida a un administrador que la desbloquee.`,
    ],
    [ID.passwordEmpty]: () => ["Escriba la nueva contraseña."],
    [ID.noPassword]: () => ["Esta cuenta aún no tiene contraseña, así que no hay ninguna que comprobar."],
    [ID.sameAsOld]: () => ["La nueva contraseña es igual a la actual. Elija una contraseña distinta."],
    [ID.passwordInvalid]: wrongPassword({
      notCorrect: "La contraseña no es correcta.",
      failedSoFar: (count) => `Intentos fallidos hasta ahora: ${count}.`,
      nowLocked: "Su cuenta está ahora bloqueada. Pida a un administrador que la desbloquee.",
      lockedAfter: (left) => `Su cuenta se bloqueará tras ${esCount(left, { one: "# intento fallido más", other: "# intentos fallidos más" })}.`,
    }),
    [ID.tooShort]: ({ policy }) => [
      "La nueva contraseña es demasiado corta.",
      policy ? `Debe tener al menos ${esCount(policy.minLength, esUnits[policy.unit])}.` : "Alárguela.",
    ],
    [ID.noLowercase]: () => ["La nueva contraseña necesita al menos una letra minúscula (de la a a la z)."],
    [ID.noUppercase]: () => ["La nueva contraseña necesita al menos una letra mayúscula (de la A a la Z)."],
    [ID.noNumber]: () => ["La nueva contraseña necesita al menos un número (del 0 al 9)."],
    [ID.noSymbol]: () => ["La nueva contraseña necesita al menos un carácter especial, como ! # o -."],
    [ID.nulCharacter]: () => ["La nueva contraseña contiene un carácter que no se puede usar (NUL)."],
    [ID.tooLong]: ({ policy }) => [
      "La nueva contraseña es demasiado larga.",
      policy ? `Puede tener como máximo ${esCount(policy.maxLength, esUnits[policy.unit])}.` : "Acórtela.",
    ],
    [ID.tooCommon]: () => ["La nueva contraseña es una de las más comunes, las que los atacantes prueban primero. Elija una menos obvia."],
    [ID.containsContextWord]: () => ["La nueva contraseña contiene su nombre de usuario o el nombre de su organización. Quítelos."],
    [ID.breached]: () => [
      "La nueva contraseña ha aparecido en una filtración de datos, así que puede que los atacantes ya la conozcan.",
      "Elija otra y no use esta tampoco en ningún otro sitio.",
    ],
    [ID.breachedCheckUnavailable]: () => [
      "La comprobación de contraseñas filtradas no responde en este momento y su organización la exige.",
      "Inténtelo de nuevo en un minuto.",
    ],
    [ID.usedBefore]: ({ policy }) => [
      "Ha usado esta contraseña recientemente.",
      policy
        ? `Debe ser distinta de ${esCount(policy.historyCount, { one: "su última contraseña", other: "sus últimas # contraseñas" })}.`
        : "Elija una que no haya usado antes.",
    ],
    [ID.concurrentChange]: () => ["Otra solicitud cambió su contraseña en el mismo momento. Inténtelo de nuevo."],
    [ID.checkTooSoon]: () => [
      "Hay otro intento en curso con esta contraseña, o el último incorrecto fue hace un momento.",
      "Espere unos segundos y vuelva a intentarlo.",
    ],
    [ID.atCapacity]: () => ["El servicio está ocupado en este momento. Inténtelo de nuevo en unos instantes."],
    [ID.validationRateLimited]: () => ["Su nueva contraseña se ha comprobado muchas veces en poco tiempo. Espere un minuto y vuelva a intentarlo."],
    [ID.resetRateLimited]: () => [
      "Se han solicitado demasiados enlaces de restablecimiento para esta cuenta. Espere un rato antes de volver a pedirlo y use el correo más reciente.",
    ],
    [ID.userBusy]: () => ["Hay demasiadas solicitudes en curso a la vez para su cuenta. Espere un momento y vuelva a intentarlo."],
    [ID.databaseUnavailable]: () => [
      "El servicio no consigue conectar con su base de datos en este momento. No se ha cambiado nada; inténtelo de nuevo en unos instantes.",
    ],
    [ID.internal]: () => ["Algo ha fallado en el servicio. No se ha cambiado nada; inténtelo de nuevo más tarde."],
    [ID.codeNotFound]: () => [
      "Este enlace de restablecimiento ya no es válido: se usó, se sustituyó por uno más reciente o se anuló tras intentos erróneos.",
      "Solicite un enlace nuevo.",
    ],
    [ID.codeExpired]: () => ["Este enlace de restablecimiento ha caducado.", "Solicite un enlace nuevo."],
    [ID.codeInvalid]: () => ["El código de este enlace no es correcto. Abra el enlace del correo más reciente; tras cinco códigos erróneos deja de funcionar."],
    [ID.smsUnimplemented]: () => ["Aquí no se pueden enviar códigos de restablecimiento por SMS. Pida uno por correo electrónico."],
    [ID.mailNotConfigured]: () => [
      "Este servicio no envía correos, así que no se puede enviar ningún enlace de restablecimiento.",
      "Pida un código de restablecimiento a un administrador.",
    ],
    [ID.noEmail]: () => [
      "Esta cuenta no tiene ninguna dirección de correo electrónico a la que enviar un enlace de restablecimiento.",
      "Consulte a un administrador.",
    ],
    [ID.invalidUrlTemplate]: () => [
      "El enlace del correo de restablecimiento no es válido: solo puede incluir {{.UserID}}, {{.Code}} y {{.OrgID}}, y debe ser una dirección http(s).",
    ],
    [ID.sessionUserMissing]: () => ["Se comprobó una contraseña antes de indicar la cuenta. Escriba su nombre de inicio de sesión."],
    [ID.sessionUserNotFound]: () => ["Ninguna cuenta tiene ese nombre de inicio de sesión. Revise el nombre que escribió."],
    [ID.sessionUserNotActive]: () => [
      "Su cuenta está bloqueada o no está activa, por lo que no puede iniciar sesión. Pida a un administrador que la desbloquee.",
    ],
    [ID.sessionNotFound]: () => ["Su sesión ha terminado. Vuelva a iniciar sesión."],
    [ID.sessionExpired]: () => ["Su sesión ha caducado. Vuelva a iniciar sesión."],
    [ID.sessionTokenInvalid]: () => ["Su sesión se sustituyó por una más reciente. Vuelva a iniciar sesión."],
    [ID.sessionLifetime]: () => ["La duración de una sesión debe ser positiva."],
    [ID.lockedDuringCheck]: ({ failedAttempts }) => [
      "Su cuenta se bloqueó mientras se comprobaba su contraseña.",
      `Se bloqueó tras ${esCount(failedAttempts, esFailed)}. Pida a un administrador que la desbloquee.`,
    ],
    [ID.sessionCheckUnimplemented]: () => ["Este servicio solo permite iniciar sesión con nombre de inicio de sesión y contraseña."],
    [ID.sessionLimit]: () => ["La solicitud de inicio de sesión contenía más de lo que este servicio guarda."],
  },
};

const ptCount = counter("pt");
const ptUnits: Units = { bytes: { one: "# byte", other: "# bytes" }, characters: { one: "# caractere", other: "# caracteres" } };
const ptFailed: Forms = { one: "# tentativa malsucedida", other: "# tentativas malsucedidas" };

const pt: PageTexts = {
  language: { label: "Idioma", button: "Alterar idioma" },
  labels: { loginName: "Nome de login", password: "Senha", currentPassword: "Senha atual", newPassword: "Nova senha" },
  buttons: { signIn: "Entrar", changePassword: "Alterar senha", signOut: "Sair", sendResetLink: "Enviar link de redefinição", setPassword: "Definir senha" },
  links: { forgotPassword: "Esqueceu a senha?", backToSignIn: "Voltar para o login", requestNewLink: "Solicitar um novo link", signIn: "Entrar" },
  signIn: {
    title: "Entrar",
    intro: "Entre para alterar sua senha.",
    signedOut: "Você saiu.",
  },
  change: {
    title: "Alterar sua senha",
    signedInAs: (name) => `Conectado como ${name}.`,
    done: "Senha alterada",
    doneDetail: "A partir de agora, use a nova senha.",
  },
  forgot: {
    title: "Esqueceu sua senha?",
    intro: "Digite seu nome de login. Se ele pertencer a uma conta, um link para definir uma nova senha será enviado ao endereço de e-mail dessa conta.",
  },
  sent: {
    title: "Verifique seu e-mail",
    body: "Se houver uma conta com o nome de login que você digitou, um link para definir uma nova senha está a caminho do endereço de e-mail dela. O link funciona uma única vez, por tempo limitado.",
  },
  reset: {
    title: "Definir uma nova senha",
    intro: "Escolha a nova senha da sua conta.",
    incomplete: "Este link está incompleto. Abra o link inteiro do e-mail ou solicite um novo.",
    done: "Senha definida",
    doneDetail: "Entre com sua nova senha.",
  },
  oidc: {
    refused: ["Seu provedor de identidade não fez o seu login.", "Entre novamente ou fale com um administrador."],
    mismatch: ["Este login não foi iniciado aqui ou demorou demais.", "Entre novamente."],
    failed: [
      "Não foi possível concluir aqui o login pelo seu provedor de identidade. Nada foi alterado; tente novamente mais tarde ou fale com um administrador.",
    ],
  },
  rules: {
    heading: "Requisitos da nova senha:",
    met: "atendido",
    unmet: "não atendido",
    length: (min, max, unit) => `De ${min} a ${ptCount(max, ptUnits[unit])}`,
    lowercase: "Uma letra minúscula (de a a z)",
    uppercase: "Uma letra maiúscula (de A a Z)",
    digit: "Um número (de 0 a 9)",
    symbol: "Um caractere especial, como ! # ou -",
    notCommon: "Não ser uma senha comum (verificado ao enviar)",
    noContextWords: "Sem seu nome de usuário ou o nome da sua organização (verificado ao enviar)",
    notBreached: "Não constar em vazamentos de dados conhecidos (verificado ao enviar)",
    notRecent: (count) => `Diferente ${ptCount(count, { one: "da sua última senha", other: "das suas # últimas senhas" })} (verificado ao enviar)`,
    lockout: (attempts) => `Sua conta é bloqueada após ${ptCount(attempts, { one: "# senha incorreta", other: "# senhas incorretas" })}.`,
  },
  problem: "Não deu certo",
  page: {
    formExpired: ["O formulário expirou. Tente novamente."],
    forgotRateLimited: (minutes) => [
      `Foram solicitados links de redefinição demais a partir daqui ou para este nome. Aguarde ${ptCount(minutes, { one: "# minuto", other: "# minutos" })} e tente novamente.`,
    ],
    fillEveryField: ["Preencha todos os campos."],
    tooLong: ["A senha é muito longa: no máximo 72 bytes (menos com letras acentuadas ou emojis)."],
    signInAgain: ["Sua sessão terminou. Entre novamente."],
    busy: ["O serviço está ocupado no momento. Tente novamente em instantes."],
    unavailable: ["O serviço não pode responder no momento. Nada foi alterado; tente novamente em instantes."],
    internal: ["Algo deu errado do lado do serviço. Nada foi alterado; tente novamente mais tarde."],
  },
  fault: {
    title: "Algo deu errado",
    body: "Algo deu errado do lado do serviço e não foi possível responder à sua solicitação. Tente novamente em instantes.",
    home: "Voltar à página da conta",
  },
  errors: {
    [ID.invalidAuthHeader]: () => ["Sua sessão terminou. Entre novamente."],
    [ID.tokenInvalid]: () => ["Sua sessão terminou ou foi encerrada por uma alteração de senha. Entre novamente."],
    [ID.issuerKeysUnavailable]: () => [
      "O serviço não consegue verificar logins no momento: não consegue acessar seu provedor de identidade.",
      "Tente novamente em um minuto.",
    ],
    [ID.permissionDenied]: () => ["Sua conta não tem permissão para fazer isso.", "Peça acesso a um administrador."],
    [ID.userPermissionDenied]: () => ["Sua conta não tem permissão para fazer isso nessa conta.", "Peça acesso a um administrador."],
    [ID.userNotFound]: () => ["Sua conta não é conhecida aqui ou foi removida.", "Fale com um administrador."],
    [ID.resetUserNotFound]: () => ["Essa conta não existe ou foi removida."],
    [ID.orgNotFound]: () => ["Essa organização não existe."],
    [ID.passwordNotFound]: () => ["Esta conta não tem uma senha que possa ser alterada aqui."],
    [ID.notInitialised]: () => ["Esta conta ainda não foi configurada. Conclua a configuração primeiro."],
    [ID.resetNotInitialised]: () => ["Esta conta ainda não foi configurada, então a senha dela não pode ser redefinida. Conclua a configuração primeiro."],
    [ID.locked]: ({ failedAttempts }) => [
      "Sua conta está bloqueada.",
      `Ela foi bloqueada após ${ptCount(failedAttempts, ptFailed)}: não restam tentativas. Peça a um administrador para desbloqueá-la.`,
    ],
    [ID.passwordEmpty]: () => ["Digite a nova senha."],
    [ID.noPassword]: () => ["Esta conta ainda não tem senha, então não há nada para verificar."],
    [ID.sameAsOld]: () => ["A nova senha é igual à atual. Escolha uma senha diferente."],
    [ID.passwordInvalid]: wrongPassword({
      notCorrect: "A senha não está correta.",
      failedSoFar: (count) => `Tentativas malsucedidas até agora: ${count}.`,
      nowLocked: "Sua conta agora está bloqueada. Peça a um administrador para desbloqueá-la.",
      lockedAfter: (left) => `Sua conta será bloqueada após mais ${ptCount(left, ptFailed)}.`,
    }),
    [ID.tooShort]: ({ policy }) => [
      "A nova senha é muito curta.",
      policy ? `Ela precisa ter pelo menos ${ptCount(policy.minLength, ptUnits[policy.unit])}.` : "Use uma senha mais longa.",
    ],
    [ID.noLowercase]: () => ["A nova senha precisa ter pelo menos uma letra minúscula (de a a z)."],
    [ID.noUppercase]: () => ["A nova senha precisa ter pelo menos uma letra maiúscula (de A a Z)."],
    [ID.noNumber]: () => ["A nova senha precisa ter pelo menos um número (de 0 a 9)."],
    [ID.noSymbol]: () => ["A nova senha precisa ter pelo menos um caractere especial, como ! # ou -."],
    [ID.nulCharacter]: () => ["A nova senha contém um caractere que não pode ser usado (NUL)."],
    [ID.tooLong]: ({ policy }) => [
      "A nova senha é muito longa.",
      policy ? `Ela pode ter no máximo ${ptCount(policy.maxLength, ptUnits[policy.unit])}.` : "Use uma senha mais curta.",
    ],
    [ID.tooCommon]: () => ["A nova senha é uma das mais comuns, que os invasores testam primeiro. Escolha uma menos óbvia."],
    [ID.containsContextWord]: () => ["A nova senha contém seu nome de usuário ou o nome da sua organização. Remova-os."],
    [ID.breached]: () => [
      "A nova senha apareceu em um vazamento de dados, então invasores talvez já a conheçam.",
      "Escolha outra e também não use esta em nenhum outro lugar.",
    ],
    [ID.breachedCheckUnavailable]: () => [
      "A verificação de senhas vazadas não está respondendo no momento, e sua organização a exige.",
      "Tente novamente em um minuto.",
    ],
    [ID.usedBefore]: ({ policy }) => [
      "Você usou esta senha recentemente.",
      policy
        ? `Ela precisa ser diferente ${ptCount(policy.historyCount, { one: "da sua última senha", other: "das suas # últimas senhas" })}.`
        : "Escolha uma que você ainda não tenha usado.",
    ],
    [ID.concurrentChange]: () => ["Sua senha foi alterada por outra solicitação ao mesmo tempo. Tente novamente."],
    [ID.checkTooSoon]: () => [
      "Outra tentativa com esta senha está em andamento, ou a última incorreta foi há poucos instantes.",
      "Aguarde alguns segundos e tente novamente.",
    ],
    [ID.atCapacity]: () => ["O serviço está ocupado no momento. Tente novamente em instantes."],
    [ID.validationRateLimited]: () => ["Sua nova senha foi verificada muitas vezes em pouco tempo. Aguarde um minuto e tente novamente."],
    [ID.resetRateLimited]: () => [
      "Foram solicitados links de redefinição demais para esta conta. Aguarde um pouco antes de pedir de novo e use o e-mail mais recente.",
    ],
    [ID.userBusy]: () => ["Há solicitações demais em andamento ao mesmo tempo para sua conta. Aguarde um momento e tente novamente."],
    [ID.databaseUnavailable]: () => ["O serviço não consegue acessar o banco de dados no momento. Nada foi alterado; tente novamente em instantes."],
    [ID.internal]: () => ["Algo deu errado do lado do serviço. Nada foi alterado; tente novamente mais tarde."],
    [ID.codeNotFound]: () => [
      "Este link de redefinição não é mais válido: foi usado, substituído por um mais recente ou anulado após tentativas erradas.",
      "Solicite um novo link.",
    ],
    [ID.codeExpired]: () => ["Este link de redefinição expirou.", "Solicite um novo link."],
    [ID.codeInvalid]: () => ["O código neste link não está certo. Abra o link do e-mail mais recente; após cinco códigos errados ele deixa de funcionar."],
    [ID.smsUnimplemented]: () => ["Aqui não é possível enviar códigos de redefinição por SMS. Peça um por e-mail."],
    [ID.mailNotConfigured]: () => [
      "Este serviço não envia e-mails, então nenhum link de redefinição pode ser enviado.",
      "Peça um código de redefinição a um administrador.",
    ],
    [ID.noEmail]: () => ["Esta conta não tem endereço de e-mail para onde enviar um link de redefinição.", "Fale com um administrador."],
    [ID.invalidUrlTemplate]: () => [
      "O link do e-mail de redefinição não é válido: ele só pode conter {{.UserID}}, {{.Code}} e {{.OrgID}}, e precisa ser um endereço http(s).",
    ],
    [ID.sessionUserMissing]: () => ["Uma senha foi verificada antes de a conta ser informada. Digite seu nome de login."],
    [ID.sessionUserNotFound]: () => ["Nenhuma conta tem esse nome de login. Confira o nome que você digitou."],
    [ID.sessionUserNotActive]: () => ["Sua conta está bloqueada ou inativa, então não pode entrar. Peça a um administrador para desbloqueá-la."],
    [ID.sessionNotFound]: () => ["Sua sessão terminou. Entre novamente."],
    [ID.sessionExpired]: () => ["Sua sessão expirou. Entre novamente."],
    [ID.sessionTokenInvalid]: () => ["Sua sessão foi substituída por uma mais recente. Entre novamente."],
    [ID.sessionLifetime]: () => ["A duração de uma sessão precisa ser positiva."],
    [ID.lockedDuringCheck]: ({ failedAttempts }) => [
      "Sua conta foi bloqueada enquanto sua senha era verificada.",
      `Ela foi bloqueada após ${ptCount(failedAttempts, ptFailed)}. Peça a um administrador para desbloqueá-la.`,
    ],
    [ID.sessionCheckUnimplemented]: () => ["Este serviço permite entrar apenas com nome de login e senha."],
    [ID.sessionLimit]: () => ["A solicitação de login continha mais do que este serviço guarda."],
  },
};

const nlCount = counter("nl");
const nlUnits: Units = { bytes: { one: "# byte", other: "# bytes" }, characters: { one: "# teken", other: "# tekens" } };
const nlFailed: Forms = { one: "# mislukte poging", other: "# mislukte pogingen" };

const nl: PageTexts = {
  language: { label: "Taal", button: "Taal wijzigen" },
  labels: { loginName: "Inlognaam", password: "Wachtwoord", currentPassword: "Huidig wachtwoord", newPassword: "Nieuw wachtwoord" },
  buttons: {
    signIn: "Inloggen",
    changePassword: "Wachtwoord wijzigen",
    signOut: "Uitloggen",
    sendResetLink: "Herstellink versturen",
    setPassword: "Wachtwoord instellen",
  },
  links: { forgotPassword: "Wachtwoord vergeten?", backToSignIn: "Terug naar inloggen", requestNewLink: "Nieuwe link aanvragen", signIn: "Inloggen" },
  signIn: {
    title: "Inloggen",
    intro: "Log in om uw wachtwoord te wijzigen.",
    signedOut: "U bent uitgelogd.",
  },
  change: {
    title: "Uw wachtwoord wijzigen",
    signedInAs: (name) => `Ingelogd als ${name}.`,
    done: "Wachtwoord gewijzigd",
    doneDetail: "Gebruik voortaan het nieuwe wachtwoord.",
  },
  forgot: {
    title: "Wachtwoord vergeten?",
    intro:
      "Voer uw inlognaam in. Als een account deze naam heeft, gaat er een link om een nieuw wachtwoord in te stellen naar het e-mailadres van dat account.",
  },
  sent: {
    title: "Controleer uw e-mail",
    body: "Als een account de inlognaam heeft die u hebt ingevoerd, is er een link om een nieuw wachtwoord in te stellen onderweg naar het e-mailadres ervan. De link werkt één keer, gedurende beperkte tijd.",
  },
  reset: {
    title: "Nieuw wachtwoord instellen",
    intro: "Kies het nieuwe wachtwoord voor uw account.",
    incomplete: "Deze link is niet volledig. Open de volledige link uit de e-mail of vraag een nieuwe aan.",
    done: "Wachtwoord ingesteld",
    doneDetail: "Log in met uw nieuwe wachtwoord.",
  },
  oidc: {
    refused: ["Uw identiteitsprovider heeft u niet aangemeld.", "Log opnieuw in of neem contact op met een beheerder."],
    mismatch: ["Deze aanmelding is niet hier gestart of duurde te lang.", "Log opnieuw in."],
    failed: [
      "De aanmelding bij uw identiteitsprovider kon hier niet worden afgerond. Er is niets gewijzigd; probeer het later opnieuw of neem contact op met een beheerder.",
    ],
  },
  rules: {
    heading: "Eisen voor uw nieuwe wachtwoord:",
    met: "voldaan",
    unmet: "niet voldaan",
    length: (min, max, unit) => `${min} tot ${nlCount(max, nlUnits[unit])} lang`,
    lowercase: "Een kleine letter (a t/m z)",
    uppercase: "Een hoofdletter (A t/m Z)",
    digit: "Een cijfer (0 t/m 9)",
    symbol: "Een speciaal teken, zoals ! # of -",
    notCommon: "Geen veelgebruikt wachtwoord (gecontroleerd bij verzenden)",
    noContextWords: "Zonder uw gebruikersnaam of de naam van uw organisatie (gecontroleerd bij verzenden)",
    notBreached: "Niet gevonden in een bekend datalek (gecontroleerd bij verzenden)",
    notRecent: (count) => `Niet ${nlCount(count, { one: "uw laatste wachtwoord", other: "een van uw laatste # wachtwoorden" })} (gecontroleerd bij verzenden)`,
    lockout: (attempts) => `Uw account wordt geblokkeerd na ${nlCount(attempts, { one: "# onjuist wachtwoord", other: "# onjuiste wachtwoorden" })}.`,
  },
  problem: "Dat is niet gelukt",
  page: {
    formExpired: ["Het formulier was verlopen. Probeer het opnieuw."],
    forgotRateLimited: (minutes) => [
      `Er zijn te veel herstellinks aangevraagd vanaf hier of voor deze naam. Wacht ${nlCount(minutes, { one: "# minuut", other: "# minuten" })} en probeer het dan opnieuw.`,
    ],
    fillEveryField: ["Vul alle velden in."],
    tooLong: ["Het wachtwoord is te lang: maximaal 72 bytes (minder met letters met accenten of emoji)."],
    signInAgain: ["Uw sessie is beëindigd. Log opnieuw in."],
    busy: ["De dienst is op dit moment druk. Probeer het zo opnieuw."],
    unavailable: ["De dienst kan nu niet antwoorden. Er is niets gewijzigd; probeer het zo opnieuw."],
    internal: ["Er ging iets mis aan de kant van de dienst. Er is niets gewijzigd; probeer het later opnieuw."],
  },
  fault: {
    title: "Er ging iets mis",
    body: "Er ging iets mis aan de kant van de dienst en uw verzoek kon niet worden beantwoord. Probeer het zo opnieuw.",
    home: "Terug naar de accountpagina",
  },
  errors: {
    [ID.invalidAuthHeader]: () => ["Uw sessie is beëindigd. Log opnieuw in."],
    [ID.tokenInvalid]: () => ["Uw sessie is verlopen of beëindigd door een wachtwoordwijziging. Log opnieuw in."],
    [ID.issuerKeysUnavailable]: () => [
      "De dienst kan inlogpogingen nu niet controleren: uw identiteitsprovider is niet bereikbaar.",
      "Probeer het over een minuut opnieuw.",
    ],
    [ID.permissionDenied]: () => ["Uw account mag dit niet doen.", "Vraag een beheerder om toegang."],
    [ID.userPermissionDenied]: () => ["Uw account mag dit niet doen voor dat account.", "Vraag een beheerder om toegang."],
    [ID.userNotFound]: () => ["Uw account is hier niet bekend of is verwijderd.", "Neem contact op met een beheerder."],
    [ID.resetUserNotFound]: () => ["Dat account bestaat niet of is verwijderd."],
    [ID.orgNotFound]: () => ["Die organisatie bestaat niet."],
    [ID.passwordNotFound]: () => ["Dit account heeft geen wachtwoord dat hier kan worden gewijzigd."],
    [ID.notInitialised]: () => ["Dit account is nog niet ingericht. Rond eerst de inrichting af."],
    [ID.resetNotInitialised]: () => ["Dit account is nog niet ingericht, dus het wachtwoord kan niet worden hersteld. Rond eerst de inrichting af."],
    [ID.locked]: ({ failedAttempts }) => [
      "Uw account is geblokkeerd.",
      `Het is geblokkeerd na ${nlCount(failedAttempts, nlFailed)}: er zijn geen pogingen meer over. Vraag een beheerder om het te deblokkeren.`,
    ],
    [ID.passwordEmpty]: () => ["Voer het nieuwe wachtwoord in."],
    [ID.noPassword]: () => ["Dit account heeft nog geen wachtwoord, dus er valt niets te controleren."],
    [ID.sameAsOld]: () => ["Het nieuwe wachtwoord is hetzelfde als uw huidige. Kies een ander wachtwoord."],
    [ID.passwordInvalid]: wrongPassword({
      notCorrect: "Het wachtwoord is niet juist.",
      failedSoFar: (count) => `Mislukte pogingen tot nu toe: ${count}.`,
      nowLocked: "Uw account is nu geblokkeerd. Vraag een beheerder om het te deblokkeren.",
      lockedAfter: (left) => `Uw account wordt geblokkeerd na nog ${nlCount(left, nlFailed)}.`,
    }),
    [ID.tooShort]: ({ policy }) => [
      "Het nieuwe wachtwoord is te kort.",
      policy ? `Het moet minstens ${nlCount(policy.minLength, nlUnits[policy.unit])} lang zijn.` : "Maak het langer.",
    ],
    [ID.noLowercase]: () => ["Het nieuwe wachtwoord moet minstens één kleine letter (a t/m z) bevatten."],
    [ID.noUppercase]: () => ["Het nieuwe wachtwoord moet minstens één hoofdletter (A t/m Z) bevatten."],
    [ID.noNumber]: () => ["Het nieuwe wachtwoord moet minstens één cijfer (0 t/m 9) bevatten."],
    [ID.noSymbol]: () => ["Het nieuwe wachtwoord moet minstens één speciaal teken bevatten, zoals ! # of -."],
    [ID.nulCharacter]: () => ["Het nieuwe wachtwoord bevat een teken dat niet kan worden gebruikt (NUL)."],
    [ID.tooLong]: ({ policy }) => [
      "Het nieuwe wachtwoord is te lang.",
      policy ? `Het mag hoogstens ${nlCount(policy.maxLength, nlUnits[policy.unit])} lang zijn.` : "Maak het korter.",
    ],
    [ID.tooCommon]: () => [
      "Het nieuwe wachtwoord is een van de meest voorkomende wachtwoorden, die aanvallers als eerste proberen. Kies een minder voor de hand liggend wachtwoord.",
    ],
    [ID.containsContextWord]: () => ["Het nieuwe wachtwoord bevat uw gebruikersnaam of de naam van uw organisatie. Laat die weg."],
    [ID.breached]: () => [
      "Het nieuwe wachtwoord is in een datalek opgedoken, dus aanvallers kennen het misschien al.",
      "Kies een ander wachtwoord en gebruik dit ook nergens anders meer.",
    ],
    [ID.breachedCheckUnavailable]: () => [
      "De controle op gelekte wachtwoorden antwoordt nu niet, en uw organisatie vereist die.",
      "Probeer het over een minuut opnieuw.",
    ],
    [ID.usedBefore]: ({ policy }) => [
      "U hebt dit wachtwoord onlangs gebruikt.",
      policy
        ? `Het moet verschillen van ${nlCount(policy.historyCount, { one: "uw laatste wachtwoord", other: "uw laatste # wachtwoorden" })}.`
        : "Kies een wachtwoord dat u nog niet eerder hebt gebruikt.",
    ],
    [ID.concurrentChange]: () => ["Uw wachtwoord is op hetzelfde moment door een ander verzoek gewijzigd. Probeer het opnieuw."],
    [ID.checkTooSoon]: () => [
      "Er loopt al een andere poging met dit wachtwoord, of de laatste onjuiste was zojuist.",
      "Wacht een paar seconden en probeer het dan opnieuw.",
    ],
    [ID.atCapacity]: () => ["De dienst is op dit moment druk. Probeer het zo opnieuw."],
    [ID.validationRateLimited]: () => ["Uw nieuwe wachtwoord is in korte tijd heel vaak gecontroleerd. Wacht een minuut en probeer het dan opnieuw."],
    [ID.resetRateLimited]: () => [
      "Er zijn te vaak herstellinks aangevraagd voor dit account. Wacht even voordat u er opnieuw een aanvraagt, en gebruik de nieuwste e-mail.",
    ],
    [ID.userBusy]: () => ["Er lopen te veel verzoeken tegelijk voor uw account. Wacht even en probeer het dan opnieuw."],
    [ID.databaseUnavailable]: () => ["De dienst kan zijn database nu niet bereiken. Er is niets gewijzigd; probeer het zo opnieuw."],
    [ID.internal]: () => ["Er ging iets mis aan de kant van de dienst. Er is niets gewijzigd; probeer het later opnieuw."],
    [ID.codeNotFound]: () => [
      "Deze herstellink is niet meer geldig: hij is gebruikt, vervangen door een nieuwere of ongeldig gemaakt na onjuiste pogingen.",
      "Vraag een nieuwe link aan.",
    ],
    [ID.codeExpired]: () => ["Deze herstellink is verlopen.", "Vraag een nieuwe link aan."],
    [ID.codeInvalid]: () => ["De code in deze link klopt niet. Open de link uit de nieuwste e-mail; na vijf onjuiste codes werkt hij niet meer."],
    [ID.smsUnimplemented]: () => ["Herstelcodes kunnen hier niet per sms worden verstuurd. Vraag er een aan per e-mail."],
    [ID.mailNotConfigured]: () => ["Deze dienst verstuurt geen e-mail, dus er kan geen herstellink worden gemaild.", "Vraag een beheerder om een herstelcode."],
    [ID.noEmail]: () => ["Dit account heeft geen e-mailadres om een herstellink naartoe te sturen.", "Neem contact op met een beheerder."],
    [ID.invalidUrlTemplate]: () => [
      "De link voor de herstelmail is niet geldig: hij mag alleen {{.UserID}}, {{.Code}} en {{.OrgID}} bevatten en moet een http(s)-adres zijn.",
    ],
    [ID.sessionUserMissing]: () => ["Er is een wachtwoord gecontroleerd voordat het account was opgegeven. Voer uw inlognaam in."],
    [ID.sessionUserNotFound]: () => ["Geen enkel account heeft die inlognaam. Controleer de naam die u hebt ingevoerd."],
    [ID.sessionUserNotActive]: () => ["Uw account is geblokkeerd of niet actief en kan dus niet inloggen. Vraag een beheerder om het te deblokkeren."],
    [ID.sessionNotFound]: () => ["Uw sessie is beëindigd. Log opnieuw in."],
    [ID.sessionExpired]: () => ["Uw sessie is verlopen. Log opnieuw in."],
    [ID.sessionTokenInvalid]: () => ["Uw sessie is vervangen door een nieuwere. Log opnieuw in."],
    [ID.sessionLifetime]: () => ["De levensduur van een sessie moet positief zijn."],
    [ID.lockedDuringCheck]: ({ failedAttempts }) => [
      "Uw account is geblokkeerd terwijl uw wachtwoord werd gecontroleerd.",
      `Het is geblokkeerd na ${nlCount(failedAttempts, nlFailed)}. Vraag een beheerder om het te deblokkeren.`,
    ],
    [ID.sessionCheckUnimplemented]: () => ["Bij deze dienst logt u alleen in met een inlognaam en wachtwoord."],
    [ID.sessionLimit]: () => ["Het inlogverzoek bevatte meer dan deze dienst bewaart."],
  },
};

const plCount = counter("pl");
// As the object of "mieć" (to have): 1 bajt, 2 bajty, 5 bajtów.
const plUnits: Units = { bytes: { one: "# bajt", few: "# bajty", other: "# bajtów" }, characters: { one: "# znak", few: "# znaki", other: "# znaków" } };
// After "po" (after), in the locative: po 1 nieudanej próbie, po 5 nieudanych próbach.
const plFailed: Forms = { one: "# nieudanej próbie", other: "# nieudanych próbach" };

const pl: PageTexts = {
  language: { label: "Język", button: "Zmień język" },
  labels: { loginName: "Nazwa logowania", password: "Hasło", currentPassword: "Obecne hasło", newPassword: "Nowe hasło" },
  buttons: {
    signIn: "Zaloguj się",
    changePassword: "Zmień hasło",
    signOut: "Wyloguj się",
    sendResetLink: "Wyślij link do resetowania",
    setPassword: "Ustaw hasło",
  },
  links: { forgotPassword: "Nie pamiętasz hasła?", backToSignIn: "Wróć do logowania", requestNewLink: "Poproś o nowy link", signIn: "Zaloguj się" },
  signIn: {
    title: "Logowanie",
    intro: "Zaloguj się, aby zmienić hasło.",
    signedOut: "Wylogowano.",
  },
  change: {
    title: "Zmiana hasła",
    signedInAs: (name) => `Zalogowano jako ${name}.`,
    done: "Hasło zmienione",
    doneDetail: "Od teraz używaj nowego hasła.",
  },
  forgot: {
    title: "Nie pamiętasz hasła?",
    intro: "Wpisz swoją nazwę logowania. Jeśli należy do konta, na adres e-mail tego konta zostanie wysłany link do ustawienia nowego hasła.",
  },
  sent: {
    title: "Sprawdź pocztę",
    body: "Jeśli istnieje konto o wpisanej nazwie logowania, link do ustawienia nowego hasła jest już w drodze na jego adres e-mail. Link działa jeden raz i przez ograniczony czas.",
  },
  reset: {
    title: "Ustaw nowe hasło",
    intro: "Wybierz nowe hasło do swojego konta.",
    incomplete: "Ten link jest niepełny. Otwórz cały link z wiadomości e-mail lub poproś o nowy.",
    done: "Hasło ustawione",
    doneDetail: "Zaloguj się nowym hasłem.",
  },
  oidc: {
    refused: ["Twój dostawca tożsamości nie zalogował Cię.", "Zaloguj się ponownie lub skontaktuj się z administratorem."],
    mismatch: ["To logowanie nie zostało rozpoczęte tutaj lub trwało zbyt długo.", "Zaloguj się ponownie."],
    failed: [
      "Nie udało się tutaj dokończyć logowania u Twojego dostawcy tożsamości. Nic nie zostało zmienione; spróbuj ponownie później lub skontaktuj się z administratorem.",
    ],
  },
  rules: {
    heading: "Wymagania dotyczące nowego hasła:",
    met: "spełnione",
    unmet: "niespełnione",
    // "od … do …" takes the genitive plural whatever the number.
    length: (min, max, unit) => `Długość od ${min} do ${max} ${unit === "bytes" ? "bajtów" : "znaków"}`,
    lowercase: "Mała litera (od a do z)",
    uppercase: "Wielka litera (od A do Z)",
    digit: "Cyfra (od 0 do 9)",
    symbol: "Znak specjalny, np. ! # lub -",
    notCommon: "Nie jest popularnym hasłem (sprawdzane po wysłaniu)",
    noContextWords: "Nie zawiera nazwy użytkownika ani nazwy organizacji (sprawdzane po wysłaniu)",
    notBreached: "Nie występuje w znanych wyciekach danych (sprawdzane po wysłaniu)",
    notRecent: (count) => `Inne niż ${plCount(count, { one: "ostatnie hasło", few: "# ostatnie hasła", other: "# ostatnich haseł" })} (sprawdzane po wysłaniu)`,
    lockout: (attempts) => `Konto zostanie zablokowane po ${plCount(attempts, { one: "# błędnym haśle", other: "# błędnych hasłach" })}.`,
  },
  problem: "Nie udało się",
  page: {
    formExpired: ["Formularz wygasł. Spróbuj ponownie."],
    forgotRateLimited: (minutes) => [
      `Z tego miejsca lub dla tej nazwy zażądano zbyt wielu linków do resetowania. Odczekaj ${plCount(minutes, { one: "# minutę", few: "# minuty", other: "# minut" })} i spróbuj ponownie.`,
    ],
    fillEveryField: ["Wypełnij wszystkie pola."],
    tooLong: ["Hasło jest za długie: maksymalnie 72 bajty (mniej w przypadku liter ze znakami diakrytycznymi lub emoji)."],
    signInAgain: ["Twoja sesja się zakończyła. Zaloguj się ponownie."],
    busy: ["Usługa jest teraz zajęta. Spróbuj ponownie za chwilę."],
    unavailable: ["Usługa nie może teraz odpowiedzieć. Nic nie zostało zmienione; spróbuj ponownie za chwilę."],
    internal: ["Po stronie usługi wystąpił błąd. Nic nie zostało zmienione; spróbuj ponownie później."],
  },
  fault: {
    title: "Coś poszło nie tak",
    body: "Po stronie usługi wystąpił błąd i nie udało się obsłużyć Twojego żądania. Spróbuj ponownie za chwilę.",
    home: "Wróć do strony konta",
  },
  errors: {
    [ID.invalidAuthHeader]: () => ["Twoja sesja się zakończyła. Zaloguj się ponownie."],
    [ID.tokenInvalid]: () => ["Twoja sesja się zakończyła lub została zakończona przez zmianę hasła. Zaloguj się ponownie."],
    [ID.issuerKeysUnavailable]: () => [
      "Usługa nie może teraz sprawdzać logowań: nie może połączyć się z Twoim dostawcą tożsamości.",
      "Spróbuj ponownie za minutę.",
    ],
    [ID.permissionDenied]: () => ["Twoje konto nie ma do tego uprawnień.", "Poproś administratora o dostęp."],
    [ID.userPermissionDenied]: () => ["Twoje konto nie ma do tego uprawnień w przypadku tamtego konta.", "Poproś administratora o dostęp."],
    [ID.userNotFound]: () => ["Twoje konto nie jest tu znane lub zostało usunięte.", "Skontaktuj się z administratorem."],
    [ID.resetUserNotFound]: () => ["To konto nie istnieje lub zostało usunięte."],
    [ID.orgNotFound]: () => ["Ta organizacja nie istnieje."],
    [ID.passwordNotFound]: () => ["To konto nie ma hasła, które można tu zmienić."],
    [ID.notInitialised]: () => ["To konto nie jest jeszcze skonfigurowane. Najpierw dokończ konfigurację."],
    [ID.resetNotInitialised]: () => ["To konto nie jest jeszcze skonfigurowane, więc nie można zresetować jego hasła. Najpierw dokończ konfigurację."],
    [ID.locked]: ({ failedAttempts }) => [
      "Twoje konto jest zablokowane.",
      `Zostało zablokowane po ${plCount(failedAttempts, plFailed)}: nie pozostały żadne próby. Poproś administratora o odblokowanie.`,
    ],
    [ID.passwordEmpty]: () => ["Wpisz nowe hasło."],
    [ID.noPassword]: () => ["To konto nie ma jeszcze hasła, więc nie ma czego sprawdzać."],
    [ID.sameAsOld]: () => ["Nowe hasło jest takie samo jak obecne. Wybierz inne hasło."],
    [ID.passwordInvalid]: wrongPassword({
      notCorrect: "Hasło jest nieprawidłowe.",
      failedSoFar: (count) => `Dotychczasowe nieudane próby: ${count}.`,
      nowLocked: "Twoje konto jest teraz zablokowane. Poproś administratora o odblokowanie.",
      lockedAfter: (left) => `Konto zostanie zablokowane po ${plCount(left, { one: "# kolejnej nieudanej próbie", other: "# kolejnych nieudanych próbach" })}.`,
    }),
    [ID.tooShort]: ({ policy }) => [
      "Nowe hasło jest za krótkie.",
      policy ? `Musi mieć co najmniej ${plCount(policy.minLength, plUnits[policy.unit])}.` : "Wydłuż je.",
    ],
    [ID.noLowercase]: () => ["Nowe hasło musi zawierać co najmniej jedną małą literę (od a do z)."],
    [ID.noUppercase]: () => ["Nowe hasło musi zawierać co najmniej jedną wielką literę (od A do Z)."],
    [ID.noNumber]: () => ["Nowe hasło musi zawierać co najmniej jedną cyfrę (od 0 do 9)."],
    [ID.noSymbol]: () => ["Nowe hasło musi zawierać co najmniej jeden znak specjalny, np. ! # lub -."],
    [ID.nulCharacter]: () => ["Nowe hasło zawiera znak, którego nie można użyć (NUL)."],
    [ID.tooLong]: ({ policy }) => [
      "Nowe hasło jest za długie.",
      policy ? `Może mieć najwyżej ${plCount(policy.maxLength, plUnits[policy.unit])}.` : "Skróć je.",
    ],
    [ID.tooCommon]: () => ["Nowe hasło należy do najpopularniejszych haseł, które atakujący sprawdzają w pierwszej kolejności. Wybierz mniej oczywiste."],
    [ID.containsContextWord]: () => ["Nowe hasło zawiera Twoją nazwę użytkownika lub nazwę Twojej organizacji. Usuń je."],
    [ID.breached]: () => [
      "Nowe hasło pojawiło się w wycieku danych, więc atakujący mogą je już znać.",
      "Wybierz inne i nie używaj tego również nigdzie indziej.",
    ],
    [ID.breachedCheckUnavailable]: () => [
      "Sprawdzanie haseł z wycieków nie odpowiada w tej chwili, a Twoja organizacja go wymaga.",
      "Spróbuj ponownie za minutę.",
    ],
    [ID.usedBefore]: ({ policy }) => [
      "To hasło było niedawno używane.",
      policy
        ? `Musi się różnić od ${plCount(policy.historyCount, { one: "ostatniego hasła", other: "# ostatnich haseł" })}.`
        : "Wybierz hasło, którego jeszcze nie używano.",
    ],
    [ID.concurrentChange]: () => ["Twoje hasło zostało w tym samym momencie zmienione przez inne żądanie. Spróbuj ponownie."],
    [ID.checkTooSoon]: () => ["Trwa już inna próba z tym hasłem lub ostatnia błędna była przed chwilą.", "Odczekaj kilka sekund i spróbuj ponownie."],
    [ID.atCapacity]: () => ["Usługa jest teraz zajęta. Spróbuj ponownie za chwilę."],
    [ID.validationRateLimited]: () => ["Twoje nowe hasło było sprawdzane bardzo często w krótkim czasie. Odczekaj minutę i spróbuj ponownie."],
    [ID.resetRateLimited]: () => [
      "Dla tego konta zbyt często żądano linków do resetowania. Odczekaj chwilę, zanim poprosisz ponownie, i użyj najnowszej wiadomości.",
    ],
    [ID.userBusy]: () => ["Dla Twojego konta trwa jednocześnie zbyt wiele żądań. Odczekaj chwilę i spróbuj ponownie."],
    [ID.databaseUnavailable]: () => ["Usługa nie może teraz połączyć się ze swoją bazą danych. Nic nie zostało zmienione; spróbuj ponownie za chwilę."],
    [ID.internal]: () => ["Po stronie usługi wystąpił błąd. Nic nie zostało zmienione; spróbuj ponownie później."],
    [ID.codeNotFound]: () => [
      "Ten link do resetowania jest już nieważny: został użyty, zastąpiony nowszym lub unieważniony po błędnych próbach.",
      "Poproś o nowy link.",
    ],
    [ID.codeExpired]: () => ["Ten link do resetowania wygasł.", "Poproś o nowy link."],
    [ID.codeInvalid]: () => ["Kod w tym linku jest nieprawidłowy. Otwórz link z najnowszej wiadomości; po pięciu błędnych kodach przestaje działać."],
    [ID.smsUnimplemented]: () => ["Kodów resetowania nie można tu wysyłać SMS-em. Poproś o kod e-mailem."],
    [ID.mailNotConfigured]: () => ["Ta usługa nie wysyła poczty, więc nie można wysłać linku do resetowania.", "Poproś administratora o kod resetowania."],
    [ID.noEmail]: () => ["To konto nie ma adresu e-mail, na który można wysłać link do resetowania.", "Skontaktuj się z administratorem."],
    [ID.invalidUrlTemplate]: () => [
      "Link do wiadomości resetującej jest nieprawidłowy: może zawierać tylko {{.UserID}}, {{.Code}} i {{.OrgID}} i musi być adresem http(s).",
    ],
    [ID.sessionUserMissing]: () => ["Sprawdzono hasło, zanim wskazano konto. Wpisz swoją nazwę logowania."],
    [ID.sessionUserNotFound]: () => ["Żadne konto nie ma takiej nazwy logowania. Sprawdź wpisaną nazwę."],
    [ID.sessionUserNotActive]: () => ["Twoje konto jest zablokowane lub nieaktywne, więc nie może się zalogować. Poproś administratora o odblokowanie."],
    [ID.sessionNotFound]: () => ["Twoja sesja się zakończyła. Zaloguj się ponownie."],
    [ID.sessionExpired]: () => ["Twoja sesja wygasła. Zaloguj się ponownie."],
    [ID.sessionTokenInvalid]: () => ["Twoja sesja została zastąpiona nowszą. Zaloguj się ponownie."],
    [ID.sessionLifetime]: () => ["Czas życia sesji musi być dodatni."],
    [ID.lockedDuringCheck]: ({ failedAttempts }) => [
      "Twoje konto zostało zablokowane podczas sprawdzania hasła.",
      `Zostało zablokowane po ${plCount(failedAttempts, plFailed)}. Poproś administratora o odblokowanie.`,
    ],
    [ID.sessionCheckUnimplemented]: () => ["W tej usłudze można się zalogować tylko nazwą logowania i hasłem."],
    [ID.sessionLimit]: () => ["Żądanie logowania zawierało więcej, niż ta usługa przechowuje."],
  },
};

// Japanese and Chinese have no plural forms: the counts are written out.
const jaUnit = (unit: PolicyFacts["unit"]) => (unit === "bytes" ? "バイト" : "文字");

const ja: PageTexts = {
  language: { label: "言語", button: "言語を変更" },
  labels: { loginName: "ログイン名", password: "パスワード", currentPassword: "現在のパスワード", newPassword: "新しいパスワード" },
  buttons: {
    signIn: "ログイン",
    changePassword: "パスワードを変更",
    signOut: "ログアウト",
    sendResetLink: "リセット用リンクを送信",
    setPassword: "パスワードを設定",
  },
  links: { forgotPassword: "パスワードをお忘れですか？", backToSignIn: "ログインに戻る", requestNewLink: "新しいリンクをリクエスト", signIn: "ログイン" },
  signIn: {
    title: "ログイン",
    intro: "パスワードを変更するには、ログインしてください。",
    signedOut: "ログアウトしました。",
  },
  change: {
    title: "パスワードの変更",
    signedInAs: (name) => `${name} としてログインしています。`,
    done: "パスワードを変更しました",
    doneDetail: "今後は新しいパスワードを使用してください。",
  },
  forgot: {
    title: "パスワードをお忘れですか？",
    intro: "ログイン名を入力してください。そのログイン名のアカウントがあれば、新しいパスワードを設定するためのリンクをアカウントのメールアドレスに送信します。",
  },
  sent: {
    title: "メールを確認してください",
    body: "入力したログイン名のアカウントがあれば、新しいパスワードを設定するためのリンクをそのメールアドレスに送信しました。リンクは一定時間内に一度だけ使用できます。",
  },
  reset: {
    title: "新しいパスワードの設定",
    intro: "アカウントの新しいパスワードを選んでください。",
    incomplete: "このリンクは不完全です。メールに記載されたリンク全体を開くか、新しいリンクをリクエストしてください。",
    done: "パスワードを設定しました",
    doneDetail: "新しいパスワードでログインしてください。",
  },
  oidc: {
    refused: ["IDプロバイダーでログインできませんでした。", "もう一度ログインするか、管理者にお問い合わせください。"],
    mismatch: ["このログインはここで開始されたものではないか、時間がかかりすぎました。", "もう一度ログインしてください。"],
    failed: [
      "IDプロバイダーでのログインをここで完了できませんでした。何も変更されていません。しばらくしてからもう一度お試しいただくか、管理者にお問い合わせください。",
    ],
  },
  rules: {
    heading: "新しいパスワードの条件:",
    met: "満たしています",
    unmet: "満たしていません",
    length: (min, max, unit) => `${min}～${max} ${jaUnit(unit)}の長さ`,
    lowercase: "小文字（a～z）を含む",
    uppercase: "大文字（A～Z）を含む",
    digit: "数字（0～9）を含む",
    symbol: "記号（! # - など）を含む",
    notCommon: "よく使われるパスワードではない（送信時に確認）",
    noContextWords: "ユーザー名や組織名を含まない（送信時に確認）",
    notBreached: "既知のデータ漏えいに含まれていない（送信時に確認）",
    notRecent: (count) => `直近 ${count} 個のパスワードと異なる（送信時に確認）`,
    lockout: (attempts) => `パスワードを ${attempts} 回間違えると、アカウントがロックされます。`,
  },
  problem: "うまくいきませんでした",
  page: {
    formExpired: ["フォームの有効期限が切れていました。もう一度お試しください。"],
    forgotRateLimited: (minutes) => [
      `この場所から、またはこの名前に対するリセット用リンクのリクエストが多すぎます。${minutes} 分待ってから、もう一度お試しください。`,
    ],
    fillEveryField: ["すべての項目を入力してください。"],
    tooLong: ["パスワードが長すぎます。最大 72 バイトです（アクセント付きの文字や絵文字を含むと、入力できる文字数はさらに減ります）。"],
    signInAgain: ["セッションが終了しました。もう一度ログインしてください。"],
    busy: ["サービスが混み合っています。しばらくしてからもう一度お試しください。"],
    unavailable: ["サービスが現在応答できません。何も変更されていません。しばらくしてからもう一度お試しください。"],
    internal: ["サービス側で問題が発生しました。何も変更されていません。後でもう一度お試しください。"],
  },
  fault: {
    title: "問題が発生しました",
    body: "サービス側で問題が発生したため、リクエストに応答できませんでした。しばらくしてからもう一度お試しください。",
    home: "アカウントページに戻る",
  },
  errors: {
    [ID.invalidAuthHeader]: () => ["セッションが終了しました。もう一度ログインしてください。"],
    [ID.tokenInvalid]: () => ["セッションが終了したか、パスワードの変更によって終了しました。もう一度ログインしてください。"],
    [ID.issuerKeysUnavailable]: () => ["ID プロバイダーに接続できないため、現在ログインを確認できません。", "1 分ほどしてからもう一度お試しください。"],
    [ID.permissionDenied]: () => ["お使いのアカウントには、この操作の権限がありません。", "管理者にアクセス権を依頼してください。"],
    [ID.userPermissionDenied]: () => ["お使いのアカウントには、そのアカウントに対するこの操作の権限がありません。", "管理者にアクセス権を依頼してください。"],
    [ID.userNotFound]: () => ["お使いのアカウントはここでは認識されていないか、削除されています。", "管理者にお問い合わせください。"],
    [ID.resetUserNotFound]: () => ["そのアカウントは存在しないか、削除されています。"],
    [ID.orgNotFound]: () => ["その組織は存在しません。"],
    [ID.passwordNotFound]: () => ["このアカウントには、ここで変更できるパスワードがありません。"],
    [ID.notInitialised]: () => ["このアカウントはまだ設定が完了していません。先に設定を完了してください。"],
    [ID.resetNotInitialised]: () => ["このアカウントはまだ設定が完了していないため、パスワードをリセットできません。先に設定を完了してください。"],
    [ID.locked]: ({ failedAttempts }) => [
      "アカウントはロックされています。",
      `${failedAttempts} 回の失敗によりロックされ、残りの試行回数はありません。管理者にロックの解除を依頼してください。`,
    ],
    [ID.passwordEmpty]: () => ["新しいパスワードを入力してください。"],
    [ID.noPassword]: () => ["このアカウントにはまだパスワードがないため、確認するものがありません。"],
    [ID.sameAsOld]: () => ["新しいパスワードが現在のパスワードと同じです。別のパスワードを選んでください。"],
    [ID.passwordInvalid]: wrongPassword({
      notCorrect: "パスワードが正しくありません。",
      failedSoFar: (count) => `これまでの失敗回数: ${count} 回`,
      nowLocked: "アカウントはロックされました。管理者にロックの解除を依頼してください。",
      lockedAfter: (left) => `あと ${left} 回失敗すると、アカウントがロックされます。`,
    }),
    [ID.tooShort]: ({ policy }) => [
      "新しいパスワードが短すぎます。",
      policy ? `${policy.minLength} ${jaUnit(policy.unit)}以上にしてください。` : "もっと長くしてください。",
    ],
    [ID.noLowercase]: () => ["新しいパスワードには小文字（a～z）を 1 文字以上含めてください。"],
    [ID.noUppercase]: () => ["新しいパスワードには大文字（A～Z）を 1 文字以上含めてください。"],
    [ID.noNumber]: () => ["新しいパスワードには数字（0～9）を 1 文字以上含めてください。"],
    [ID.noSymbol]: () => ["新しいパスワードには記号（! # - など）を 1 文字以上含めてください。"],
    [ID.nulCharacter]: () => ["新しいパスワードに使用できない文字（NUL）が含まれています。"],
    [ID.tooLong]: ({ policy }) => [
      "新しいパスワードが長すぎます。",
      policy ? `${policy.maxLength} ${jaUnit(policy.unit)}以下にしてください。` : "もっと短くしてください。",
    ],
    [ID.tooCommon]: () => ["新しいパスワードは非常によく使われるもので、攻撃者が真っ先に試すパスワードです。推測されにくいものを選んでください。"],
    [ID.containsContextWord]: () => ["新しいパスワードにユーザー名または組織名が含まれています。取り除いてください。"],
    [ID.breached]: () => [
      "新しいパスワードはデータ漏えいで流出しているため、攻撃者にすでに知られている可能性があります。",
      "別のパスワードを選び、このパスワードはほかの場所でも使わないでください。",
    ],
    [ID.breachedCheckUnavailable]: () => [
      "漏えいパスワードの確認が現在応答しませんが、組織ではこの確認が必須です。",
      "1 分ほどしてからもう一度お試しください。",
    ],
    [ID.usedBefore]: ({ policy }) => [
      "このパスワードは最近使用されています。",
      policy ? `直近 ${policy.historyCount} 個のパスワードとは異なるものにしてください。` : "これまでに使ったことのないものを選んでください。",
    ],
    [ID.concurrentChange]: () => ["別のリクエストによって同時にパスワードが変更されました。もう一度お試しください。"],
    [ID.checkTooSoon]: () => ["このパスワードでの別の試行が進行中か、直前に誤ったパスワードが入力されました。", "数秒待ってから、もう一度お試しください。"],
    [ID.atCapacity]: () => ["サービスが混み合っています。しばらくしてからもう一度お試しください。"],
    [ID.validationRateLimited]: () => ["新しいパスワードが短時間に何度も確認されました。1 分待ってから、もう一度お試しください。"],
    [ID.resetRateLimited]: () => ["このアカウントのリセット用リンクのリクエストが多すぎます。しばらく待ってからリクエストし、最新のメールを使用してください。"],
    [ID.userBusy]: () => ["お使いのアカウントに対するリクエストが同時に多すぎます。少し待ってから、もう一度お試しください。"],
    [ID.databaseUnavailable]: () => ["サービスが現在データベースに接続できません。何も変更されていません。しばらくしてからもう一度お試しください。"],
    [ID.internal]: () => ["サービス側で問題が発生しました。何も変更されていません。後でもう一度お試しください。"],
    [ID.codeNotFound]: () => [
      "このリセット用リンクはもう使えません。使用済みか、新しいリンクに置き換えられたか、誤った試行により無効になっています。",
      "新しいリンクをリクエストしてください。",
    ],
    [ID.codeExpired]: () => ["このリセット用リンクの有効期限が切れています。", "新しいリンクをリクエストしてください。"],
    [ID.codeInvalid]: () => ["このリンクのコードが正しくありません。最新のメールのリンクを開いてください。誤ったコードが 5 回入力されると使えなくなります。"],
    [ID.smsUnimplemented]: () => ["ここではリセットコードを SMS で送信できません。メールでリクエストしてください。"],
    [ID.mailNotConfigured]: () => [
      "このサービスはメールを送信しないため、リセット用リンクをメールで送れません。",
      "管理者にリセットコードを依頼してください。",
    ],
    [ID.noEmail]: () => ["このアカウントには、リセット用リンクの送信先となるメールアドレスがありません。", "管理者にお問い合わせください。"],
    [ID.invalidUrlTemplate]: () => [
      "リセット用メールのリンクが無効です。使用できるのは {{.UserID}}、{{.Code}}、{{.OrgID}} のみで、http(s) のアドレスである必要があります。",
    ],
    [ID.sessionUserMissing]: () => ["アカウントが指定される前にパスワードが確認されました。ログイン名を入力してください。"],
    [ID.sessionUserNotFound]: () => ["そのログイン名のアカウントはありません。入力した名前を確認してください。"],
    [ID.sessionUserNotActive]: () => ["アカウントがロックされているか有効でないため、ログインできません。管理者にロックの解除を依頼してください。"],
    [ID.sessionNotFound]: () => ["セッションが終了しました。もう一度ログインしてください。"],
    [ID.sessionExpired]: () => ["セッションの有効期限が切れました。もう一度ログインしてください。"],
    [ID.sessionTokenInvalid]: () => ["セッションが新しいセッションに置き換えられました。もう一度ログインしてください。"],
    [ID.sessionLifetime]: () => ["セッションの有効期間は正の値である必要があります。"],
    [ID.lockedDuringCheck]: ({ failedAttempts }) => [
      "パスワードの確認中にアカウントがロックされました。",
      `${failedAttempts} 回の失敗によりロックされました。管理者にロックの解除を依頼してください。`,
    ],
    [ID.sessionCheckUnimplemented]: () => ["このサービスでは、ログイン名とパスワードでのみログインできます。"],
    [ID.sessionLimit]: () => ["ログインのリクエストに、このサービスが保持する以上の内容が含まれていました。"],
  },
};

const zhUnit = (unit: PolicyFacts["unit"]) => (unit === "bytes" ? "字节" : "个字符");

const zh: PageTexts = {
  language: { label: "语言", button: "切换语言" },
  labels: { loginName: "登录名", password: "密码", currentPassword: "当前密码", newPassword: "新密码" },
  buttons: { signIn: "登录", changePassword: "修改密码", signOut: "退出登录", sendResetLink: "发送重置链接", setPassword: "设置密码" },
  links: { forgotPassword: "忘记密码？", backToSignIn: "返回登录", requestNewLink: "重新获取链接", signIn: "登录" },
  signIn: {
    title: "登录",
    intro: "登录后即可修改密码。",
    signedOut: "您已退出登录。",
  },
  change: {
    title: "修改您的密码",
    signedInAs: (name) => `当前登录账户：${name}。`,
    done: "密码已修改",
    doneDetail: "从现在起，请使用新密码。",
  },
  forgot: {
    title: "忘记密码？",
    intro: "请输入您的登录名。如果有账户使用该登录名，我们会向该账户的电子邮件地址发送一个用于设置新密码的链接。",
  },
  sent: {
    title: "请查收邮件",
    body: "如果有账户使用您输入的登录名，用于设置新密码的链接已发往该账户的电子邮件地址。该链接仅可使用一次，且有时间限制。",
  },
  reset: {
    title: "设置新密码",
    intro: "请为您的账户选择新密码。",
    incomplete: "此链接不完整。请打开邮件中的完整链接，或重新获取链接。",
    done: "密码已设置",
    doneDetail: "请使用新密码登录。",
  },
  oidc: {
    refused: ["您的身份提供方未让您登录。", "请重新登录，或联系管理员。"],
    mismatch: ["此次登录不是从这里发起的，或耗时过长。", "请重新登录。"],
    failed: ["无法在此完成您身份提供方的登录。未做任何更改；请稍后重试，或联系管理员。"],
  },
  rules: {
    heading: "新密码要求：",
    met: "已满足",
    unmet: "未满足",
    length: (min, max, unit) => `长度为 ${min} 到 ${max} ${zhUnit(unit)}`,
    lowercase: "包含小写字母（a 到 z）",
    uppercase: "包含大写字母（A 到 Z）",
    digit: "包含数字（0 到 9）",
    symbol: "包含符号，例如 ! # 或 -",
    notCommon: "不是常见密码（提交时检查）",
    noContextWords: "不包含您的用户名或组织名称（提交时检查）",
    notBreached: "未出现在已知的数据泄露中（提交时检查）",
    notRecent: (count) => `与最近 ${count} 个密码均不相同（提交时检查）`,
    lockout: (attempts) => `密码错误 ${attempts} 次后，您的账户将被锁定。`,
  },
  problem: "操作未成功",
  page: {
    formExpired: ["表单已过期，请重试。"],
    forgotRateLimited: (minutes) => [`从此处或为此名称请求的重置链接过多。请等待 ${minutes} 分钟后重试。`],
    fillEveryField: ["请填写所有字段。"],
    tooLong: ["密码太长：最多 72 字节（含重音字母或表情符号时，可输入的字符更少）。"],
    signInAgain: ["您的会话已结束，请重新登录。"],
    busy: ["服务当前繁忙，请稍后重试。"],
    unavailable: ["服务当前无法响应。未做任何更改，请稍后重试。"],
    internal: ["服务端出现问题。未做任何更改，请稍后再试。"],
  },
  fault: {
    title: "出现问题",
    body: "服务端出现问题，无法响应您的请求。请稍后重试。",
    home: "返回账户页面",
  },
  errors: {
    [ID.invalidAuthHeader]: () => ["您的会话已结束，请重新登录。"],
    [ID.tokenInvalid]: () => ["您的会话已结束，或因密码修改而被终止。请重新登录。"],
    [ID.issuerKeysUnavailable]: () => ["服务当前无法验证登录：无法连接您的身份提供商。", "请一分钟后重试。"],
    [ID.permissionDenied]: () => ["您的账户无权执行此操作。", "请向管理员申请访问权限。"],
    [ID.userPermissionDenied]: () => ["您的账户无权对该账户执行此操作。", "请向管理员申请访问权限。"],
    [ID.userNotFound]: () => ["此处无法识别您的账户，或该账户已被删除。", "请联系管理员。"],
    [ID.resetUserNotFound]: () => ["该账户不存在或已被删除。"],
    [ID.orgNotFound]: () => ["该组织不存在。"],
    [ID.passwordNotFound]: () => ["此账户没有可在此处修改的密码。"],
    [ID.notInitialised]: () => ["此账户尚未完成设置。请先完成设置。"],
    [ID.resetNotInitialised]: () => ["此账户尚未完成设置，因此无法重置其密码。请先完成设置。"],
    [ID.locked]: ({ failedAttempts }) => ["您的账户已被锁定。", `账户在 ${failedAttempts} 次尝试失败后被锁定，已没有剩余尝试次数。请联系管理员解锁。`],
    [ID.passwordEmpty]: () => ["请输入新密码。"],
    [ID.noPassword]: () => ["此账户还没有密码，因此无可检查。"],
    [ID.sameAsOld]: () => ["新密码与当前密码相同。请选择其他密码。"],
    [ID.passwordInvalid]: wrongPassword({
      notCorrect: "密码不正确。",
      failedSoFar: (count) => `目前已失败 ${count} 次。`,
      nowLocked: "您的账户现已被锁定。请联系管理员解锁。",
      lockedAfter: (left) => `再失败 ${left} 次，您的账户将被锁定。`,
    }),
    [ID.tooShort]: ({ policy }) => ["新密码太短。", policy ? `至少需要 ${policy.minLength} ${zhUnit(policy.unit)}。` : "请加长密码。"],
    [ID.noLowercase]: () => ["新密码至少需要包含一个小写字母（a 到 z）。"],
    [ID.noUppercase]: () => ["新密码至少需要包含一个大写字母（A 到 Z）。"],
    [ID.noNumber]: () => ["新密码至少需要包含一个数字（0 到 9）。"],
    [ID.noSymbol]: () => ["新密码至少需要包含一个符号，例如 ! # 或 -。"],
    [ID.nulCharacter]: () => ["新密码包含无法使用的字符（NUL）。"],
    [ID.tooLong]: ({ policy }) => ["新密码太长。", policy ? `最多只能有 ${policy.maxLength} ${zhUnit(policy.unit)}。` : "请缩短密码。"],
    [ID.tooCommon]: () => ["新密码是最常见的密码之一，攻击者会最先尝试这类密码。请选择一个不那么容易猜到的密码。"],
    [ID.containsContextWord]: () => ["新密码包含您的用户名或组织名称。请将其去掉。"],
    [ID.breached]: () => ["新密码曾出现在数据泄露中，攻击者可能已经知道它。", "请选择其他密码，并且不要在其他任何地方使用此密码。"],
    [ID.breachedCheckUnavailable]: () => ["泄露密码检查当前无法响应，而您的组织要求进行此检查。", "请一分钟后重试。"],
    [ID.usedBefore]: ({ policy }) => [
      "您最近使用过此密码。",
      policy ? `新密码必须与最近 ${policy.historyCount} 个密码均不相同。` : "请选择一个从未使用过的密码。",
    ],
    [ID.concurrentChange]: () => ["另一个请求同时修改了您的密码。请重试。"],
    [ID.checkTooSoon]: () => ["使用此密码的另一次尝试正在进行，或上一次错误尝试刚刚发生。", "请等待几秒钟后重试。"],
    [ID.atCapacity]: () => ["服务当前繁忙，请稍后重试。"],
    [ID.validationRateLimited]: () => ["您的新密码在短时间内被检查了太多次。请等待一分钟后重试。"],
    [ID.resetRateLimited]: () => ["此账户请求重置链接的次数过多。请稍等一段时间再请求，并使用最新的邮件。"],
    [ID.userBusy]: () => ["您的账户同时进行的请求过多。请稍候再试。"],
    [ID.databaseUnavailable]: () => ["服务当前无法连接其数据库。未做任何更改，请稍后重试。"],
    [ID.internal]: () => ["服务端出现问题。未做任何更改，请稍后再试。"],
    [ID.codeNotFound]: () => ["此重置链接已失效：它已被使用、被更新的链接取代，或因多次错误尝试而作废。", "请重新获取链接。"],
    [ID.codeExpired]: () => ["此重置链接已过期。", "请重新获取链接。"],
    [ID.codeInvalid]: () => ["此链接中的验证码不正确。请打开最新邮件中的链接；输错五次后，链接将失效。"],
    [ID.smsUnimplemented]: () => ["此处无法通过短信发送重置码。请通过电子邮件获取。"],
    [ID.mailNotConfigured]: () => ["此服务不发送邮件，因此无法通过邮件发送重置链接。", "请向管理员索取重置码。"],
    [ID.noEmail]: () => ["此账户没有可接收重置链接的电子邮件地址。", "请联系管理员。"],
    [ID.invalidUrlTemplate]: () => ["重置邮件中的链接无效：只能包含 {{.UserID}}、{{.Code}} 和 {{.OrgID}}，且必须是 http(s) 地址。"],
    [ID.sessionUserMissing]: () => ["在指定账户之前就检查了密码。请输入您的登录名。"],
    [ID.sessionUserNotFound]: () => ["没有账户使用该登录名。请检查您输入的名称。"],
    [ID.sessionUserNotActive]: () => ["您的账户已被锁定或未激活，因此无法登录。请联系管理员解锁。"],
    [ID.sessionNotFound]: () => ["您的会话已结束，请重新登录。"],
    [ID.sessionExpired]: () => ["您的会话已过期，请重新登录。"],
    [ID.sessionTokenInvalid]: () => ["您的会话已被新的会话取代，请重新登录。"],
    [ID.sessionLifetime]: () => ["会话的有效期必须为正数。"],
    [ID.lockedDuringCheck]: ({ failedAttempts }) => ["在检查密码期间，您的账户被锁定了。", `账户在 ${failedAttempts} 次尝试失败后被锁定。请联系管理员解锁。`],
    [ID.sessionCheckUnimplemented]: () => ["此服务仅支持使用登录名和密码登录。"],
    [ID.sessionLimit]: () => ["登录请求包含的内容超出了此服务的保存范围。"],
  },
};

/** Each language the page speaks, by its code. */
const PAGE_TEXTS: Record<Language, PageTexts> = { en, de, fr, it, es, pt, nl, pl, ja, zh };

/** The page's words in a language. */
export function pageTexts(language: Language): PageTexts {
  return PAGE_TEXTS[language];
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
