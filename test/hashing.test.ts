import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import bcrypt from "bcrypt";
import { bearer, PROTOCOLS } from "./support/clients.js";
import { Service } from "./support/service.js";

describe("hashes of every bcrypt prefix and cost", () => {
  let service: Service;
  before(async () => {
    service = await Service.start({ BCRYPT_COST: "5" });
  });
  after(() => service.stop());

  async function setHash(userId: string, hash: string): Promise<void> {
    await service.database.db.updateTable("users").set({ password_hash: hash }).where("id", "=", userId).execute();
  }

  for (const [prefix, cost] of [
    ["$2a$", 4],
    ["$2b$", 6],
    ["$2y$", 7],
  ] as const) {
    it(`verifies a ${prefix} hash of cost ${cost} and rehashes at the configured cost`, async () => {
      const user = await service.createUser("Imported-Passw0rd!");
      const imported = (await bcrypt.hash("Imported-Passw0rd!", cost)).replace(/^\$2b\$/, prefix);
      await setHash(user.userId, imported);
      const outcome = await PROTOCOLS.REST(service.address, {
        oldPassword: "Imported-Passw0rd!",
        newPassword: "Rehashed-Passw0rd!",
        authorization: bearer(user.token),
      });
      assert.equal(outcome.ok, true, JSON.stringify(outcome));
      const stored = (await service.userRow(user.userId)).password_hash!;
      assert.match(stored, /^\$2b\$05\$/);
      assert.ok(await bcrypt.compare("Rehashed-Passw0rd!", stored));
    });
  }
});
