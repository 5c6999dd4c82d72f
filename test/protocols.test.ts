import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import bcrypt from "bcrypt";
import { bearer, PROTOCOLS } from "./support/clients.js";
import { Service } from "./support/service.js";

describe("a password change over every protocol", () => {
  let service: Service;
  before(async () => {
    service = await Service.start();
  });
  after(() => service.stop());

  for (const [name, call] of Object.entries(PROTOCOLS)) {
    it(`changes the password twice over ${name}`, async () => {
      const user = await service.createUser("Old-Passw0rd!");
      const first = await call(service.address, {
        oldPassword: user.password,
        newPassword: "New-Passw0rd!",
        authorization: bearer(user.token),
      });
      assert.equal(first.ok, true, JSON.stringify(first));
      assert.equal(first.ok && first.sequence, "2");
      assert.equal(first.ok && first.resourceOwner, user.resourceOwner);
      const changed = first.ok ? Date.parse(first.changeDate) : NaN;
      assert.ok(Math.abs(changed - Date.now()) < 60_000, "changeDate is the time of the change");

      const second = await call(service.address, {
        oldPassword: "New-Passw0rd!",
        newPassword: "Third-Passw0rd!",
        authorization: bearer(user.token),
      });
      assert.equal(second.ok && second.sequence, "3", JSON.stringify(second));

      const row = await service.userRow(user.userId);
      assert.equal(row.sequence, 3);
      assert.ok(await bcrypt.compare("Third-Passw0rd!", row.password_hash!));
      assert.match(row.password_hash!, /^\$2b\$04\$/, "hashed at the configured cost");
      assert.deepEqual(
        (await service.events(user.userId)).map((e) => [e.sequence, e.type]),
        [
          [1, "user.added"],
          [2, "user.password.changed"],
          [3, "user.password.changed"],
        ],
      );
    });
  }
});
