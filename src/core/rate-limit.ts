import { errors, type ServiceError } from "./errors.js";

/** Users whose buckets are kept at most; past it, full buckets (users idle long enough) are dropped. */
const MAX_TRACKED = 10_000;

/**
 * A token bucket per user, in this process: `burst` calls at once, refilled
 * at `perMinute`. Past it a call is refused with 8 and the seconds until the
 * next one may go.
 */
export class PerUserRate {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
    /** The refusal, given the seconds until a call may go. */
    private readonly refusal: (retryAfterSeconds: number) => ServiceError = errors.validationRateLimited,
  ) {}

  /** Takes one call from the user's bucket, or throws the refusal. */
  take(userId: string): void {
    const now = this.now();
    const bucket = this.buckets.get(userId) ?? { tokens: this.burst, at: now };
    const tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000);
    if (tokens < 1) throw this.refusal(Math.ceil(((1 - tokens) * 60) / this.perMinute));
    if (!this.buckets.has(userId) && this.buckets.size >= MAX_TRACKED) this.dropFull(now);
    this.buckets.set(userId, { tokens: tokens - 1, at: now });
  }

  /** Forgets users whose bucket has filled up again: they lose nothing by it. */
  private dropFull(now: number): void {
    for (const [userId, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000 >= this.burst) this.buckets.delete(userId);
    }
  }
}
