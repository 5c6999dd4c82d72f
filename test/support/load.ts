import assert from "node:assert/strict";
import bcrypt from "bcrypt";
import { bearer, type Caller, connectJson, grpcJs, grpcWeb, type Outcome, rest } from "./clients.js";
import type { TestDatabase } from "./database.js";
import type { Service, TestUser } from "./service.js";

/**
 * Many clients changing passwords at once against several server processes,
 * and the checks that nothing was lost or written twice. Each request uses a
 * new password of its own, so the stored hash tells which change is last.
 */

const CALLERS: Caller[] = [rest, grpcJs, connectJson, grpcWeb];

/** How one request ended, as far as the client can tell. */
export type Verdict =
  /** Committed: the answer names the sequence. */
  | "success"
  /** Certainly not committed: lost the race (10) or checked a superseded password (3). */
  | "refused"
  /** The server answered 14 Unavailable with our ID: the database was away. */
  | "unavailable"
  /** No answer from a server (killed, or not listening): may or may not have committed. */
  | "lost"
  /** Anything else, a 500 above all: always a failure of the test. */
  | "unexpected";

export interface Attempt {
  userId: string;
  address: string;
  newPassword: string;
  verdict: Verdict;
  outcome?: Outcome;
  error?: string;
}

export interface LoadOptions {
  /** Addresses of the servers to spread requests over, read afresh for every request. */
  addresses: () => string[];
  users: TestUser[];
  /** The database the servers share, read to follow a user's password after a lost race. */
  database: TestDatabase;
  /** Requests in all; every one is awaited before the load ends. */
  requests: number;
  /** Clients at once; half of them change the first user's password, the rest spread over the others. */
  clients: number;
  /** Called after each answered request, with how many have been answered so far. */
  onProgress?: (answered: number) => Promise<void> | void;
  /** Awaited by every client before each request (a test holds the load here while it restarts a process). */
  beforeRequest?: () => Promise<void>;
  /** Awaited by a client after a 14 Unavailable, before its next request (a client's backoff). */
  afterUnavailable?: () => Promise<void>;
}

/** What each client knows of a user: the password it believes current, and changes not known to have failed. */
interface UserState {
  user: TestUser;
  current: string;
  sequence: number;
  /** New passwords of requests in flight or without an answer: one of them may now be the stored one. */
  maybe: Set<string>;
}

export async function runLoad(options: LoadOptions): Promise<Attempt[]> {
  const states = options.users.map((user): UserState => ({ user, current: user.password, sequence: 1, maybe: new Set() }));
  const attempts: Attempt[] = [];
  let issued = 0;
  const client = async (index: number) => {
    const hot = index % 2 === 0 || states.length === 1;
    const state = hot ? states[0] : states[1 + (Math.floor(index / 2) % (states.length - 1))];
    while (issued < options.requests) {
      await options.beforeRequest?.();
      if (issued >= options.requests) break;
      const n = issued++;
      const attempt = await changeOnce(state, options.addresses(), n);
      const answered = attempts.push(attempt); // not inside `?.()`: unset, it would skip its arguments
      await options.onProgress?.(answered);
      if (attempt.verdict === "refused") await followUser(state, options.database);
      if (attempt.verdict === "unavailable") await options.afterUnavailable?.();
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  return attempts;
}

async function changeOnce(state: UserState, addresses: string[], n: number): Promise<Attempt> {
  const newPassword = `Load-${n}-${state.user.userId.slice(-6)}-Aa1!`;
  const call = { oldPassword: state.current, newPassword, authorization: bearer(state.user.token) };
  const address = addresses[n % addresses.length];
  state.maybe.add(newPassword);
  let outcome: Outcome;
  try {
    outcome = await CALLERS[n % CALLERS.length](address, call);
  } catch (err) {
    return { userId: state.user.userId, address, newPassword, verdict: "lost", error: String(err) };
  }
  const verdict = judge(outcome);
  if (verdict === "success" || verdict === "refused") state.maybe.delete(newPassword);
  if (outcome.ok && Number(outcome.sequence) > state.sequence) {
    state.current = newPassword;
    state.sequence = Number(outcome.sequence);
  }
  return { userId: state.user.userId, address, newPassword, verdict, outcome };
}

function judge(outcome: Outcome): Verdict {
  if (outcome.ok) return "success";
  const id = outcome.detail?.id;
  if ((outcome.code === 10 && id === "PWSVC-SEQ01") || (outcome.code === 3 && id === "COMMAND-3M0fs")) return "refused";
  // Refused before any hash: the user's check slot was taken (by a request in
  // flight, or one whose process died holding it) or it had too many requests.
  if (outcome.code === 8 && (id === "PWSVC-BUSY2" || id === "PWSVC-BUSY3")) return "refused";
  if (outcome.code === 14 && id === "PWSVC-DB001") return outcome.httpStatus === undefined || outcome.httpStatus === 503 ? "unavailable" : "unexpected";
  // A transport failure: grpc-js and Connect report it as a status of their own
  // choosing ("socket hang up" is 10 to Connect), never with our detail.
  if (!id && !outcome.httpStatus) return "lost";
  return "unexpected";
}

/**
 * After a refusal the client's idea of the password may be stale: another
 * request changed it and its answer has not arrived (or never will). Find
 * which of the passwords in flight the stored hash now verifies.
 */
async function followUser(state: UserState, database: TestDatabase): Promise<void> {
  const row = await database.userRow(state.user.userId).catch(() => undefined); // the database may be away
  if (!row || row.sequence <= state.sequence) return;
  for (const candidate of state.maybe) {
    if (await bcrypt.compare(candidate, row.password_hash!)) {
      state.current = candidate;
      state.sequence = row.sequence;
      state.maybe.delete(candidate);
      return;
    }
  }
  // The winner's answer is still on its way, or it changed again since: take a breath and retry.
  await new Promise((resolve) => setTimeout(resolve, 20));
}

export function count(attempts: Attempt[], verdict: Verdict): number {
  return attempts.filter((a) => a.verdict === verdict).length;
}

/** "success 70, refused 80, …": for the test's diagnostics. */
export function summary(attempts: Attempt[]): string {
  const verdicts: Verdict[] = ["success", "refused", "unavailable", "lost", "unexpected"];
  return verdicts.map((v) => `${v} ${count(attempts, v)}`).join(", ");
}

/**
 * For every user: sequences 1..k with no gap or duplicate; every success
 * matches exactly one event (sequence and time); every event but the first is
 * a success or a request without a certain answer; and the stored hash
 * verifies the new password of the last event.
 */
export async function assertNothingLost(database: TestDatabase, users: TestUser[], attempts: Attempt[]): Promise<void> {
  const unexpected = attempts.filter((a) => a.verdict === "unexpected");
  assert.deepEqual(unexpected, [], "no 500, no unexpected answer");
  for (const user of users) {
    const mine = attempts.filter((a) => a.userId === user.userId);
    const events = await database.events(user.userId);
    assert.deepEqual(
      events.map((e) => e.sequence),
      events.map((_, i) => i + 1),
      "sequences 1..k, no gap, no duplicate",
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ["user.added", ...events.slice(1).map(() => "user.password.changed")],
    );

    const wins = new Map<number, Attempt>();
    for (const win of mine.filter((a) => a.outcome?.ok)) {
      const outcome = win.outcome as Extract<Outcome, { ok: true }>;
      const sequence = Number(outcome.sequence);
      assert.ok(!wins.has(sequence), `two successes answered sequence ${sequence}`);
      wins.set(sequence, win);
      const event = events[sequence - 1];
      assert.ok(event, `success with sequence ${sequence} has its event`);
      assert.equal(event.created_at, Date.parse(outcome.changeDate), `the event of sequence ${sequence} is that change's`);
      assert.equal(outcome.resourceOwner, user.resourceOwner);
    }
    const uncertain = mine.filter((a) => a.verdict === "lost" || a.verdict === "unavailable");
    const changes = events.length - 1;
    assert.ok(
      changes >= wins.size && changes <= wins.size + uncertain.length,
      `${changes} changes for ${wins.size} successes and ${uncertain.length} uncertain`,
    );

    const stored = (await database.userRow(user.userId)).password_hash!;
    const last = events.length;
    const lastWin = wins.get(last);
    if (last === 1) {
      assert.ok(await bcrypt.compare(user.password, stored), "no change: the first password is stored");
    } else if (lastWin) {
      assert.ok(await bcrypt.compare(lastWin.newPassword, stored), "the last event's new password is stored");
    } else {
      const matches = await Promise.all(uncertain.map((a) => bcrypt.compare(a.newPassword, stored)));
      assert.ok(matches.includes(true), "the last event is a change without an answer, and its password is stored");
    }
  }
}

/** Users created through the CLI of `service`, with tokens issued there: every server process must accept them. */
export async function createUsers(service: Service, n: number): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => service.createUser(`Start-Passw0rd-${i}!`)));
}
