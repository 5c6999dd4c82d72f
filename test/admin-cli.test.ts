import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { createConnectTransport } from "@connectrpc/connect-node";
import { createSessionServiceClient } from "@zitadel/client/v2";
import { tokenFingerprint } from "../src/core/token-hash.js";
import { bearer, PROTOCOLS } from "./support/clients.js";
import { auditEvents, setPolicy } from "./support/policy.js";
import { cli, cliOk, cliProcess, Service, type TestUser } from "./support/service.js";

// The administration commands against a running server's database, in the
// test's own process (one of each family in a process of its own): policies,
// the audit trail, sign-in sessions and tokens with roles. The other tests
// make the same changes through the store.

// One server for every family: each test works in organisations of its own,
// and none sets the instance's policy, which the first test reads.
describe("the administration commands", () => {
  let service: Service;
  before(async () => {
    service = await Service.start({ POLICY_CACHE_MS: "0" });
  });
  after(() => service.stop());

  async function showPolicy(service: Service, org?: string): Promise<Record<string, unknown>> {
    return JSON.parse(await cliOk(["policy", "show", "--json", ...(org ? ["--org", org] : [])], service.env));
  }

  describe("policy show and set", () => {
    let user: TestUser;
    before(async () => {
      user = await service.createUser("Current-Passw0rd!");
    });

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
      await cliOk(["policy", "set", "--org", user.resourceOwner, "--profile", "nist", "--min-length", "20", "--history-count", "4"], service.env, cliProcess);
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

  describe("events", () => {
    it("lists a user's or an organisation's events as text or JSON", async () => {
      const user = await service.createUser("Current-Passw0rd!");
      await setPolicy(service, ["--org", user.resourceOwner, "--max-password-attempts", "1"]);
      await PROTOCOLS.REST(service.address, { oldPassword: "Wrong-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(user.token) });
      await cliOk(["user", "unlock", "--user", user.userId], service.env);

      const text = await cliOk(["events", "--user", user.userId], service.env);
      assert.equal(text.split("\n").length, 3);
      assert.match(text, /user\.locked/);
      assert.deepEqual(
        (await auditEvents(service, user.userId)).map((e) => e.type),
        ["password.check.failed", "user.locked", "user.unlocked"],
      );

      const orgEvents = (await cliOk(["events", "--org", user.resourceOwner, "--json"], service.env)).split("\n").map((l) => JSON.parse(l));
      const policy = orgEvents.find((e) => e.type === "policy.changed");
      assert.equal(policy.payload.after.maxPasswordAttempts, 1);

      const bad = await cli(["events"], service.env);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /events takes --user or --org/);
    });

    it("says how often a coalesced refusal came", async () => {
      const user = await service.createUser("Current-Passw0rd!");
      await cliOk(["user", "lock", "--user", user.userId], service.env);
      const call = { oldPassword: "Current-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(user.token) };
      for (let i = 0; i < 3; i++) await PROTOCOLS.REST(service.address, call);
      const text = await cliOk(["events", "--user", user.userId], service.env);
      assert.match(text, /COMMAND-JLK35.*\(3 times, the last at /);
    });

    it("escapes control characters of a user agent", async () => {
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
      for (const args of [
        ["events", "--user", user.userId],
        ["events", "--user", user.userId, "--json"],
      ]) {
        const out = await cliOk(args, service.env);
        assert.doesNotMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, args.join(" "));
        assert.match(out, /\\u009b2J/);
      }
      JSON.parse((await cliOk(["events", "--user", user.userId, "--json"], service.env)).split("\n")[0]);
    });
  });

  describe("session list and delete", () => {
    it("lists a user's sessions without tokens or hashes, and ends one or all of them", async () => {
      const login = await service.loginClientToken();
      const headers = { authorization: bearer(login.token) };
      const client = createSessionServiceClient(createConnectTransport({ baseUrl: service.url, httpVersion: "1.1" }));
      const user = await service.createUser();
      const signIn = async () => {
        const created = await client.createSession(
          { checks: { user: { search: { case: "userId", value: user.userId } }, password: { password: user.password } } },
          { headers },
        );
        service.secrets.push(created.sessionToken);
        return created;
      };
      const [first, second, third] = [await signIn(), await signIn(), await signIn()];
      const listed = await cliOk(["session", "list", "--user", user.userId, "--json"], service.env, cliProcess);
      const ids = listed.split("\n").map((line) => JSON.parse(line).sessionId);
      assert.deepEqual(ids.sort(), [first, second, third].map((s) => s.sessionId).sort());
      for (const s of [first, second, third]) {
        assert.ok(!listed.includes(s.sessionToken) && !listed.includes(tokenFingerprint(s.sessionToken)), "no token, no hash");
      }
      const text = (await cliOk(["session", "list", "--user", user.userId], service.env)).split("\n");
      assert.equal(text.length, 3);
      for (const line of text) assert.match(line, /^\S+ {2}created \S+ {2}password \S+ {2}expires \S+$/);
      await cliOk(["session", "delete", "--session", first.sessionId], service.env);
      await assert.rejects(client.getSession({ sessionId: first.sessionId }, { headers }), /COMMAND-Flk38|not found/i);
      assert.equal(await cliOk(["session", "delete", "--user", user.userId], service.env), `2 sessions of user ${user.userId} ended`);
      assert.equal(await cliOk(["session", "list", "--user", user.userId], service.env), "");
    });
  });

  describe("token issue --role", () => {
    let user: TestUser;
    before(async () => {
      user = await service.createUser("Initial-Passw0rd!");
    });

    const lockout = async (token: string, org: string) =>
      (await fetch(`${service.url}/v2/settings/lockout?ctx.orgId=${org}`, { headers: { authorization: bearer(token) } })).status;

    it("grants the administrator's role for --org, for the instance without it, and the login client's", async () => {
      const other = await service.createUser("Initial-Passw0rd!");
      const issue = async (...role: string[]) => {
        const token = await cliOk(["token", "issue", "--user", user.userId, ...role], service.env);
        service.secrets.push(token);
        return token;
      };
      const ofOwn = await issue("--role", "admin", "--org", user.resourceOwner);
      assert.deepEqual([await lockout(ofOwn, user.resourceOwner), await lockout(ofOwn, other.resourceOwner)], [200, 403]);
      const instance = await issue("--role", "admin");
      assert.equal(await lockout(instance, other.resourceOwner), 200);
      const login = await issue("--role", "login-client");
      assert.equal(await lockout(login, other.resourceOwner), 200);
      assert.equal(await lockout(user.token, user.resourceOwner), 403, "a plain token reads no v2 settings");
    });
  });
});
