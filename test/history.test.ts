import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bearer, PROTOCOLS } from "./support/clients.js";
import { assertNoSecrets, assertRefusal, MOST_PROTOCOLS, setPolicy } from "./support/policy.js";
import { Service, type TestUser } from "./support/service.js";

const USED_BEFORE: [number, string, string] = [9, "PWSVC-HIS01", "New password must not be one of your recent passwords"];

describe("password history", () => {
  let service: Service;
  before(async () => {
    service = await Service.start({ POLICY_CACHE_MS: "0" });
  });
  after(() => service.stop());

  function change(user: TestUser, oldPassword: string, newPassword: string) {
    return PROTOCOLS.REST(service.address, { oldPassword, newPassword, authorization: bearer(user.token) });
  }

  async function storedHistory(userId: string): Promise<number> {
    const { n } = await service.database.db
      .selectFrom("password_history")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    return Number(n); // PostgreSQL's count is a bigint
  }

  async function userWithHistory(count: number): Promise<TestUser> {
    const user = await service.createUser("Passw0rd-A!");
    await setPolicy(service, ["--org", user.resourceOwner, "--history-count", String(count)]);
    return user;
  }

  it("N = 0 (the default): any earlier password may come back, and no old hash is kept", async () => {
    const user = await service.createUser("Passw0rd-A!");
    assert.equal((await change(user, "Passw0rd-A!", "Passw0rd-B!")).ok, true);
    assert.equal((await change(user, "Passw0rd-B!", "Passw0rd-A!")).ok, true);
    assert.equal(await storedHistory(user.userId), 0);
  });

  it("N = 1: only the current password is refused (as the same password), the one before may come back", async () => {
    const user = await userWithHistory(1);
    assert.equal((await change(user, "Passw0rd-A!", "Passw0rd-B!")).ok, true);
    assert.equal(await storedHistory(user.userId), 0, "the current hash is the one of the last 1");
    assert.equal((await change(user, "Passw0rd-B!", "Passw0rd-A!")).ok, true);
  });

  it("N = 4: none of the last four, on every protocol; the fifth may come back", async () => {
    const user = await userWithHistory(4);
    const passwords = ["Passw0rd-A!", "Passw0rd-B!", "Passw0rd-C!", "Passw0rd-D!"];
    for (let i = 1; i < passwords.length; i++) {
      assert.equal((await change(user, passwords[i - 1], passwords[i])).ok, true);
    }
    assert.equal(await storedHistory(user.userId), 3, "the current hash and three old ones make the last four");
    for (const [name, call] of Object.entries(MOST_PROTOCOLS)) {
      for (const old of ["Passw0rd-A!", "Passw0rd-B!", "Passw0rd-C!"]) {
        const outcome = await call(service.address, { oldPassword: "Passw0rd-D!", newPassword: old, authorization: bearer(user.token) });
        assertRefusal(outcome, ...USED_BEFORE, `${name}: ${old}`);
      }
    }
    assert.equal((await service.userRow(user.userId)).sequence, 4, "refusals changed nothing");
    assert.equal((await change(user, "Passw0rd-D!", "Passw0rd-E!")).ok, true);
    assert.equal(await storedHistory(user.userId), 3, "the oldest hash is dropped");
    // The last four are now B, C, D, E: A may come back.
    assert.equal((await change(user, "Passw0rd-E!", "Passw0rd-A!")).ok, true);
    await assertNoSecrets(service, [...passwords, "Passw0rd-E!", user.token]);
  });
});
