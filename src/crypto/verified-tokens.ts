/** What a verified token names: the caller (see tokens.ts), kept by its token's fingerprint. */
interface Fingerprinted {
  fingerprint: string;
}

interface Verified<Caller> {
  caller: Caller;
  /** The key set the token was checked with: under another, it is checked again. */
  keys: object;
  /** Epoch ms after which the token is expired (with the clock tolerance). */
  untilMs: number;
}

/**
 * Callers of tokens whose signature and claims were checked, by the token's
 * fingerprint, at most `size` of them (least recently used go first). A
 * client uses one token for many requests; its signature is checked once,
 * not on every request, on the thread pool behind bcrypt. Nothing else is
 * kept: the user, its state and its revocation cutoff are read on every
 * request, so a password change still refuses old tokens at once, on every
 * process.
 */
export class VerifiedTokens<Caller extends Fingerprinted> {
  private readonly entries = new Map<string, Verified<Caller>>();

  constructor(private readonly size: number) {}

  get(fingerprint: string, keys: object, nowMs: number): Caller | undefined {
    const entry = this.entries.get(fingerprint);
    if (!entry) return undefined;
    this.entries.delete(fingerprint);
    if (entry.keys !== keys || entry.untilMs <= nowMs) return undefined;
    this.entries.set(fingerprint, entry); // now the most recently used
    return entry.caller;
  }

  add(caller: Caller, keys: object, untilMs: number): void {
    if (this.size === 0) return;
    this.entries.delete(caller.fingerprint);
    this.entries.set(caller.fingerprint, { caller, keys, untilMs });
    if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
  }
}
