import assert from "node:assert/strict";
import { pbkdf2Sync, scryptSync } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import argon2 from "argon2";
import { BcryptHasher } from "../src/crypto/hashing.js";
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

/** Hashes of the parameters given; only their parameters are checked here, never a verify at the bound. */
const argon2Hash = (m: number, t: number, p: number, salt = "c29tZXNhbHQ", hash = "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc") =>
  `$argon2id$v=19$m=${m},t=${t},p=${p}$${salt}$${hash}`;
const scryptHash = (ln: number, r: number, p: number) => `$scrypt$ln=${ln},r=${r},p=${p}$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI`;
/** passlib's adapted base 64 ("." for "+", no padding). */
const ab64 = (bytes: Buffer) => bytes.toString("base64").replace(/=+$/, "").replaceAll("+", ".");
const pbkdf2Hash = (digest: string, rounds: number, bytes: number) => `$pbkdf2-${digest}$${rounds}$4vjV83LKPjQzk31VI4E0Vw$${ab64(Buffer.alloc(bytes, 0xfb))}`;
const shaCryptHash = (rounds: number) => `$6$rounds=${rounds}$saltsalt$${"a".repeat(86)}`;

/** Each bound just above it, with what the refusal names. */
const OVER: [string, RegExp][] = [
  ["$2b$17$" + "a".repeat(53), /bcrypt cost must be from 4 to 16, not 17/],
  ["$2b$03$" + "a".repeat(53), /bcrypt cost must be from 4 to 16, not 3/],
  [argon2Hash(262_145, 1, 1), /argon2 memory \(m, KiB\) must be from 8 to 262144, not 262145/],
  [argon2Hash(262_144, 5, 1), /argon2 memory × time \(m·t, KiB\) must be at most 1048576, not 1310720/],
  [argon2Hash(104_858, 10, 1), /argon2 memory × time \(m·t, KiB\) must be at most 1048576, not 1048580/],
  [argon2Hash(1024, 11, 1), /argon2 time \(t\) must be from 1 to 10, not 11/],
  [argon2Hash(1024, 2, 17), /argon2 threads \(p\) must be from 1 to 16, not 17/],
  [scryptHash(21, 1, 1), /scrypt cost \(ln\) must be from 14 to 20, not 21/],
  [scryptHash(20, 3, 1), /scrypt N·r·p must be at most 2097152, not 3145728/],
  [scryptHash(18, 8, 2), /scrypt N·r·p must be at most 2097152, not 4194304/],
  [scryptHash(14, 8, 17), /scrypt parallelism \(p\) must be from 1 to 16, not 17/],
  [scryptHash(14, 129, 1), /scrypt N·r·p must be at most 2097152, not 2113536/],
  [pbkdf2Hash("sha512", 2_000_001, 64), /pbkdf2 rounds must be from 1 to 2000000, not 2000001/],
  [pbkdf2Hash("sha1", 1_000_001, 40), /pbkdf2 rounds × blocks \(the hash's length over the digest's\) must be at most 2000000, not 2000002/],
  [shaCryptHash(700_001), /sha-crypt rounds must be from 1000 to 700000, not 700001/],
  [shaCryptHash(999), /sha-crypt rounds must be from 1000 to 700000, not 999/],
];

/** Each bound at it: accepted. */
const AT: [string, string][] = [
  ["$2b$16$" + "a".repeat(53), "bcrypt"],
  ["$2b$04$" + "a".repeat(53), "bcrypt"],
  [argon2Hash(262_144, 4, 1), "argon2"],
  [argon2Hash(104_857, 10, 1), "argon2"],
  [argon2Hash(128, 1, 16), "argon2"],
  [scryptHash(20, 2, 1), "scrypt"],
  [scryptHash(18, 8, 1), "scrypt"],
  [scryptHash(14, 8, 16), "scrypt"],
  [scryptHash(14, 128, 1), "scrypt"],
  [pbkdf2Hash("sha512", 2_000_000, 64), "pbkdf2"],
  [pbkdf2Hash("sha1", 1_000_000, 40), "pbkdf2"],
  [pbkdf2Hash("sha256", 1_000_000, 64), "pbkdf2"],
  [shaCryptHash(700_000), "sha-crypt"],
  [shaCryptHash(1000), "sha-crypt"],
];

describe("imported hashes", () => {
  for (const [family, list] of Object.entries(vectors)) {
    it(`verifies passlib's ${family} vectors, and refuses a wrong password`, async () => {
      assert.ok(list.length >= 5, `${family} has ${list.length} vectors`);
      // A wrong password once per variant ($argon2i$v=19, $argon2id$v=16, ...): a wrong one costs as much as a right one, and argon2's are slow.
      const variants = new Set<string>();
      for (const [password, hash] of list) {
        const parsed = parseHash(hash, LOOSE);
        assert.equal(await parsed.verify(password), true, `${family}: ${hash}`);
        const variant = hash.split("$").slice(0, 3).join("$");
        if (variants.has(variant)) continue;
        variants.add(variant);
        assert.equal(await parsed.verify(`x${password}`), false, `${family}: a wrong password against ${hash}`);
      }
    });
  }

  it("refuses each bound just above it, naming the parameter and the bound, never the hash", () => {
    for (const [hash, message] of OVER) {
      assert.throws(
        () => parseHash(hash),
        (err: Error) => err instanceof HashRefused && message.test(err.message) && !err.message.includes(hash),
        hash,
      );
    }
  });

  it("accepts each bound at it", () => {
    for (const [hash, family] of AT) assert.equal(parseHash(hash).family, family, hash);
  });

  it("still verifies a stored hash that an earlier import admitted past today's bounds", async () => {
    // pbkdf2-sha256 one round past today's bound of work (2,000,000): the cheapest hash over a bound that the stored hashes' bounds admit.
    const salt = Buffer.from("an earlier salt!");
    const derived = pbkdf2Sync("Imported-Passw0rd!", salt, 2_000_001, 32, "sha256");
    const stored = `$pbkdf2-sha256$2000001$${ab64(salt)}$${ab64(derived)}`;
    assert.throws(() => parseHash(stored), HashRefused, "a new import refuses it");
    const hasher = new BcryptHasher(4);
    assert.equal(await hasher.verify("Imported-Passw0rd!", stored), true);
    assert.equal(await hasher.verify("Wrong-Passw0rd!", stored), false);
  });

  it("refuses hashes in no supported encoding", () => {
    const cases = ["$argon2d$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$cZn5d+rFh+ZfuRhm2iGUGgcrW5YLeM6q7L3vBsdmFA0", "$md5$whatever", "plaintext-password"];
    for (const hash of cases) {
      assert.throws(
        () => parseHash(hash),
        (err: Error) =>
          err instanceof HashRefused && /none of the supported encodings|argon2i\$ or \$argon2id/.test(err.message) && !err.message.includes(hash),
        hash,
      );
    }
  });

  it("refuses a scrypt hash OpenSSL could never verify, N ≥ 2^(16·r), in both encodings", () => {
    assert.throws(() => scryptSync("password", "salt", 32, { N: 2 ** 16, r: 1, p: 1 }), /Invalid scrypt param/, "OpenSSL's own refusal");
    const seven = `$7$E/..../....SodiumChloride$${"a".repeat(43)}`; // ln 16 ("E"), r 1, p 1
    for (const hash of [scryptHash(16, 1, 1), seven]) {
      assert.throws(() => parseHash(hash), /scrypt cost \(ln\) must be below 16·r, 16 with r=1, not 16/, hash);
    }
    assert.equal(parseHash(scryptHash(15, 1, 1)).family, "scrypt", "just below OpenSSL's limit");
    assert.equal(parseHash(scryptHash(20, 2, 1)).family, "scrypt");
  });

  it("refuses argon2 hashes below argon2's own minimums, which no verify could pass", async () => {
    const cases: [string, RegExp][] = [
      [argon2Hash(127, 1, 16), /argon2 memory \(m, KiB\) must be at least 8 a thread, 128 with p=16, not 127/],
      [argon2Hash(256, 1, 1, "c2FsdA"), /argon2 salt must be at least 8 bytes/],
      [argon2Hash(256, 1, 1, "c29tZXNhbHQ", "CTFh"), /argon2 hash must be at least 4 bytes/],
    ];
    for (const [hash, message] of cases) {
      await assert.rejects(argon2.verify(hash, "password"), `the argon2 library refuses it too: ${hash}`);
      assert.throws(
        () => parseHash(hash),
        (err: Error) => err instanceof HashRefused && message.test(err.message),
        hash,
      );
    }
    assert.equal(parseHash(argon2Hash(128, 1, 16, "c2FsdHNhbHQ", "CTFhFQ")).family, "argon2", "8 a thread, 8 bytes of salt, 4 of hash");
  });

  it("accepts hashes within the bounds, with their family", () => {
    assert.equal(parseHash("$2y$10$" + "a".repeat(53)).family, "bcrypt");
    assert.equal(parseHash("$scrypt$ln=14,r=8,p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI").family, "scrypt");
    assert.equal(parseHash("$7$C6..../....SodiumChloride$kBGj9fHznVYFQMEn/qDCfrDevf9YDtcDdKvEqHJLV8D").family, "scrypt");
    assert.equal(parseHash("$5$rounds=10428$uy/jIAhCetNCTtb0$YWvUOXbkqlqhyoPMpN8BMe.ZGsGx2aBvxTvDFI613c3").family, "sha-crypt");
    assert.equal(parseHash("$1$dXc3I7Rw$ctlgjDdWJLMT.qwHsWhXR1").family, "md5-crypt");
  });
});
