import { createHash } from "node:crypto";

/** The breached-password check as the use case sees it. */
export interface BreachedPasswords {
  /** True if the password is known from a breach; throws if the service cannot answer. */
  isBreached(password: string): Promise<boolean>;
}

/**
 * Have I Been Pwned's range API (k-anonymity): only the first 5 hex digits
 * of the password's SHA-1 leave the process; the service answers every
 * suffix it knows with that prefix, and the match is made here.
 */
export class RangeApiBreachedPasswords implements BreachedPasswords {
  constructor(
    private readonly baseUrl: URL,
    private readonly timeoutMs: number,
  ) {}

  async isBreached(password: string): Promise<boolean> {
    const sha1 = createHash("sha1").update(password, "utf8").digest("hex").toUpperCase();
    const prefix = sha1.slice(0, 5);
    const suffix = sha1.slice(5);
    const url = new URL(`range/${prefix}`, this.baseUrl.href.endsWith("/") ? this.baseUrl : `${this.baseUrl.href}/`);
    const res = await fetch(url, {
      // Padding hides from an observer how many suffixes the prefix has.
      headers: { "add-padding": "true", "user-agent": "password-service" },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`breached-password range API answered ${res.status}`);
    const body = await res.text();
    for (const line of body.split("\n")) {
      const [candidate, count] = line.trim().split(":");
      // Padding entries carry a count of 0.
      if (candidate?.toUpperCase() === suffix && Number(count) > 0) return true;
    }
    return false;
  }
}
