import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import { after, before, it } from "node:test";
import bcrypt from "bcrypt";
import { bearer, PROTOCOLS } from "./support/clients.js";
import { Service } from "./support/service.js";

let service: Service;
before(async () => {
  service = await Service.start({ BCRYPT_COST: "5" });
});
after(() => service.stop());

async function setHash(userId: string, hash: string): Promise<void> {
  await service.database.db.updateTable("users").set({ password_hash: hash }).where("id", "=", userId).execute();
}

for (const [prefix, cost] of [["$2a$", 4], ["$2b$", 6], ["$2y$", 7]] as const) {
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

it("keeps every core busy with bcrypt, with one thread of the pool left for the rest", () => {
  const started = JSON.parse(service.logs.find((l) => l.includes('"msg":"listening'))!);
  assert.equal(started.hashConcurrency, os.availableParallelism());
  assert.equal(started.threadPoolSize, os.availableParallelism() + 2);
});

it("runs the thread pool, where bcrypt works, below the event loop's priority", { skip: process.platform !== "linux" }, () => {
  // Field 19 of /proc/PID/task/TID/stat is the thread's nice value.
  const nice = (tid: string) => Number(fs.readFileSync(`/proc/${service.pid}/task/${tid}/stat`, "utf8").split(") ")[1].split(" ")[16]);
  const tasks = fs.readdirSync(`/proc/${service.pid}/task`);
  assert.equal(nice(String(service.pid)), 0, "the event loop's thread");
  assert.equal(tasks.filter((tid) => nice(tid) === 19).length, os.availableParallelism() + 2, "the pool's threads");
});
