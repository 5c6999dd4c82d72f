import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import bcrypt from "bcrypt";
import { bearer, PROTOCOLS } from "./support/clients.js";
import { assertNoSecrets, assertRefusal, MOST_PROTOCOLS, setPolicy } from "./support/policy.js";
import { Service, type TestUser } from "./support/service.js";

// "Crème brûlée, façade, naïve": composed (NFC) and decomposed (NFD) forms.
const COMPOSED = "Crème brûlée façade naïve".normalize("NFC");
const DECOMPOSED = COMPOSED.normalize("NFD");

describe("the nist profile", () => {
  let service: Service;
  let org: string;
  before(async () => {
    service = await Service.start({ POLICY_CACHE_MS: "0" });
    org = (await service.createUser("Current-Passw0rd!")).resourceOwner;
    await setPolicy(service, ["--org", org, "--profile", "nist"]);
  });
  after(() => service.stop());

  async function nistUser(): Promise<TestUser> {
    return service.createUser("Current-Passw0rd!", { orgId: org });
  }

  function change(user: TestUser, oldPassword: string, newPassword: string) {
    return PROTOCOLS.REST(service.address, { oldPassword, newPassword, authorization: bearer(user.token) });
  }

  it("sets a password typed composed, then verifies it typed decomposed, and the other way round", async () => {
    assert.notEqual(COMPOSED, DECOMPOSED);
    const a = await nistUser();
    assert.equal((await change(a, "Current-Passw0rd!", COMPOSED)).ok, true);
    const afterA = await change(a, DECOMPOSED, "Another long passphrase");
    assert.equal(afterA.ok, true, `decomposed verifies a composed one: ${JSON.stringify(afterA)}`);

    const b = await nistUser();
    assert.equal((await change(b, "Current-Passw0rd!", DECOMPOSED)).ok, true);
    const afterB = await change(b, COMPOSED, "Another long passphrase");
    assert.equal(afterB.ok, true, `composed verifies a decomposed one: ${JSON.stringify(afterB)}`);
    await assertNoSecrets(service, [COMPOSED, DECOMPOSED, a.token, b.token]);
  });

  it("still verifies a decomposed password hashed as typed, before normalisation (by ZITADEL or the zitadel profile)", async () => {
    // A hash of the NFD form as typed, brought from elsewhere (the CLI hashes the NFKC form under nist).
    const hashedAsTyped = () => service.createUser("", { orgId: org, passwordHash: bcrypt.hashSync(DECOMPOSED, 4) });
    const user = await hashedAsTyped();
    assert.equal((await change(user, DECOMPOSED, "Another long passphrase")).ok, true, "as typed");
    const other = await hashedAsTyped();
    const composed = await change(other, COMPOSED, "Another long passphrase");
    // The hash is of the NFD form; the composed form and its NFKC are both composed: no match.
    // Trying more forms would cost a bcrypt each on every wrong guess (see docs/policies.md, Profiles).
    assert.equal(composed.ok, false, "an un-normalised hash verifies the form it was made of, and its NFKC");
  });

  it("a new password equal to the old one after NFKC is the same password", async () => {
    const user = await nistUser();
    assert.equal((await change(user, "Current-Passw0rd!", COMPOSED)).ok, true);
    const same = await change(user, COMPOSED, DECOMPOSED);
    assertRefusal(same, 9, "COMMAND-Aesh5", "New password cannot be the same as your current password", "NFD of the current one");
  });

  it("accepts 64 code points, refuses 65 and anything over bcrypt's 72 bytes, never truncating", async () => {
    const user = await nistUser();
    const sixtyFour = "correct horse battery staple ".repeat(3).slice(0, 64);
    assert.equal([...sixtyFour].length, 64);
    for (const [name, call] of Object.entries(MOST_PROTOCOLS)) {
      const tooLong = await call(service.address, { oldPassword: "Current-Passw0rd!", newPassword: `${sixtyFour}x`, authorization: bearer(user.token) });
      assertRefusal(tooLong, 3, "PWSVC-LEN01", "Password is too long", name);
    }
    // U+FDFA is 3 bytes and NFKC makes it 33: three of them are 9 bytes typed, 99 normalised.
    const expanding = "\uFDFA".repeat(3) + "abcdef";
    const grows = await change(user, "Current-Passw0rd!", expanding);
    assertRefusal(grows, 3, "PWSVC-LEN01", "Password is too long", "over 72 bytes once normalised");
    assert.equal((await change(user, "Current-Passw0rd!", sixtyFour)).ok, true);
    // Every one of the 64 counts: the password with its last character changed does not verify.
    const truncated = await change(user, `${sixtyFour.slice(0, 63)}!`, "Another long passphrase");
    assert.equal(truncated.ok, false);
    assert.equal((await change(user, sixtyFour, "Another long passphrase")).ok, true);
  });
});
