import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bearer } from "./support/clients.js";
import { assertNoSecrets, assertRefusal, MOST_PROTOCOLS, setPolicy } from "./support/policy.js";
import { Service, type TestUser } from "./support/service.js";

describe("policy rules on every protocol", () => {
  let service: Service;
  let zitadel: TestUser;
  let nist: TestUser;
  const secrets: string[] = [];

  before(async () => {
    // No policy cache: each `policy set` applies to the very next request.
    service = await Service.start({ POLICY_CACHE_MS: "0" });
    zitadel = await service.createUser("Current-Passw0rd!", { orgName: "Zitadel Org" });
    nist = await service.createUser("Current-Passw0rd!", { username: "Marguerite", orgName: "Contoso" });
    await setPolicy(service, ["--org", nist.resourceOwner, "--profile", "nist"]);
    secrets.push(zitadel.token, nist.token);
  });
  after(async () => {
    await assertNoSecrets(service, [...secrets, "Current-Passw0rd!", "1qaz2wsx3edc4rfv"]);
    await service.stop();
  });

  const cases: [string, () => TestUser, string, number, string, string][] = [
    // [label, user, new password, code, id, message]
    ["nist: under 15 code points", () => nist, "short-but-é", 3, "DOMAIN-HuJf6", "Password is too short"],
    ["nist: over 64 code points", () => nist, "a".repeat(65), 3, "PWSVC-LEN01", "Password is too long"],
    ["nist: a common password", () => nist, "1qaz2wsx3edc4rfv", 3, "PWSVC-BLK01", "Password is too common"],
    ["nist: the organisation name", () => nist, "my company is contoso!", 3, "PWSVC-BLK02", "Password must not contain the username or organisation name"],
    [
      "nist: the username, in another case",
      () => nist,
      "hello it is MARGUERITE here",
      3,
      "PWSVC-BLK02",
      "Password must not contain the username or organisation name",
    ],
  ];

  for (const [protocol, call] of Object.entries(MOST_PROTOCOLS)) {
    it(protocol, async () => {
      for (const [label, user, newPassword, code, id, message] of cases) {
        const outcome = await call(service.address, { oldPassword: "Current-Passw0rd!", newPassword, authorization: bearer(user().token) });
        assertRefusal(outcome, code, id, message, `${protocol}: ${label}`);
      }
    });
  }

  it("nist counts code points, not bytes, and has no composition rules", async () => {
    const call = MOST_PROTOCOLS.REST;
    const fifteen = "é".repeat(14) + "z"; // 15 code points, 29 bytes, no upper case, digit or symbol
    const changed = await call(service.address, { oldPassword: "Current-Passw0rd!", newPassword: fifteen, authorization: bearer(nist.token) });
    assert.equal(changed.ok, true, JSON.stringify(changed));
    secrets.push(fifteen);
  });

  it("a policy change applies to the next request of a running server", async () => {
    const call = MOST_PROTOCOLS.REST;
    const req = { oldPassword: "Current-Passw0rd!", newPassword: "NoSymbolPassw0rd", authorization: bearer(zitadel.token) };
    assertRefusal(await call(service.address, req), 3, "DOMAIN-ZDLwA", "Password must contain symbol", "before");
    await setPolicy(service, ["--org", zitadel.resourceOwner, "--has-symbol", "false"]);
    const changed = await call(service.address, req);
    assert.equal(changed.ok, true, JSON.stringify(changed));
    secrets.push("NoSymbolPassw0rd");
  });
});
