import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createConnectTransport } from "@connectrpc/connect-node";
import { createSessionServiceClient } from "@zitadel/client/v2";
import { bearer } from "./support/clients.js";
import { auditEvents } from "./support/policy.js";
import { ROOT, Service } from "./support/service.js";
import { freePort } from "./support/tools.js";

/** passlib's published vectors, as the import's own tests take them. */
const { vectors } = JSON.parse(fs.readFileSync(path.join(ROOT, "test/fixtures/passlib-vectors.json"), "utf8")) as {
  vectors: Record<string, [string, string][]>;
};

/**
 * One hash of each imported format, and bcrypt of another cost than the
 * service's (4 in tests), with its password; none whose password is
 * "password" or "test", which the events' names and the logs hold (the leak check would flag them).
 */
const SAMPLES: [string, string, string][] = [
  ["bcrypt of cost 5", ...vectors.bcrypt.find(([, h]) => h.startsWith("$2a$05$"))!],
  ["argon2i", ...vectors.argon2.find(([p, h]) => h.startsWith("$argon2i$") && p === "táБℓə")!],
  ["argon2id", ...vectors.argon2.find(([p, h]) => h.startsWith("$argon2id$") && p === "differentpassword")!],
  ["scrypt", ...vectors.scrypt.find(([, h]) => h.startsWith("$scrypt$ln=14"))!],
  ["scrypt $7$", ...vectors.scrypt.find(([, h]) => h.startsWith("$7$"))!],
  ["pbkdf2 sha1", ...vectors.pbkdf2.find(([p, h]) => h.startsWith("$pbkdf2$") && p !== "password")!],
  ["pbkdf2 sha256", ...vectors.pbkdf2.find(([p, h]) => h.startsWith("$pbkdf2-sha256$") && p !== "password")!],
  ["pbkdf2 sha512", ...vectors.pbkdf2.find(([p, h]) => h.startsWith("$pbkdf2-sha512$") && p !== "password")!],
  ["sha256-crypt", ...vectors["sha256-crypt"].find(([p, h]) => h.startsWith("$5$rounds=") && p === "Compl3X AlphaNu3meric")!],
  ["sha512-crypt", ...vectors["sha512-crypt"].find(([p, h]) => !h.includes("rounds=") && p.length > 0)!],
  ["md5-crypt", ...vectors["md5-crypt"].find(([p]) => p === "Compl3X AlphaNu3meric")!],
];

describe("hashes brought in are upgraded by a sign-in", () => {
  let service: Service;
  let metricsPort: number;
  before(async () => {
    metricsPort = await freePort();
    service = await Service.start({ METRICS_PORT: String(metricsPort), METRICS_HOST: "127.0.0.1" });
  });
  after(async () => {
    await service?.stop();
  });

  it("stores bcrypt at BCRYPT_COST in place of each imported format after a successful check, audited without the hash, and user show names the new family", async () => {
    const login = await service.loginClientToken();
    const client = createSessionServiceClient(createConnectTransport({ baseUrl: service.url, httpVersion: "1.1" }));
    for (const [name, password, hash] of SAMPLES) {
      const user = await service.createUser(password, { passwordHash: hash });
      const signIn = () =>
        client.createSession(
          { checks: { user: { search: { case: "userId", value: user.userId } }, password: { password } } },
          { headers: { authorization: bearer(login.token) } },
        );
      service.secrets.push((await signIn()).sessionToken);
      const row = await service.userRow(user.userId);
      assert.match(row.password_hash!, /^\$2[ab]\$04\$/, `${name}: bcrypt at cost 4`);
      const types = (await service.events(user.userId)).map((e) => e.type).slice(-2);
      assert.deepEqual(types, ["user.human.password.check.succeeded", "user.human.password.hash.updated"], name);
      const upgraded = (await auditEvents(service, user.userId)).find((e) => e.type === "password.hash.upgraded");
      assert.ok(upgraded, `${name}: audited`);
      assert.ok(!JSON.stringify(upgraded).includes(hash) && !JSON.stringify(upgraded).includes(row.password_hash!), `${name}: no hash in the audit`);
      const shown = await (await service.store()).userAdmin.findUser({ id: user.userId });
      assert.equal(shown?.passwordFamily, "bcrypt", name);
      // The new hash is the password's: the next sign-in checks against it, and upgrades nothing.
      service.secrets.push((await signIn()).sessionToken);
      assert.equal((await service.userRow(user.userId)).password_hash, row.password_hash, `${name}: no second upgrade`);
    }
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const counted = [...metrics.matchAll(/^password_service_hash_upgrades_total\{from="[^"]+"\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    assert.equal(counted, SAMPLES.length, "each upgrade counted in the metric");
  });
});
