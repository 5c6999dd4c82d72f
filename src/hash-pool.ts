import { ServiceError } from "./errors.js";
import type { PasswordHasher } from "./change-password.js";

/** The raw bcrypt operations, each already off the event loop. */
export interface HashOps {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

interface Job {
  run: () => Promise<unknown>;
  resolve: (value: never) => void;
  reject: (err: unknown) => void;
}

/**
 * Schedules bcrypt work: one operation per core it may use, and one more,
 * which waits on a thread of its own so that a core that finishes starts it
 * at once instead of after the event loop's next turn.
 *
 * libuv would queue any number of operations itself; doing it here lets the
 * service (1) finish requests it has started before starting new ones: new
 * password hashes go before old password checks, (2) refuse at once what it
 * cannot start within the queue-wait budget, instead of letting the queue and
 * every caller's wait grow without bound, and (3) spend an idle slot on
 * hashing a new password while its old one is still being checked.
 */
export class HashPool implements PasswordHasher {
  /** Operations in flight at most. */
  readonly slots: number;
  private active = 0;
  private readonly urgent: Job[] = [];
  private readonly waiting: Job[] = [];
  /** Moving average of one operation's duration, for the wait estimate. */
  private averageMs: number;

  constructor(
    private readonly ops: HashOps,
    /** Cores bcrypt may keep busy. */
    private readonly cores: number,
    private readonly budgetMs: number,
    initialEstimateMs: number,
  ) {
    this.slots = cores + 1;
    this.averageMs = initialEstimateMs;
  }

  /** Operations started and not finished, and operations waiting for a slot. */
  get depth(): { active: number; queued: number } {
    return { active: this.active, queued: this.urgent.length + this.waiting.length };
  }

  /** Throws if a check admitted now would wait longer than the budget. */
  admit(): void {
    if (this.estimatedWaitMs() > this.budgetMs) throw busy(this.retryAfterSeconds());
  }

  /** Checks an old password: new work, so it is refused when the wait would exceed the budget. */
  async verify(password: string, hash: string): Promise<boolean> {
    this.admit();
    return this.enqueue(this.waiting, () => this.ops.verify(password, hash));
  }

  /** Hashes a new password whose request has passed its check: ahead of new work. */
  hash(password: string): Promise<string> {
    return this.enqueue(this.urgent, () => this.ops.hash(password));
  }

  /** Starts hashing now if a core is free and nothing waits; otherwise undefined. */
  hashIfIdle(password: string): Promise<string> | undefined {
    if (this.active >= this.cores || this.depth.queued > 0) return undefined;
    return this.hash(password);
  }

  private estimatedWaitMs(): number {
    // A waiting check will be followed by its new password's hash, which goes
    // ahead of a check admitted now: count waiting checks twice. The average
    // is of operations sharing the cores `slots` at a time.
    const ahead = this.active + this.urgent.length + 2 * this.waiting.length - this.slots + 1;
    return ahead <= 0 ? 0 : Math.ceil(ahead / this.slots) * this.averageMs;
  }

  private retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.estimatedWaitMs() / 1000));
  }

  private enqueue<T>(queue: Job[], run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ run, resolve: resolve as (value: never) => void, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.active < this.slots) {
      const job = this.urgent.shift() ?? this.waiting.shift();
      if (!job) return;
      this.active++;
      const started = performance.now();
      job
        .run()
        .then(job.resolve as (value: unknown) => void, job.reject)
        .finally(() => {
          this.averageMs += (performance.now() - started - this.averageMs) * 0.2;
          this.active--;
          this.next();
        });
    }
  }
}

function busy(retryAfterSeconds: number): ServiceError {
  return new ServiceError(
    "resource-exhausted",
    "PWSVC-BUSY1",
    "The service is at capacity; try again shortly",
    undefined,
    retryAfterSeconds,
  );
}
