import bcrypt from "bcrypt";

/**
 * bcrypt through its async API only: every hash and compare runs on libuv's
 * thread pool, never on the event loop.
 */
export class BcryptHasher {
  constructor(readonly cost: number) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  /** Verifies against a hash of any cost; `$2y$` (PHP's name) is the same algorithm as `$2b$`. */
  verify(password: string, hash: string): Promise<boolean> {
    const normalised = hash.startsWith("$2y$") ? `$2b$${hash.slice(4)}` : hash;
    return bcrypt.compare(password, normalised);
  }
}

/** bcrypt reads at most this many bytes of a password. */
export const BCRYPT_MAX_BYTES = 72;
