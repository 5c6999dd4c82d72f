/** Waits without holding the CPU: a timer. Tests pass a fake. */
export type Sleeper = (ms: number) => Promise<void>;

export const sleep: Sleeper = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const FIRST_DELAYED_FAILURE = 5;
const FAILURES_PER_STEP = 5;
const STEP_MS = 1000;
const MAX_DELAY_MS = 10_000;

/**
 * The contract's tarpit: from the 5th failed attempt on, one second per
 * further 5 failures, at most 10 seconds. So failures 1-4 answer at once,
 * 5-9 after 1 s, 10-14 after 2 s, and 50 on after 10 s.
 */
export function tarpitDelayMs(failedAttempts: number): number {
  if (failedAttempts < FIRST_DELAYED_FAILURE) return 0;
  return Math.min(MAX_DELAY_MS, Math.floor(failedAttempts / FAILURES_PER_STEP) * STEP_MS);
}
