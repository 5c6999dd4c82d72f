import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { blocklistViolations } from "../src/core/blocklist.js";
import { bearer, PROTOCOLS } from "./support/clients.js";
import { assertRefusal, MOST_PROTOCOLS, setPolicy } from "./support/policy.js";
import { Service } from "./support/service.js";

const checkBlocklist = (password: string, words: string[]) => blocklistViolations(password, words)[0];

const TOO_COMMON: [number, string, string] = [3, "PWSVC-BLK01", "Password is too common"];
const CONTEXT: [number, string, string] = [3, "PWSVC-BLK02", "Password must not contain the username or organisation name"];

describe("the blocklist rules", () => {
  it("compares common passwords in lower case, and finds context words in any case", () => {
    assert.equal(checkBlocklist("P@ssw0rd", [])?.id, "PWSVC-BLK01");
    assert.equal(checkBlocklist("1QAZ2WSX3EDC4RFV", [])?.id, "PWSVC-BLK01");
    assert.equal(checkBlocklist("Correct-Horse-Battery-9", []), undefined);
    assert.equal(checkBlocklist("xX-Marguerite-Xx-2", ["marguerite"])?.id, "PWSVC-BLK02");
    assert.equal(checkBlocklist("Acme-Widgets-1!", ["ACME"])?.id, "PWSVC-BLK02");
    assert.equal(checkBlocklist("Al-the-way-home-1", ["al"]), undefined, "words under 3 code points are no context words");
    assert.deepEqual(
      blocklistViolations("superman", ["super"]).map((e) => e.id),
      ["PWSVC-BLK01", "PWSVC-BLK02"],
      "both refusals, common first",
    );
  });
});

describe("the blocklist over the wire", () => {
  let service: Service;
  before(async () => {
    service = await Service.start({ POLICY_CACHE_MS: "0" });
  });
  after(() => service.stop());

  it("is off by default: a common password that meets complexity is accepted", async () => {
    const user = await service.createUser("Current-Passw0rd!");
    const outcome = await PROTOCOLS.REST(service.address, { oldPassword: "Current-Passw0rd!", newPassword: "P@ssw0rd", authorization: bearer(user.token) });
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
  });

  it("on under the zitadel profile: common passwords, the username and the organisation name, on every protocol", async () => {
    const user = await service.createUser("Current-Passw0rd!", { username: "marguerite", orgName: "Acme" });
    await setPolicy(service, ["--org", user.resourceOwner, "--blocklist", "true"]);
    const cases: [string, [number, string, string]][] = [
      ["P@ssw0rd", TOO_COMMON],
      ["Marguerite-2024!", CONTEXT],
      ["I-work-at-ACME-1", CONTEXT],
    ];
    for (const [name, call] of Object.entries(MOST_PROTOCOLS)) {
      for (const [newPassword, want] of cases) {
        const outcome = await call(service.address, { oldPassword: "Current-Passw0rd!", newPassword, authorization: bearer(user.token) });
        assertRefusal(outcome, ...want, `${name}: ${newPassword}`);
      }
    }
    // Complexity comes first, in ZITADEL's order: a common password too short answers too short.
    const short = await PROTOCOLS.REST(service.address, { oldPassword: "Current-Passw0rd!", newPassword: "Aa1!", authorization: bearer(user.token) });
    assertRefusal(short, 3, "DOMAIN-HuJf6", "Password is too short", "order");
  });
});
