import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bearer, rest } from "./support/clients.js";
import { setPolicy } from "./support/policy.js";
import { Service, type TestUser } from "./support/service.js";

/** A login application's call of the session service over REST. */
function sessionCall(service: Service, loginToken: string) {
  return (method: string, path: string, body: unknown) =>
    fetch(`${service.url}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: bearer(loginToken) },
      body: JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, json: await res.json() }));
}

/** A session with the user checked, as a login application makes one before it asks for the password. */
async function sessionFor(service: Service, loginToken: string, user: TestUser): Promise<string> {
  const created = await sessionCall(service, loginToken)("POST", "/v2/sessions", { checks: { user: { userId: user.userId } } });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  service.secrets.push(created.json.sessionToken);
  return created.json.sessionId;
}

/** The password set on a session. */
async function checkPassword(service: Service, loginToken: string, sessionId: string, password: string) {
  const set = await sessionCall(service, loginToken)("PATCH", `/v2/sessions/${sessionId}`, { checks: { password: { password } } });
  if (set.json.sessionToken) service.secrets.push(set.json.sessionToken);
  const detail = set.json.details?.[0];
  return { status: set.status, id: detail?.id as string | undefined, failedAttempts: detail?.failedAttempts as number | undefined };
}

/** A sign-in: the user checked when the session is made, the password set on it. */
async function signIn(service: Service, loginToken: string, user: TestUser, password: string) {
  return checkPassword(service, loginToken, await sessionFor(service, loginToken, user), password);
}

describe("one account, one lockout: sign-ins and changes on two processes", () => {
  let first: Service;
  let second: Service;
  let login: string;

  before(async () => {
    // A budget long enough that no check is refused for waiting out the tarpit on a busy machine.
    const env = { POLICY_CACHE_MS: "0", HASH_QUEUE_BUDGET_MS: "20000" };
    first = await Service.start(env);
    second = await Service.start(env, first.database);
    login = (await first.loginClientToken()).token;
  });
  after(async () => {
    await second?.stop();
    await first?.stop();
  });

  it("counts failed sign-ins and failed changes on either process on one counter, and a successful sign-in clears it", async () => {
    const user = await first.createUser("Shared-Lockout-Passw0rd-1!");
    await setPolicy(first, ["--org", user.resourceOwner, "--max-password-attempts", "4"]);
    assert.deepEqual(await signIn(first, login, user, "Wrong-Passw0rd-1!"), { status: 400, id: "COMMAND-3M0fs", failedAttempts: 1 });
    const change = await rest(second.address, { oldPassword: "Wrong-Passw0rd-2!", newPassword: "Never-Passw0rd-1!", authorization: bearer(user.token) });
    assert.equal(change.ok ? 0 : change.detail?.failedAttempts, 2);
    assert.deepEqual(await signIn(second, login, user, "Wrong-Passw0rd-3!"), { status: 400, id: "COMMAND-3M0fs", failedAttempts: 3 });
    assert.equal((await signIn(first, login, user, user.password)).status, 200);
    assert.equal((await first.userRow(user.userId)).failed_attempts, 0);
    const changed = await rest(second.address, { oldPassword: user.password, newPassword: "Shared-Lockout-Passw0rd-2!", authorization: bearer(user.token) });
    first.secrets.push("Shared-Lockout-Passw0rd-2!");
    assert.equal(changed.ok, true, JSON.stringify(changed));
  });

  it("locks at the maximum when wrong sign-ins race on both processes: each counted once, none after", async () => {
    const user = await first.createUser("Race-Lockout-Passw0rd-1!");
    await setPolicy(first, ["--org", user.resourceOwner, "--max-password-attempts", "3"]);
    // The sessions are made first: a user check after the lock is refused as ZITADEL refuses it (SESSION-Gj4ko), and the race is of the password checks.
    const servers = Array.from({ length: 8 }, (_, i) => (i % 2 ? second : first));
    const sessions = await Promise.all(servers.map((service) => sessionFor(service, login, user)));
    const outcomes = await Promise.all(sessions.map((id, i) => checkPassword(servers[i], login, id, `Wrong-Passw0rd-${i}!`)));
    const counted = outcomes
      .filter((o) => o.id === "COMMAND-3M0fs")
      .map((o) => o.failedAttempts)
      .sort();
    assert.deepEqual(counted, [1, 2, 3], JSON.stringify(outcomes));
    for (const o of outcomes.filter((o) => o.id !== "COMMAND-3M0fs")) {
      assert.ok(["COMMAND-JLK35", "COMMAND-SFA3t", "PWSVC-BUSY2"].includes(o.id ?? ""), JSON.stringify(o));
    }
    const row = await first.userRow(user.userId);
    assert.deepEqual([row.state, row.failed_attempts], ["locked", 3]);
    const failedEvents = (await first.events(user.userId)).filter((e) => e.type === "user.human.password.check.failed");
    assert.equal(failedEvents.length, 3, "one event of the user per counted failure");
  });
});
