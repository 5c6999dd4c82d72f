import type { StoredHash } from "./user-store.js";

/**
 * bcrypt as the use case sees it. A request's bcrypt work is admitted once,
 * as a whole: once let in it is never refused half-way, so no check it spent
 * goes uncounted.
 */
export interface PasswordHasher {
  /** Throws ResourceExhausted if a request let in now would wait longer than the budget; reserves nothing. */
  refuseIfBusy(): void;
  /**
   * Lets one request's bcrypt work in, or throws ResourceExhausted; call
   * done() on the result when the request ends. A change hashes its new
   * password after its check, a sign-in does not: `hashAfterCheck` false
   * counts its check alone in the queue's estimate.
   */
  admit(options?: { hashAfterCheck?: boolean }): HashWork;
}

/** One admitted request's bcrypt work. */
export interface HashWork {
  /** The first call queues as new work, behind requests already under way; later ones (history) as this request's own, ahead of new arrivals. */
  verify(password: string, hash: string): Promise<boolean>;
  hash(password: string): Promise<string>;
  /** Starts hashing now only if a core is idle; undefined when none is. */
  hashIfIdle(password: string): Promise<string> | undefined;
  done(): void;
}

/** bcrypt reads at most this many bytes of a password: the policy's longest password can be no longer. */
export const BCRYPT_MAX_BYTES = 72;

/**
 * Verifies a password against a hash with the form it was made of: the NFKC
 * form for hashes made under the nist profile, the password as typed for the
 * rest (ZITADEL's, the zitadel profile's). For a hash whose form was not
 * recorded, as typed and then, if it differs, in NFKC form. ASCII is its own
 * NFKC form: never a second try.
 */
export async function verify(work: HashWork, password: string, stored: StoredHash): Promise<boolean> {
  const normalised = password.normalize("NFKC");
  if (stored.nfkc !== null) return work.verify(stored.nfkc ? normalised : password, stored.hash);
  if (await work.verify(password, stored.hash)) return true;
  return normalised !== password && work.verify(normalised, stored.hash);
}
