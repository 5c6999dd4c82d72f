import { errors, type ServiceError } from "./errors.js";

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per user, in this process: `burst` calls at once, refilled
 * at `perMinute`. Past it a call is refused with 8 and the seconds until the
 * next one may go. At most `maxTracked` users' buckets are kept: the keys
 * may be chosen by the caller (the page's forgot form takes any login name),
 * so the map must not grow with them.
 */
export class PerUserRate {
  /** In the order of last use: a bucket is put back at the end each time it is taken from. */
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly maxTracked: number,
    private readonly now: () => number = Date.now,
    /** The refusal, given the seconds until a call may go. */
    private readonly refusal: (retryAfterSeconds: number) => ServiceError = errors.validationRateLimited,
  ) {}

  /** Takes one call from the user's bucket, or throws the refusal. */
  take(userId: string): void {
    const now = this.now();
    const bucket = this.buckets.get(userId);
    const tokens = bucket ? this.refilled(bucket, now) : this.burst;
    if (tokens < 1) throw this.refusal(Math.ceil(((1 - tokens) * 60) / this.perMinute));
    this.buckets.delete(userId);
    if (this.buckets.size >= this.maxTracked) this.makeRoom(now);
    this.buckets.set(userId, { tokens: tokens - 1, at: now });
  }

  /** Users whose buckets are kept now. */
  get tracked(): number {
    return this.buckets.size;
  }

  private refilled(bucket: Bucket, now: number): number {
    return Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000);
  }

  /**
   * Forgets users whose bucket has filled up again: they lose nothing by it.
   * If none has, forgets the one closest to full (of those, the least
   * recently used), which forgives that user's recent calls. Not the oldest
   * alone: a flood of new keys, each one call short, would then push out a
   * bucket drained on purpose (a name whose mailbox is being flooded) and
   * give it its whole burst again; this way the flood's own buckets go first,
   * and draining a bucket to outlast them costs its burst in calls, which the
   * page's per-address rate bounds (it is taken before the per-name one).
   * One pass over the kept buckets, as dropping the full ones needs anyway.
   */
  private makeRoom(now: number): void {
    let fullest: string | undefined;
    let most = Number.NEGATIVE_INFINITY;
    for (const [userId, bucket] of this.buckets) {
      const tokens = this.refilled(bucket, now);
      if (tokens >= this.burst) this.buckets.delete(userId);
      else if (tokens > most) [fullest, most] = [userId, tokens];
    }
    if (this.buckets.size >= this.maxTracked && fullest !== undefined) this.buckets.delete(fullest);
  }
}
