/**
 * Each user's line for the password-check slot, in this process: requests
 * for one user ask the store for the slot in the order they came. Without
 * it, whichever request polls first after a check ends takes the slot, and
 * a token that floods the user's admission would win almost every turn
 * against the owner's one request.
 */
export class CheckLine {
  private readonly lines = new Map<string, symbol[]>();

  /** Joins the user's line; `first()` tells whether it is this request's turn. Call `leave()` once done, whatever happened. */
  join(userId: string): { first: () => boolean; leave: () => void } {
    const me = Symbol(userId);
    const line = this.lines.get(userId) ?? [];
    line.push(me);
    this.lines.set(userId, line);
    return {
      first: () => line[0] === me,
      leave: () => {
        const at = line.indexOf(me);
        if (at >= 0) line.splice(at, 1);
        if (line.length === 0 && this.lines.get(userId) === line) this.lines.delete(userId);
      },
    };
  }
}

/**
 * Keeps a check slot's lease from running out while its check works: a
 * verify of an imported hash, or one that waited in the hash pool, may take
 * longer than the lease, and another request must not take the slot then.
 * Renewed at a third of the lease, so one late renewal still keeps it.
 */
export function keepLease(renew: (nowMs: number, leaseUntilMs: number) => Promise<void>, leaseMs: number, now: () => Date): () => void {
  const timer = setInterval(
    () => {
      const at = now().getTime();
      // A renewal that fails (the database is away) leaves the lease as it
      // was; the check's own outcome then fails to be written the same way.
      renew(at, at + leaseMs).catch(() => {});
    },
    Math.max(1, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}
