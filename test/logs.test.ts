import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bearer, type ChangeCall, PROTOCOLS } from "./support/clients.js";
import { Service, type TestUser } from "./support/service.js";
import { bufCurlGrpc, requestLines } from "./support/tools.js";

const ORIGIN = "https://app.example.com";

describe("request logs", () => {
  let service: Service;
  const users: TestUser[] = [];
  /** Every password and token this run sends. */
  const secrets = new Set<string>();
  /** The users' stored hashes, read before the server stops (its database goes with it). */
  const hashes: string[] = [];
  /** The x-request-id answered to one given, and to one that is no ID. */
  let echoedId: string | null;
  let madeId: string | null;

  before(async () => {
    service = await Service.start({ LOG_LEVEL: "trace", CORS_ALLOWED_ORIGINS: ORIGIN });
    const call = async (name: string, c: ChangeCall) => {
      for (const value of [c.oldPassword, c.newPassword, c.authorization ?? ""]) if (value) secrets.add(value.replace(/^Bearer /, ""));
      return PROTOCOLS[name](service.address, c);
    };
    // Every protocol, each through success, a wrong old password, a policy refusal and a bad token.
    for (const name of Object.keys(PROTOCOLS)) {
      const user = await service.createUser(`Start-${name.length}-Passw0rd!`);
      users.push(user);
      const auth = bearer(user.token);
      await call(name, { oldPassword: user.password, newPassword: "Changed-Passw0rd-1!", authorization: auth });
      await call(name, { oldPassword: "Wrong-Passw0rd-9!", newPassword: "Changed-Passw0rd-2!", authorization: auth });
      await call(name, { oldPassword: "Changed-Passw0rd-1!", newPassword: "tooweak", authorization: auth });
      await call(name, { oldPassword: "Changed-Passw0rd-1!", newPassword: "Changed-Passw0rd-3!", authorization: `Bearer ${user.token}x` });
      secrets.add(user.password);
    }
    const locked = await service.createUser("Locked-Passw0rd!");
    users.push(locked);
    await service.setUserState(locked.userId, "locked");
    await call("REST", { oldPassword: "Locked-Passw0rd!", newPassword: "Changed-Passw0rd-4!", authorization: bearer(locked.token) });
    // The operational routes.
    await fetch(`${service.url}/healthz`, { headers: { "x-request-id": "probe-1" } });
    echoedId = (await fetch(`${service.url}/healthz`, { headers: { "x-request-id": "abc-123" } })).headers.get("x-request-id");
    madeId = (await fetch(`${service.url}/healthz`, { headers: { "x-request-id": "bad id with spaces" } })).headers.get("x-request-id");
    await fetch(`${service.url}/readyz`);
    await fetch(`${service.url}/openapi.json`);
    await fetch(`${service.url}/`);
    await fetch(`${service.url}/app.js`);
    await fetch(`${service.url}/no/such/path`);
    await fetch(`${service.url}/zitadel.auth.v1.AuthService/UpdateMyPassword`, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST" },
    });
    await bufCurlGrpc(["-d", "{}", `${service.url}/grpc.health.v1.Health/Check`]);
    await bufCurlGrpc(["--list-methods", service.url]);
    for (const user of users) {
      const hash = (await service.userRow(user.userId)).password_hash;
      if (hash) hashes.push(hash);
    }
    await service.stop();
  });
  after(() => service.stop());

  it("writes one JSON line per request with its ID, RPC, protocol, code, duration and user", () => {
    const lines = requestLines(service.logs);
    const changes = lines.filter((l) => l.rpc === "zitadel.auth.v1.AuthService/UpdateMyPassword");
    assert.ok(changes.length >= 4 * (Object.keys(PROTOCOLS).length - 1));
    for (const line of lines) {
      assert.equal(typeof line.requestId, "string");
      assert.equal(typeof line.rpc, "string");
      assert.equal(typeof line.protocol, "string");
      assert.equal(typeof line.code, "number");
      assert.equal(typeof line.durationMs, "number");
    }
    const protocols = new Set(lines.map((l) => l.protocol));
    for (const p of ["grpc", "grpc-web", "grpc-web-text", "connect", "rest", "http"]) assert.ok(protocols.has(p), p);
    const first = users[0];
    const mine = lines.filter((l) => l.userId === first.userId);
    assert.deepEqual(
      mine.map((l) => l.code),
      [0, 3, 3],
      "the user is named once the token is checked",
    );
    assert.deepEqual(
      mine.map((l) => l.outcome),
      ["changed", "wrong_old_password", "policy_refused"],
    );
    const badToken = lines.find((l) => l.outcome === "unauthenticated");
    assert.equal(badToken?.code, 16);
    assert.equal(badToken?.userId, undefined);
    assert.ok(lines.some((l) => l.outcome === "locked" && l.code === 9));
  });

  it("takes the request ID from x-request-id, and makes one otherwise", () => {
    const lines = requestLines(service.logs);
    const probe = lines.find((l) => l.requestId === "probe-1");
    assert.equal(probe?.rpc, "/healthz");
    assert.equal(probe?.level, 20, "probes log at debug");
    const ids = lines.map((l) => l.requestId);
    assert.equal(new Set(ids).size, ids.length, "each request its own ID");
    assert.equal(echoedId, "abc-123");
    assert.match(madeId ?? "", /^[0-9a-f-]{36}$/);
  });

  it("never writes a password, a hash or a token", () => {
    const text = service.logs.join("\n");
    assert.ok(text.length > 0);
    assert.equal(hashes.length, users.length, "every user has a stored hash to look for");
    for (const hash of hashes) secrets.add(hash);
    for (const secret of secrets) assert.ok(!text.includes(secret), `a secret of ${secret.length} characters is in the logs`);
    assert.doesNotMatch(text, /\$2[aby]\$\d\d\$/, "no bcrypt hash");
    assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{8,}/, "no JWT");
    assert.doesNotMatch(text, /Bearer /i, "no Authorization header");
    assert.doesNotMatch(text, /Passw0rd/, "no password of this run");
  });
});
