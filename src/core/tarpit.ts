/** Waits without holding the CPU: a timer. Tests pass a fake. */
export type Sleeper = (ms: number) => Promise<void>;

export const sleep: Sleeper = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The contract's schedule, the same for every organisation. */
export const TARPIT = { firstDelayedFailure: 5, failuresPerStep: 5, stepMs: 1000, maxDelayMs: 10_000 } as const;

/**
 * The contract's tarpit: from the 5th failed attempt on, one second per
 * further 5 failures, at most 10 seconds. So failures 1-4 answer at once,
 * 5-9 after 1 s, 10-14 after 2 s, and 50 on after 10 s.
 */
export function tarpitDelayMs(failedAttempts: number): number {
  if (failedAttempts < TARPIT.firstDelayedFailure) return 0;
  return Math.min(TARPIT.maxDelayMs, Math.floor(failedAttempts / TARPIT.failuresPerStep) * TARPIT.stepMs);
}
