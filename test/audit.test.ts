import http from "node:http";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bearer, PROTOCOLS } from "./support/clients.js";
import { auditEvents, cli, MOST_PROTOCOLS, setPolicy } from "./support/policy.js";
import { cliOk, Service } from "./support/service.js";

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
      assert.deepEqual(events.map((e) => e.type), ["password.check.failed", "password.change.refused", "password.changed"], name);
      assert.deepEqual(events.map((e) => e.payload), [{ failedAttempts: 1 }, { errorId: "DOMAIN-HuJf6" }, { sequence: 2 }], name);
      for (const e of events) {
        assert.match(e.remoteAddress ?? "", /127\.0\.0\.1$/, `${name}: remote address`);
        // The hand-written gRPC over HTTP/1.1 caller sends no user agent: none is recorded.
        if (name === "gRPC (HTTP/1.1)") assert.equal(e.userAgent, null, name);
        else assert.ok(e.userAgent && e.userAgent.length > 0, `${name}: user agent`);
        assert.ok(Math.abs(Date.parse(e.at) - Date.now()) < 600_000, `${name}: a time`);
        assert.equal(e.orgId, user.resourceOwner);
      }
      // Audit events are not in the user's sequence: created = 1, the change = 2.
      assert.deepEqual((await service.events(user.userId)).map((e) => e.sequence), [1, 2], name);
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

  it("records lock, unlock and policy changes; events lists them as text or JSON", async () => {
    const user = await service.createUser("Current-Passw0rd!");
    await setPolicy(service, ["--org", user.resourceOwner, "--max-password-attempts", "1"]);
    await PROTOCOLS.REST(service.address, { oldPassword: "Wrong-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(user.token) });
    await cliOk(["user", "unlock", "--user", user.userId], service.env);
    const types = (await auditEvents(service, user.userId)).map((e) => e.type);
    assert.deepEqual(types, ["password.check.failed", "user.locked", "user.unlocked"]);

    const text = await cliOk(["events", "--user", user.userId], service.env);
    assert.equal(text.split("\n").length, 3);
    assert.match(text, /user\.locked/);

    const orgEvents = (await cliOk(["events", "--org", user.resourceOwner, "--json"], service.env)).split("\n").map((l) => JSON.parse(l));
    const policy = orgEvents.find((e) => e.type === "policy.changed");
    assert.equal(policy.payload.before.maxPasswordAttempts, 0);
    assert.equal(policy.payload.after.maxPasswordAttempts, 1);
    assert.equal(policy.userAgent, "password-service-cli");

    const bad = await cli(["events"], service.env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /events takes --user or --org/);
  });

  it("coalesces repeated refusals of one kind into one row a minute, with a count", async () => {
    const user = await service.createUser("Current-Passw0rd!");
    await cliOk(["user", "lock", "--user", user.userId], service.env);
    const call = { oldPassword: "Current-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(user.token) };
    for (let i = 0; i < 20; i++) await PROTOCOLS.REST(service.address, call);
    await PROTOCOLS.REST(service.address, { ...call, newPassword: "short" });
    const refused = (await auditEvents(service, user.userId)).filter((e) => e.type === "password.change.refused");
    assert.deepEqual(refused.map((e) => [e.payload.errorId, e.count]), [["COMMAND-JLK35", 21]], "a short password is refused as locked too");
    assert.ok(refused[0].lastAt && Date.parse(refused[0].lastAt) >= Date.parse(refused[0].at));
    const text = await cliOk(["events", "--user", user.userId], service.env);
    assert.match(text, /COMMAND-JLK35.*\(21 times, the last at /);
  });

  it("escapes control characters of a user agent in the events listing", async () => {
    const user = await service.createUser("Current-Passw0rd!");
    // 0x9b is CSI to a terminal; Node's client sends it as the one byte it is.
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        `${service.url}/auth/v1/users/me/password`,
        { method: "PUT", headers: { "content-type": "application/json", authorization: bearer(user.token), "user-agent": "evil\u009b2J" } },
        (res) => res.resume().on("end", resolve),
      );
      req.on("error", reject);
      req.end(JSON.stringify({ oldPassword: "Wrong-Passw0rd!", newPassword: "New-Passw0rd!" }));
    });
    for (const args of [["events", "--user", user.userId], ["events", "--user", user.userId, "--json"]]) {
      const out = await cliOk(args, service.env);
      assert.doesNotMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, args.join(" "));
      assert.match(out, /\\u009b2J/);
    }
    JSON.parse((await cliOk(["events", "--user", user.userId, "--json"], service.env)).split("\n")[0]);
  });
});
