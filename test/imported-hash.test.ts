import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { HASH_BOUNDS, type HashBounds, HashRefused, parseHash } from "../src/crypto/imported-hash.js";
import { ROOT } from "./support/service.js";

/** passlib's published vectors, one list per family. */
const { vectors } = JSON.parse(fs.readFileSync(path.join(ROOT, "test/fixtures/passlib-vectors.json"), "utf8")) as {
  vectors: Record<string, [string, string][]>;
};

/** Bounds wide enough for the vectors' small parameters (scrypt's whitepaper uses ln 4): the algorithms are checked, not the limits. */
const LOOSE: HashBounds = {
  ...HASH_BOUNDS,
  scryptLn: [1, 20],
  shaCryptRounds: [1000, 999_999_999],
};

describe("imported hashes", () => {
  for (const [family, list] of Object.entries(vectors)) {
    it(`verifies passlib's ${family} vectors, and refuses a wrong password`, async () => {
      assert.ok(list.length >= 5, `${family} has ${list.length} vectors`);
      for (const [password, hash] of list) {
        const parsed = parseHash(hash, LOOSE);
        assert.equal(await parsed.verify(password), true, `${family}: ${hash}`);
        assert.equal(await parsed.verify(`x${password}`), false, `${family}: a wrong password against ${hash}`);
      }
    });
  }

  it("refuses hashes over the bounds, naming the parameter and never the hash", () => {
    const cases: [string, RegExp][] = [
      ["$2b$17$" + "a".repeat(53), /bcrypt cost must be from 4 to 16, not 17/],
      ["$argon2id$v=19$m=1048576,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", /argon2 memory \(m, KiB\) must be from 1 to 524288/],
      ["$argon2id$v=19$m=65536,t=11,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", /argon2 time \(t\) must be from 1 to 10/],
      ["$argon2id$v=19$m=65536,t=2,p=17$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", /argon2 threads \(p\) must be from 1 to 16/],
      ["$argon2d$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$cZn5d+rFh+ZfuRhm2iGUGgcrW5YLeM6q7L3vBsdmFA0", /argon2i\$ or \$argon2id/],
      ["$scrypt$ln=21,r=8,p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI", /scrypt cost \(ln\) must be from 14 to 20, not 21/],
      ["$scrypt$ln=8,r=8,p=1$wlhLyXmP8b53bm1NKYVQqg$mTpvG8lzuuDk+DWz8HZIB6Vum6erDuUm0As5yU+VxWA", /scrypt cost \(ln\) must be from 14 to 20, not 8/],
      ["$scrypt$ln=20,r=16,p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI", /128·N·r at most/],
      ["$pbkdf2-sha256$3000000$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ", /pbkdf2 rounds must be from 1 to 2000000/],
      ["$6$rounds=2000000$saltsalt$" + "a".repeat(86), /sha-crypt rounds must be from 1000 to 1000000/],
      ["$md5$whatever", /none of the supported encodings/],
      ["plaintext-password", /none of the supported encodings/],
    ];
    for (const [hash, message] of cases) {
      assert.throws(() => parseHash(hash), (err: Error) => err instanceof HashRefused && message.test(err.message) && !err.message.includes(hash), hash);
    }
  });

  it("accepts hashes within the bounds, with their family", () => {
    assert.equal(parseHash("$2y$10$" + "a".repeat(53)).family, "bcrypt");
    assert.equal(parseHash("$scrypt$ln=14,r=8,p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI").family, "scrypt");
    assert.equal(parseHash("$7$C6..../....SodiumChloride$kBGj9fHznVYFQMEn/qDCfrDevf9YDtcDdKvEqHJLV8D").family, "scrypt");
    assert.equal(parseHash("$5$rounds=10428$uy/jIAhCetNCTtb0$YWvUOXbkqlqhyoPMpN8BMe.ZGsGx2aBvxTvDFI613c3").family, "sha-crypt");
    assert.equal(parseHash("$1$dXc3I7Rw$ctlgjDdWJLMT.qwHsWhXR1").family, "md5-crypt");
  });
});
