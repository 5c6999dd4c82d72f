/**
 * Every text a user receives by mail, in plain English, in one place so that
 * they can be translated. No text holds a password, a hash or a token; only
 * the reset mail holds its code.
 */
export const TEXTS = {
  /** The account a mail is about, in the middle of a sentence. */
  account: (username: string) => `your account "${username}"`,
  accountIn: (username: string, orgName: string) => `your account "${username}" at ${orgName}`,
  reset: {
    subject: "Reset your password",
    body: (v: { account: string; username: string; code: string; link?: string; validFor: string }) =>
      [
        `Hello ${v.username},`,
        "",
        `Someone asked to reset the password of ${v.account}.`,
        "",
        `Your code: ${v.code}`,
        ...(v.link ? ["", `Or follow this link to choose a new password:`, v.link] : []),
        "",
        `The code works once, for ${v.validFor}.`,
        "If you did not ask for this, ignore this mail: your password stays as it is.",
      ].join("\n"),
  },
  changed: {
    subject: "Your password was changed",
    body: (v: { account: string; username: string; when: string; where: string }) =>
      [
        `Hello ${v.username},`,
        "",
        `The password of ${v.account} was changed on ${v.when}${v.where}.`,
        "",
        "If this was you, there is nothing to do.",
        "If it was not, reset your password at once and tell your administrator.",
      ].join("\n"),
    /** How the request was made, in the sentence above. */
    from: (address: string) => ` from ${address}`,
    using: (userAgent: string) => ` using ${userAgent}`,
    byReset: " with a password reset code",
  },
};

/** "1 hour", "90 minutes", "2 days": a code's lifetime in words. */
export function inWords(seconds: number): string {
  const units: [number, string][] = [[86400, "day"], [3600, "hour"], [60, "minute"], [1, "second"]];
  const [size, name] = units.find(([size]) => seconds % size === 0)!;
  const count = seconds / size;
  return `${count} ${name}${count === 1 ? "" : "s"}`;
}
