import assert from "node:assert/strict";
import os from "node:os";
import { after, before, describe, it } from "node:test";
import bcrypt from "bcrypt";
import { bearer, grpcJs, restRequest } from "./support/clients.js";
import { Service, type TestUser } from "./support/service.js";

/*
 * Past capacity, what the hash pool cannot start within HASH_QUEUE_BUDGET_MS
 * is refused at once with 8 (REST 429 with Retry-After) and changes nothing.
 * A budget of 0 makes every moment with the pool's slots taken "past
 * capacity", and bcrypt cost 13 keeps them taken long enough to see it.
 * Nothing here asserts a time.
 */
describe("past the hash pool's capacity", () => {
  let service: Service;
  before(async () => {
    service = await Service.start({ BCRYPT_COST: "13", HASH_QUEUE_BUDGET_MS: "0" });
  });
  after(() => service.stop());

  /** More changes at once than the pool has slots (a core each, and one more). */
  const AT_ONCE = os.availableParallelism() + 3;

  /**
   * "Initial-Passw0rd!" hashed at cost 13, made once with bcrypt.hash: the
   * tests need checking it to be slow, not making it for every user.
   */
  const SLOW_HASH = "$2b$13$V4gZZq/ei.mREZMnXktYlusqPaAWUFywiPkPOsEJKj4gAmzY0JpSy";

  /** AT_ONCE users of "Initial-Passw0rd!", stored as `passwordHash`. */
  function usersAtOnce(passwordHash: string): Promise<TestUser[]> {
    return Promise.all(Array.from({ length: AT_ONCE }, () => service.createUser("Initial-Passw0rd!", { passwordHash })));
  }

  function change(user: TestUser, newPassword: string) {
    const body = JSON.stringify({ oldPassword: user.password, newPassword });
    return restRequest(service.address, { body, authorization: bearer(user.token) });
  }

  it("refuses what it cannot start at once with 429 and Retry-After, and changes nothing for those", async () => {
    // Each change's new hash, at the service's cost 13, is what holds a slot: the old one may be cheap to check.
    const users = await usersAtOnce(await bcrypt.hash("Initial-Passw0rd!", 4));
    const answers = await Promise.all(users.map((user) => change(user, "Changed-Passw0rd!")));
    const statuses = answers.map((a) => a.status);
    assert.ok(
      statuses.every((s) => s === 200 || s === 429),
      `only 200 and 429: ${statuses}`,
    );
    assert.ok(statuses.includes(200) && statuses.includes(429), `some admitted, some refused: ${statuses}`);
    for (const answer of answers.filter((a) => a.status === 429)) {
      assert.equal(answer.json.code, 8);
      assert.ok(Number(answer.headers.get("retry-after")) >= 1, "Retry-After names whole seconds");
    }
    for (const [i, user] of users.entries()) {
      const stored = (await service.userRow(user.userId)).password_hash!;
      const expected = answers[i].status === 200 ? "Changed-Passw0rd!" : "Initial-Passw0rd!";
      assert.ok(await bcrypt.compare(expected, stored), `user ${i} holds the password its answer implies`);
    }
  });

  it("refuses at the door while saturated, before the token is checked, on every protocol", async () => {
    // Checking each old password holds a slot too: while the first checks run, none of the admitted changes is between its check and its hash.
    const users = await usersAtOnce(SLOW_HASH);
    let firstRefusal!: () => void;
    const refused = new Promise<void>((resolve) => (firstRefusal = resolve));
    const changes = Promise.all(users.map((user) => change(user, "Changed-Passw0rd!").then((a) => (a.status === 429 && firstRefusal(), a))));
    // Once one change was refused, the admitted ones hold every slot for a
    // whole bcrypt operation at least: a request without a token is refused for
    // capacity, not for its missing token.
    await refused;
    const [restAnswer, grpcAnswer] = await Promise.all([
      restRequest(service.address, { body: JSON.stringify({ oldPassword: "x", newPassword: "y" }) }),
      grpcJs(service.address, { oldPassword: "x", newPassword: "y" }),
    ]);
    assert.equal(restAnswer.status, 429);
    assert.equal(restAnswer.json.code, 8);
    assert.deepEqual(grpcAnswer.ok ? grpcAnswer : grpcAnswer.code, 8);
    await changes;
    const idle = await restRequest(service.address, { body: JSON.stringify({ oldPassword: "x", newPassword: "y" }) });
    assert.equal(idle.status, 401, "with the pool free again, the missing token is what is wrong");
  });

  it("keeps one user's flood of guesses from starving another user's changes", async () => {
    // The default queue budget (3 s) and a cost at which 64 checks would fill it.
    const flooded = await Service.start({ BCRYPT_COST: "11" });
    try {
      const [attacker, victim] = [await flooded.createUser("Initial-Passw0rd!"), await flooded.createUser("Initial-Passw0rd!")];
      const flood = Promise.all(
        Array.from({ length: 64 }, (_, i) =>
          restRequest(flooded.address, {
            body: JSON.stringify({ oldPassword: `Wrong-Passw0rd-${i}!`, newPassword: "Flood-Passw0rd!" }),
            authorization: bearer(attacker.token),
          }),
        ),
      );
      let password = victim.password;
      for (let i = 0; i < 3; i++) {
        const next = `Victim-Passw0rd-${i}!`;
        const answer = await restRequest(flooded.address, {
          body: JSON.stringify({ oldPassword: password, newPassword: next }),
          authorization: bearer(victim.token),
        });
        assert.equal(answer.status, 200, JSON.stringify(answer.json));
        password = next;
      }
      const floodAnswers = await flood;
      const refused = floodAnswers.filter((a) => a.status === 429);
      assert.ok(refused.length >= 50, `most of the flood is refused at the door: ${refused.length} of 64`);
      for (const a of refused) assert.ok(["PWSVC-BUSY2", "PWSVC-BUSY3"].includes(a.json.details[0].id), JSON.stringify(a.json));
      flooded.secrets.push(...Array.from({ length: 3 }, (_, i) => `Victim-Passw0rd-${i}!`));
    } finally {
      await flooded.stop();
    }
  });
});
