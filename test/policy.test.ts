import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bearer } from "./support/clients.js";
import { assertNoSecrets, assertRefusal, auditEvents, cli, MOST_PROTOCOLS, setPolicy, showPolicy } from "./support/policy.js";
import { Service, type TestUser } from "./support/service.js";

describe("policy show and set", () => {
  let service: Service;
  let user: TestUser;
  before(async () => {
    service = await Service.start({ POLICY_CACHE_MS: "0" });
    user = await service.createUser("Current-Passw0rd!");
  });
  after(() => service.stop());

  it("shows ZITADEL's instance defaults before anything is set", async () => {
    assert.deepEqual(await showPolicy(service), {
      source: "instance",
      profile: "zitadel",
      minLength: 8,
      hasLowercase: true,
      hasUppercase: true,
      hasNumber: true,
      hasSymbol: true,
      maxPasswordAttempts: 0,
      historyCount: 0,
      blocklist: false,
      breachedCheck: "off",
    });
    const text = await cli(["policy", "show"], service.env);
    assert.match(text.stdout, /min-length +8 bytes/);
    assert.match(text.stdout, /max-password-attempts +0 \(never lock\)/);
  });

  it("refuses bad values with one clear line and exit code 2, changing nothing", async () => {
    const bad: [string[], RegExp][] = [
      [["--min-length", "0"], /min-length must be from 1 to 72 under the zitadel profile, not 0/],
      [["--min-length", "73"], /min-length must be from 1 to 72/],
      [["--profile", "nist", "--min-length", "65"], /min-length must be from 1 to 64 under the nist profile/],
      [["--min-length", "eight"], /--min-length takes a whole number, not "eight"/],
      [["--has-symbol", "yes"], /--has-symbol takes true or false, not "yes"/],
      [["--profile", "pci"], /--profile takes one of zitadel, nist, not "pci"/],
      [["--breached-check", "on"], /--breached-check takes one of off, fail-open, fail-closed, not "on"/],
      [["--history-count", "25"], /history-count must be from 0 to 24/],
      [["--max-password-attempts", "-1"], /max-password-attempts/],
      [["--org", "has space"], /--org takes an ID of 1 to 200 printable ASCII characters without spaces/],
      [["--org", "123"], /no organisation 123/],
      [["--colour", "red"], /Unknown option '--colour'/],
    ];
    for (const [args, message] of bad) {
      const result = await cli(["policy", "set", ...args], service.env);
      assert.equal(result.code, 2, args.join(" "));
      assert.match(result.stderr, message, args.join(" "));
      assert.match(result.stderr, /^password-service: /m);
    }
    assert.equal((await showPolicy(service)).minLength, 8);
  });

  it("sets an organisation's policy apart from the instance default, profile first, then single fields", async () => {
    await setPolicy(service, ["--org", user.resourceOwner, "--profile", "nist", "--min-length", "20", "--history-count", "4"]);
    const org = await showPolicy(service, user.resourceOwner);
    assert.equal(org.source, `organisation ${user.resourceOwner}`);
    assert.equal(org.profile, "nist");
    assert.equal(org.minLength, 20);
    assert.equal(org.hasSymbol, false);
    assert.equal(org.blocklist, true);
    assert.equal(org.historyCount, 4);
    assert.equal((await showPolicy(service)).profile, "zitadel", "the instance default is untouched");
    const other = await service.createUser("Current-Passw0rd!");
    assert.equal((await showPolicy(service, other.resourceOwner)).source, "instance (inherited)");
    const events = await auditEvents(service, user.userId);
    assert.deepEqual(events, [], "a policy change is the organisation's event, not the user's");
  });
});

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
    ["nist: the username, in another case", () => nist, "hello it is MARGUERITE here", 3, "PWSVC-BLK02", "Password must not contain the username or organisation name"],
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
