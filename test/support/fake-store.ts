import type { AuditEntry } from "../../src/core/audit.js";
import type { ChangePasswordDeps } from "../../src/core/change-password.js";
import type { HashWork, PasswordHasher } from "../../src/core/password-hasher.js";
import type { ChangeExtras, CheckSlot, StoredHash, UserRecord, UserStore } from "../../src/core/user-store.js";
import { DEFAULT_POLICY, type PasswordPolicy } from "../../src/core/policy.js";
import { CheckLine } from "../../src/core/check-line.js";
import type { TokenCutoff } from "../../src/core/revocation.js";

/** A store in memory with the real one's rules: the check slot, the count, the tarpit's time, the sequence. */
export class FakeStore implements UserStore {
  audit: AuditEntry[] = [];
  history: StoredHash[] = [];
  leaseUntil = 0;
  notBefore = 0;
  cutoff: TokenCutoff | undefined;
  /** The user events its failures wrote (a sign-in's). */
  failureEvents: string[] = [];

  constructor(readonly user: UserRecord) {}

  async findUser() {
    return { ...this.user };
  }

  async beginPasswordCheck(_id: string, max: number, now: number, leaseUntil: number): Promise<CheckSlot> {
    const u = this.user;
    const free = u.state === "active" && this.leaseUntil <= now && this.notBefore <= now && (max === 0 || u.failedAttempts < max);
    if (!free) {
      return { taken: false, state: u.state, failedAttempts: u.failedAttempts, inFlight: this.leaseUntil > now, notBeforeMs: this.notBefore };
    }
    this.leaseUntil = leaseUntil;
    return {
      taken: true,
      user: { passwordHash: u.passwordHash, passwordNfkc: u.passwordNfkc, sequence: u.sequence, failedAttempts: u.failedAttempts },
      cutoff: this.cutoff,
    };
  }

  async endPasswordCheck() {
    this.leaseUntil = 0;
  }

  async renewPasswordCheck(_id: string, now: number, leaseUntil: number) {
    if (this.leaseUntil > now) this.leaseUntil = leaseUntil;
  }

  async recordFailedAttempt(_id: string, max: number, audit: AuditEntry, at: Date, delayMs: (n: number) => number, userEvent?: string) {
    this.leaseUntil = 0;
    if (this.user.state !== "active") return { failedAttempts: this.user.failedAttempts, locked: this.user.state === "locked", counted: false };
    this.user.failedAttempts += 1;
    if (userEvent) {
      this.user.sequence += 1;
      this.failureEvents.push(userEvent);
    }
    if (max > 0 && this.user.failedAttempts >= max) this.user.state = "locked";
    this.notBefore = at.getTime() + delayMs(this.user.failedAttempts);
    this.audit.push(audit);
    return { failedAttempts: this.user.failedAttempts, locked: this.user.state === "locked", counted: true };
  }

  async commitPasswordChange(_id: string, expected: number, hash: string, at: Date, extras: ChangeExtras) {
    this.leaseUntil = 0;
    if (this.user.sequence !== expected || this.user.state !== "active") return undefined;
    if (extras.replacedHash) this.history.unshift(extras.replacedHash);
    Object.assign(this.user, { passwordHash: hash, passwordNfkc: extras.nfkc, sequence: expected + 1, failedAttempts: 0 });
    this.audit.push(extras.audit);
    return { sequence: this.user.sequence, changedAt: at, resourceOwner: this.user.orgId };
  }

  async passwordHistory(_id: string, count: number) {
    return this.history.slice(0, count);
  }
}

/** "bcrypt" as `hash:<password>`, counting every verify; each operation takes a turn of the event loop. */
export class FakeHasher implements PasswordHasher {
  verified: string[] = [];
  refuseIfBusy() {}
  admit(): HashWork {
    return {
      hash: async (password) => {
        await new Promise((resolve) => setImmediate(resolve));
        return `hash:${password}`;
      },
      verify: async (password, hash) => {
        this.verified.push(password);
        await new Promise((resolve) => setImmediate(resolve));
        return hash === `hash:${password}`;
      },
      hashIfIdle: () => undefined,
      done: () => {},
    };
  }
}

export const TEST_USER: UserRecord = {
  id: "1",
  orgId: "2",
  username: "ann",
  orgName: "org",
  orgIsDefault: false,
  kind: "human",
  state: "active",
  passwordHash: "hash:Right-Passw0rd!",
  passwordNfkc: false,
  sequence: 1,
  failedAttempts: 0,
  email: null,
  preferredLanguage: null,
};

/**
 * Virtual time: a wait returns within milliseconds, in the order of the
 * times it waits for, and moves the clock to its own end. Waits of requests
 * in flight together overlap, as real ones would.
 */
export class FakeClock {
  ms = 1_000_000;
  sleeps: number[] = [];
  private readonly waiting: { at: number; wake: () => void }[] = [];

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((wake) => {
      this.waiting.push({ at: this.ms + ms, wake });
      // A real moment later, when other requests have done what they can: the earliest wait ends.
      setTimeout(() => {
        this.waiting.sort((a, b) => a.at - b.at);
        const next = this.waiting.shift()!;
        this.ms = Math.max(this.ms, next.at);
        next.wake();
      }, 2);
    });
  }
}

/** The use case's dependencies on fakes, on a FakeClock. */
export function fakeDeps(store: FakeStore, options: { policy?: PasswordPolicy; checkWaitMs?: number; hasher?: FakeHasher } = {}) {
  const clock = new FakeClock();
  const deps: ChangePasswordDeps = {
    store,
    audit: { record: async (entry) => void store.audit.push(entry) },
    hasher: options.hasher ?? new FakeHasher(),
    policies: { forOrg: async () => ({ policy: options.policy ?? DEFAULT_POLICY, source: "instance", sequence: 0 }) },
    breached: { isBreached: async () => false },
    revocation: "others",
    now: () => new Date(clock.ms),
    sleep: (ms) => clock.sleep(ms),
    checkWaitMs: options.checkWaitMs ?? 3000,
    checkLeaseMs: 10_000,
    checkLine: new CheckLine(),
    auditFailed: () => {},
    notices: { changed: () => undefined, queued: () => {} },
  };
  return { deps, clock };
}
