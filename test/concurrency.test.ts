import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import bcrypt from "bcrypt";
import { bearer, type Outcome, PROTOCOLS } from "./support/clients.js";
import { Service } from "./support/service.js";

describe("concurrent changes", () => {
  let service: Service;
  before(async () => {
    service = await Service.start();
  });
  after(() => service.stop());

  it("lets concurrent changes of one user win distinct sequences and loses none", async () => {
    const user = await service.createUser("Start-Passw0rd!");
    const callers = [PROTOCOLS["grpc-js (h2c)"], PROTOCOLS.REST, PROTOCOLS["Connect JSON (HTTP/1.1)"], PROTOCOLS["gRPC-Web (HTTP/1.1)"]];
    const attempts = Array.from({ length: 24 }, (_, i) => `Concurrent-Passw0rd-${i}!`);
    const outcomes: [string, Outcome][] = await Promise.all(
      attempts.map(async (newPassword, i) => [
        newPassword,
        await callers[i % callers.length](service.address, {
          oldPassword: "Start-Passw0rd!",
          newPassword,
          authorization: bearer(user.token),
        }),
      ]),
    );

    const wins = outcomes.filter(([, o]) => o.ok) as [string, Extract<Outcome, { ok: true }>][];
    assert.ok(wins.length >= 1, "at least one change wins");
    for (const [, o] of outcomes.filter(([, o]) => !o.ok)) {
      // A loser was refused for the user's check in flight or its number of
      // requests (8), lost the race to commit (10), or checked its old password
      // against the winner's new hash (3, COMMAND-3M0fs): never a 500.
      assert.ok(!o.ok && [3, 8, 10].includes(o.code), JSON.stringify(o));
    }
    const sequences = wins.map(([, o]) => Number(o.sequence)).sort((a, b) => a - b);
    assert.deepEqual(
      sequences,
      sequences.map((_, i) => i + 2),
      "wins hold sequences 2..k, each once",
    );

    const events = await service.events(user.userId);
    assert.deepEqual(
      events.map((e) => e.sequence),
      [1, ...sequences],
      "one event per win, no gap",
    );
    const [lastPassword] = wins.find(([, o]) => Number(o.sequence) === sequences.at(-1))!;
    assert.ok(await bcrypt.compare(lastPassword, (await service.userRow(user.userId)).password_hash!), "the last win's password is stored");
  });
});
