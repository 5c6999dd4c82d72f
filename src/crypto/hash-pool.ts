import { errors } from "../core/errors.js";
import type { HashWork, PasswordHasher } from "../core/password-hasher.js";

/** The raw bcrypt operations, each already off the event loop. */
export interface HashOps {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

interface Job {
  run: () => Promise<unknown>;
  resolve: (value: never) => void;
  reject: (err: unknown) => void;
  /** Told when the job leaves the queue for a slot. */
  onStart?: () => void;
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
  /**
   * The operations that requests admitted, and whose first check has not
   * started, will bring: each its check, and a change its new password's
   * hash, which goes ahead of a check admitted now.
   */
  private pending = 0;
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

  /** Throws if a request admitted now would wait longer than the budget. */
  refuseIfBusy(): void {
    if (this.estimatedWaitMs() > this.budgetMs) throw errors.atCapacity(this.retryAfterSeconds());
  }

  /**
   * Admits one request's bcrypt work, or throws. Its first check queues as
   * new work, behind requests already under way; its further checks
   * (history) and its hash are its own work and go ahead of new arrivals.
   * None of it is refused later.
   */
  admit({ hashAfterCheck = true }: { hashAfterCheck?: boolean } = {}): HashWork {
    this.refuseIfBusy();
    let pending = hashAfterCheck ? 2 : 1;
    this.pending += pending;
    const checkStarted = () => {
      this.pending -= pending;
      pending = 0;
    };
    let first = true;
    return {
      verify: (password, hash) => {
        const run = () => this.ops.verify(password, hash);
        if (!first) return this.enqueue(this.urgent, run);
        first = false;
        return this.enqueue(this.waiting, run, checkStarted);
      },
      hash: (password) => this.hash(password),
      hashIfIdle: (password) => this.hashIfIdle(password),
      done: checkStarted,
    };
  }

  /** Hashes a new password whose request has passed its check: ahead of new work. */
  private hash(password: string): Promise<string> {
    return this.enqueue(this.urgent, () => this.ops.hash(password));
  }

  /** Starts hashing now if a core is free and nothing waits; otherwise undefined. */
  private hashIfIdle(password: string): Promise<string> | undefined {
    if (this.active >= this.cores || this.depth.queued > 0) return undefined;
    return this.hash(password);
  }

  private estimatedWaitMs(): number {
    // Ahead of a check admitted now: what runs, the requests' own work queued
    // (hashes, history), and what admitted requests whose check has not
    // started will bring (pending, which counts the checks waiting). The
    // average is of operations sharing the cores `slots` at a time.
    const ahead = this.active + this.urgent.length + this.pending - this.slots + 1;
    return ahead <= 0 ? 0 : Math.ceil(ahead / this.slots) * this.averageMs;
  }

  private retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.estimatedWaitMs() / 1000));
  }

  private enqueue<T>(queue: Job[], run: () => Promise<T>, onStart?: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ run, resolve: resolve as (value: never) => void, reject, onStart });
      this.next();
    });
  }

  private next(): void {
    while (this.active < this.slots) {
      const job = this.urgent.shift() ?? this.waiting.shift();
      if (!job) return;
      this.active++;
      job.onStart?.();
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

/**
 * Caps the requests of one user that may hold or wait for bcrypt work at
 * once, in this process, and of those the requests of one token. Past a cap
 * the request is refused at the door, so one token holder cannot fill the
 * queue that every user shares, nor take all of its user's admission: a
 * stolen token's flood leaves room for the user's other tokens.
 */
export class UserAdmission {
  private readonly users = new Counts();
  private readonly tokens = new Counts();

  constructor(
    private readonly perUser: number,
    private readonly perToken: number,
  ) {}

  /** Lets one request of `userId`, made with the token of fingerprint `token`, in, or throws ResourceExhausted; call the returned function when it is done. */
  enter(userId: string, token: string): () => void {
    // A token counts within its user: an administrator's or a login client's token may work for many users at once.
    const tokenOfUser = `${userId}\0${token}`;
    if (this.users.of(userId) >= this.perUser || this.tokens.of(tokenOfUser) >= this.perToken) throw errors.userBusy();
    const leaveUser = this.users.add(userId);
    const leaveToken = this.tokens.add(tokenOfUser);
    return () => {
      leaveUser();
      leaveToken();
    };
  }
}

/** Counts in flight by key, keeping no entry at zero. */
class Counts {
  private readonly counts = new Map<string, number>();

  of(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Counts one more; the returned function uncounts it, once however often it is called. */
  add(key: string): () => void {
    this.counts.set(key, this.of(key) + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const now = this.of(key) - 1;
      if (now === 0) this.counts.delete(key);
      else this.counts.set(key, now);
    };
  }
}
