import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bearer, PROTOCOLS } from "./support/clients.js";
import { auditEvents, MOST_PROTOCOLS, setPolicy } from "./support/policy.js";
import { Service } from "./support/service.js";

describe("the audit trail", () => {
  let service: Service;
  before(async () => {
    service = await Service.start({ POLICY_CACHE_MS: "0" });
  });
  after(() => service.stop()); // Service.stop also scans logs and events for every password, hash and token

  it("records each outcome with time, user agent and remote address, on every protocol", async () => {
    for (const [name, call] of Object.entries(MOST_PROTOCOLS)) {
      const user = await service.createUser("Current-Passw0rd!");
      const auth = bearer(user.token);
      await call(service.address, { oldPassword: "Wrong-Passw0rd!", newPassword: "New-Passw0rd!", authorization: auth });
      await call(service.address, { oldPassword: "Current-Passw0rd!", newPassword: "short", authorization: auth });
      const changed = await call(service.address, { oldPassword: "Current-Passw0rd!", newPassword: "New-Passw0rd!", authorization: auth });
      assert.equal(changed.ok, true, name);

      const events = await auditEvents(service, user.userId);
      assert.deepEqual(
        events.map((e) => e.type),
        ["password.check.failed", "password.change.refused", "password.changed"],
        name,
      );
      assert.deepEqual(
        events.map((e) => e.payload),
        [{ failedAttempts: 1 }, { errorId: "DOMAIN-HuJf6" }, { sequence: 2 }],
        name,
      );
      for (const e of events) {
        assert.match(e.remoteAddress ?? "", /127\.0\.0\.1$/, `${name}: remote address`);
        // The hand-written gRPC over HTTP/1.1 caller sends no user agent: none is recorded.
        if (name === "gRPC (HTTP/1.1)") assert.equal(e.userAgent, null, name);
        else assert.ok(e.userAgent && e.userAgent.length > 0, `${name}: user agent`);
        assert.ok(Math.abs(Date.parse(e.at) - Date.now()) < 600_000, `${name}: a time`);
        assert.equal(e.orgId, user.resourceOwner);
      }
      // Audit events are not in the user's sequence: created = 1, the change = 2.
      assert.deepEqual(
        (await service.events(user.userId)).map((e) => e.sequence),
        [1, 2],
        name,
      );
    }
  });

  it("passes the client's own user agent through", async () => {
    const user = await service.createUser("Current-Passw0rd!");
    const res = await fetch(`${service.url}/auth/v1/users/me/password`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: bearer(user.token), "user-agent": "audit-test/1.0" },
      body: JSON.stringify({ oldPassword: "Current-Passw0rd!", newPassword: "New-Passw0rd!" }),
    });
    assert.equal(res.status, 200);
    const [event] = await auditEvents(service, user.userId);
    assert.equal(event.userAgent, "audit-test/1.0");
  });

  it("records lock, unlock and policy changes", async () => {
    const user = await service.createUser("Current-Passw0rd!");
    await setPolicy(service, ["--org", user.resourceOwner, "--max-password-attempts", "1"]);
    await PROTOCOLS.REST(service.address, { oldPassword: "Wrong-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(user.token) });
    await service.setUserState(user.userId, "active");
    const types = (await auditEvents(service, user.userId)).map((e) => e.type);
    assert.deepEqual(types, ["password.check.failed", "user.locked", "user.unlocked"]);

    const orgEvents = await (await service.store()).audit.list({ orgId: user.resourceOwner });
    const policy = orgEvents.find((e) => e.type === "policy.changed")!;
    assert.equal((policy.payload.before as { maxPasswordAttempts: number }).maxPasswordAttempts, 0);
    assert.equal((policy.payload.after as { maxPasswordAttempts: number }).maxPasswordAttempts, 1);
    assert.equal(policy.userAgent, "password-service-cli");
  });

  it("coalesces repeated refusals of one kind into one row a minute, with a count", async () => {
    const user = await service.createUser("Current-Passw0rd!");
    await service.setUserState(user.userId, "locked");
    const call = { oldPassword: "Current-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(user.token) };
    for (let i = 0; i < 20; i++) await PROTOCOLS.REST(service.address, call);
    await PROTOCOLS.REST(service.address, { ...call, newPassword: "short" });
    const refused = (await auditEvents(service, user.userId)).filter((e) => e.type === "password.change.refused");
    assert.deepEqual(
      refused.map((e) => [e.payload.errorId, e.count]),
      [["COMMAND-JLK35", 21]],
      "a short password is refused as locked too",
    );
    assert.ok(refused[0].lastAt && Date.parse(refused[0].lastAt) >= Date.parse(refused[0].at));
  });
});
