import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { decodeJwt } from "jose";
import { PasswordService } from "../gen/passwordservice/v1/password_service_pb.js";
import { issuedBefore } from "../src/core/revocation.js";
import { bearer, type Outcome, PROTOCOLS } from "./support/clients.js";
import { assertNoSecrets, MOST_PROTOCOLS } from "./support/policy.js";
import { Service } from "./support/service.js";

type Failure = Extract<Outcome, { ok: false }>;

function assertRefused(outcome: Outcome, where: string): void {
  assert.equal(outcome.ok, false, `${where}: the token still works`);
  const o = outcome as Failure;
  assert.equal(o.code, 16, where);
  assert.equal(o.message, "Token is invalid (AUTH-7fs1e)", where);
  assert.deepEqual(o.detail, { type: "zitadel.v1.ErrorDetail", id: "AUTH-7fs1e", message: "Token is invalid" }, where);
}

describe("the rule for iat in seconds against a change in milliseconds", () => {
  const change = Date.UTC(2026, 0, 1, 12, 0, 0, 500); // 12:00:00.500
  it("a whole-second iat counts from the second's start: the change's own second is refused", () => {
    assert.equal(issuedBefore(change / 1000 - 1.5, change), true, "the second before");
    assert.equal(issuedBefore(Math.floor(change / 1000), change), true, "12:00:00, maybe before .500");
    assert.equal(issuedBefore(Math.floor(change / 1000) + 1, change), false, "12:00:01");
  });
  it("a millisecond iat (our own tokens) is exact within the second", () => {
    assert.equal(issuedBefore((change - 1) / 1000, change), true, ".499");
    assert.equal(issuedBefore(change / 1000, change), false, ".500, the change's millisecond");
    assert.equal(issuedBefore((change + 1) / 1000, change), false, ".501");
  });
});

describe("TOKEN_REVOCATION=others (the default)", () => {
  let service: Service;
  let other: Service;
  before(async () => {
    service = await Service.start();
    other = await Service.start({}, service.database);
  });
  after(async () => {
    await other.stop();
    await service.stop();
  });

  it("refuses the user's older tokens on every protocol and process, keeps the caller's, accepts fresh ones", async () => {
    const user = await service.createUser("Current-Passw0rd!");
    const older = await service.token(user.userId);
    const bystander = await service.createUser("Current-Passw0rd!");
    // Both processes check `older` on every protocol before the change, and keep it (TOKEN_CACHE_SIZE):
    // the revocation below must reach a kept token too. An empty new password changes nothing.
    await Promise.all(
      [service, other].map(async (server) => {
        for (const [name, call] of Object.entries(MOST_PROTOCOLS)) {
          const outcome = await call(server.address, { oldPassword: "Current-Passw0rd!", newPassword: "", authorization: bearer(older) });
          assert.equal(!outcome.ok && outcome.code, 3, `${name} on process ${server.port} accepts the token before the change`);
        }
      }),
    );

    const changed = await PROTOCOLS.REST(service.address, {
      oldPassword: "Current-Passw0rd!",
      newPassword: "Second-Passw0rd!",
      authorization: bearer(user.token),
    });
    assert.equal(changed.ok, true, JSON.stringify(changed));

    for (const [name, call] of Object.entries(MOST_PROTOCOLS)) {
      for (const server of [service, other]) {
        const outcome = await call(server.address, { oldPassword: "Second-Passw0rd!", newPassword: "Third-Passw0rd!", authorization: bearer(older) });
        assertRefused(outcome, `${name} on process ${server.port}`);
      }
    }
    // The token that made the change goes on working, on the other process too.
    const again = await PROTOCOLS["grpc-js (h2c)"](other.address, {
      oldPassword: "Second-Passw0rd!",
      newPassword: "Third-Passw0rd!",
      authorization: bearer(user.token),
    });
    assert.equal(again.ok, true, JSON.stringify(again));
    // A token issued after the change works.
    const fresh = await service.token(user.userId);
    const third = await PROTOCOLS.REST(service.address, { oldPassword: "Third-Passw0rd!", newPassword: "Fourth-Passw0rd!", authorization: bearer(fresh) });
    assert.equal(third.ok, true, JSON.stringify(third));
    // That change, made with `fresh`, revokes the first caller's token now.
    assertRefused(
      await PROTOCOLS.REST(service.address, { oldPassword: "Fourth-Passw0rd!", newPassword: "Fifth-Passw0rd!", authorization: bearer(user.token) }),
      "the earlier caller's token after a later change",
    );
    // Other users' tokens are untouched.
    const theirs = await PROTOCOLS.REST(service.address, {
      oldPassword: "Current-Passw0rd!",
      newPassword: "Theirs-Passw0rd!",
      authorization: bearer(bystander.token),
    });
    assert.equal(theirs.ok, true);
    await assertNoSecrets(service, [older, fresh, user.token, "Second-Passw0rd!", "Third-Passw0rd!", "Fourth-Passw0rd!"]);
  });
});

describe("TOKEN_REVOCATION=all", () => {
  let service: Service;
  before(async () => {
    service = await Service.start({ TOKEN_REVOCATION: "all" });
  });
  after(() => service.stop());

  it("revokes the caller's token too, and ChangeMyPassword returns a fresh one that works until the old one would have expired", async () => {
    const user = await service.createUser("Current-Passw0rd!");
    const client = createClient(PasswordService, createGrpcTransport({ baseUrl: service.url }));
    const res = await client.changeMyPassword(
      { oldPassword: "Current-Passw0rd!", newPassword: "Second-Passw0rd!" },
      { headers: { authorization: bearer(user.token) } },
    );
    assert.equal(res.details?.sequence, 2n);
    assert.ok(res.accessToken, "a fresh token");
    assert.equal(decodeJwt(res.accessToken).exp, decodeJwt(user.token).exp);
    assertRefused(
      await PROTOCOLS.REST(service.address, { oldPassword: "Second-Passw0rd!", newPassword: "Third-Passw0rd!", authorization: bearer(user.token) }),
      "the caller's own token",
    );
    const withFresh = await PROTOCOLS.REST(service.address, {
      oldPassword: "Second-Passw0rd!",
      newPassword: "Third-Passw0rd!",
      authorization: bearer(res.accessToken),
    });
    assert.equal(withFresh.ok, true, JSON.stringify(withFresh));
    await assertNoSecrets(service, [user.token, res.accessToken, "Second-Passw0rd!"]);
  });
});

describe("TOKEN_REVOCATION=none", () => {
  it("keeps older tokens working, as ZITADEL does", async () => {
    const service = await Service.start({ TOKEN_REVOCATION: "none" });
    try {
      const user = await service.createUser("Current-Passw0rd!");
      const older = await service.token(user.userId);
      await PROTOCOLS.REST(service.address, { oldPassword: "Current-Passw0rd!", newPassword: "Second-Passw0rd!", authorization: bearer(user.token) });
      const outcome = await PROTOCOLS.REST(service.address, { oldPassword: "Second-Passw0rd!", newPassword: "Third-Passw0rd!", authorization: bearer(older) });
      assert.equal(outcome.ok, true, JSON.stringify(outcome));
    } finally {
      await service.stop();
    }
  });
});
