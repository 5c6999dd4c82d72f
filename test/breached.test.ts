import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bearer } from "./support/clients.js";
import { assertNoSecrets, assertRefusal, MOST_PROTOCOLS, setPolicy } from "./support/policy.js";
import { RangeApiStandIn } from "./support/range-api.js";
import { Service, type TestUser } from "./support/service.js";

const BREACHED = "Breached-Passw0rd!";
const FINE = "Unbreached-Passw0rd-7!";

describe("the breached-password check against a local range API", () => {
  let api: RangeApiStandIn;
  let service: Service;
  let closed: TestUser;
  before(async () => {
    api = await RangeApiStandIn.start([BREACHED]);
    service = await Service.start({ BREACHED_API_URL: api.url, BREACHED_TIMEOUT_MS: "300", POLICY_CACHE_MS: "0" });
    closed = await service.createUser("Current-Passw0rd!");
    await setPolicy(service, ["--org", closed.resourceOwner, "--breached-check", "fail-closed"]);
  });
  after(async () => {
    await assertNoSecrets(service, [BREACHED, FINE, "Current-Passw0rd!", closed.token]);
    await service.stop();
    await api.stop();
  });

  async function openUser(): Promise<TestUser> {
    const user = await service.createUser("Current-Passw0rd!");
    await setPolicy(service, ["--org", user.resourceOwner, "--breached-check", "fail-open"]);
    return user;
  }

  it("refuses a breached password on every protocol; only a 5-digit prefix leaves the process", async () => {
    api.mode = "answer";
    for (const [name, call] of Object.entries(MOST_PROTOCOLS)) {
      const outcome = await call(service.address, { oldPassword: "Current-Passw0rd!", newPassword: BREACHED, authorization: bearer(closed.token) });
      assertRefusal(outcome, 3, "PWSVC-BRE01", "Password has appeared in a data breach", name);
    }
    assert.ok(api.paths.length > 0 && api.paths.every((p) => /^\/range\/[0-9A-F]{5}$/.test(p)), api.paths.join(" "));
  });

  it("fail-closed: a failing or hanging API refuses with 14 Unavailable, on every protocol", async () => {
    for (const mode of ["fail", "hang"] as const) {
      api.mode = mode;
      for (const [name, call] of Object.entries(MOST_PROTOCOLS)) {
        const outcome = await call(service.address, { oldPassword: "Current-Passw0rd!", newPassword: FINE, authorization: bearer(closed.token) });
        assertRefusal(outcome, 14, "PWSVC-BRE02", "The breached-password check is unavailable; try again later", `${mode}: ${name}`);
      }
    }
    assert.equal((await service.userRow(closed.userId)).sequence, 1, "nothing changed");
  });

  it("fail-open: a failing or hanging API lets the change through", async () => {
    for (const mode of ["fail", "hang"] as const) {
      api.mode = mode;
      const user = await openUser();
      const outcome = await MOST_PROTOCOLS.REST(service.address, { oldPassword: "Current-Passw0rd!", newPassword: FINE, authorization: bearer(user.token) });
      assert.equal(outcome.ok, true, `${mode}: ${JSON.stringify(outcome)}`);
    }
  });

  it("an answering API lets a password it does not know through, and still refuses a known one under fail-open", async () => {
    api.mode = "answer";
    const user = await openUser();
    const refused = await MOST_PROTOCOLS.REST(service.address, { oldPassword: "Current-Passw0rd!", newPassword: BREACHED, authorization: bearer(user.token) });
    assertRefusal(refused, 3, "PWSVC-BRE01", "Password has appeared in a data breach", "fail-open, answering");
    const changed = await MOST_PROTOCOLS.REST(service.address, { oldPassword: "Current-Passw0rd!", newPassword: FINE, authorization: bearer(user.token) });
    assert.equal(changed.ok, true, JSON.stringify(changed));
  });
});
