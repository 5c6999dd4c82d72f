import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SignJWT } from "jose";
import { bearer, grpcJs, rest } from "./support/clients.js";
import { type IssuerKey, issuerKey, JwksServer } from "./support/issuer.js";
import { FAMILY_SAMPLES } from "./support/hash-samples.js";
import { Service } from "./support/service.js";

// Users made as `user create` makes them (with their IDs, or a hash of
// another system), signed in with the operator's issuer; imported-users.test.ts
// runs the import itself.
const ISSUER = "https://idp.example";
const AUDIENCE = "password-service";

describe("users of an existing identity system", () => {
  let jwks: JwksServer;
  let key: IssuerKey;
  let service: Service;

  const token = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(key.privateKey);

  before(async () => {
    jwks = await JwksServer.start();
    key = await issuerKey("ES256");
    jwks.keys = [key.publicJwk];
    service = await Service.start({ JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
  });
  after(async () => {
    await service?.stop();
    await jwks?.close();
  });

  it("changes the passwords of users whose IDs are ZITADEL's, UUIDs and Auth0's, with tokens of the operator's issuer", async () => {
    const ids = ["69629023906488334", "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", "auth0|64f1c2a9e1b2c3d4e5f60718"];
    await (await service.store()).orgs.createOrg({ id: "69629023906488000", name: "Imported" });
    for (const [i, id] of ids.entries()) {
      const created = await service.createUser("Their-Passw0rd-1!", { id, username: `person-${i}`, orgId: "69629023906488000" });
      assert.equal(created.userId, id);
      const authorization = bearer(await token({ sub: id }));
      const viaRest = await rest(service.address, { oldPassword: "Their-Passw0rd-1!", newPassword: "Their-Passw0rd-2!", authorization });
      assert.deepEqual([viaRest.ok, viaRest.ok && viaRest.sequence, viaRest.ok && viaRest.resourceOwner], [true, "2", "69629023906488000"], id);
      const viaGrpc = await grpcJs(service.address, { oldPassword: "Their-Passw0rd-2!", newPassword: "Their-Passw0rd-3!", authorization });
      assert.equal(viaGrpc.ok && viaGrpc.sequence, "3", id);
    }
    const stranger = await rest(service.address, {
      oldPassword: "x",
      newPassword: "Their-Passw0rd-9!",
      authorization: bearer(await token({ sub: "auth0|nobody" })),
    });
    assert.deepEqual(stranger.ok ? stranger : [stranger.code, stranger.detail?.id], [9, "COMMAND-G8dh3"], "ZITADEL's user-not-found");
  });

  it("reads the user ID from JWT_SUBJECT_CLAIM", async () => {
    const other = await Service.start({ JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_SUBJECT_CLAIM: "uid" }, service.database);
    try {
      const id = "legacy-user-17";
      await other.createUser("Legacy-Passw0rd-1!", { id, username: "legacy", orgName: "Legacy" });
      const authorization = bearer(await token({ sub: "someone-else", uid: id }));
      const changed = await rest(other.address, { oldPassword: "Legacy-Passw0rd-1!", newPassword: "Legacy-Passw0rd-2!", authorization });
      assert.equal(changed.ok && changed.sequence, "2");
      const withoutClaim = await rest(other.address, { oldPassword: "x", newPassword: "Legacy-Passw0rd-3!", authorization: bearer(await token({ sub: id })) });
      assert.equal(!withoutClaim.ok && withoutClaim.code, 16, "a token without the claim is invalid");
    } finally {
      await other.stop();
    }
  });

  it("verifies each imported hash family with its own algorithm, then stores bcrypt on the first change", async () => {
    for (const [name, password, hash] of FAMILY_SAMPLES) {
      const id = `imported-${name.replace(/\W+/g, "-")}`;
      // passlib's passwords ("password", "test") are public and words of every log line: not secrets to look for.
      await service.createUser("", { id, username: id, passwordHash: hash, orgName: "Hashes" });
      const authorization = bearer(await token({ sub: id }));
      const wrong = await rest(service.address, { oldPassword: `x${password}`, newPassword: "Brand-New-Passw0rd!", authorization });
      assert.equal(!wrong.ok && wrong.detail?.id, "COMMAND-3M0fs", `${name}: a wrong password is refused`);
      const changed = await rest(service.address, { oldPassword: password, newPassword: "Brand-New-Passw0rd!", authorization });
      assert.equal(changed.ok, true, `${name}: ${JSON.stringify(changed)}`);
      const row = await service.userRow(id);
      assert.match(row.password_hash!, /^\$2b\$04\$/, `${name}: upgraded to bcrypt at the configured cost`);
      const again = await rest(service.address, { oldPassword: "Brand-New-Passw0rd!", newPassword: "Newer-Passw0rd-2!", authorization });
      assert.equal(again.ok, true, `${name}: the new bcrypt hash verifies`);
    }
  });
});
