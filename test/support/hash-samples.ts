import fs from "node:fs";
import path from "node:path";
import { ROOT } from "./service.js";

/** passlib's published vectors; a few of each family are within the import's bounds. */
export const { vectors } = JSON.parse(fs.readFileSync(path.join(ROOT, "test/fixtures/passlib-vectors.json"), "utf8")) as {
  vectors: Record<string, [string, string][]>;
};

/** One vector of each family and form the import accepts, with its password. */
export const FAMILY_SAMPLES: [string, string, string][] = [
  ["bcrypt $2a$", ...vectors.bcrypt.find(([, h]) => h.startsWith("$2a$05$"))!],
  ["bcrypt $2y$", ...vectors.bcrypt.find(([, h]) => h.startsWith("$2y$"))!],
  ["argon2i", ...vectors.argon2.find(([, h]) => h.startsWith("$argon2i$v=19$m=65536,t=2,p=1$"))!],
  ["argon2id", ...vectors.argon2.find(([, h]) => h.startsWith("$argon2id$v=19$m=65536,t=2,p=1$"))!],
  ["scrypt $scrypt$", ...vectors.scrypt.find(([, h]) => h.startsWith("$scrypt$ln=14"))!],
  ["scrypt $7$", ...vectors.scrypt.find(([, h]) => h.startsWith("$7$"))!],
  ["pbkdf2 sha1", ...vectors.pbkdf2.find(([, h]) => h.startsWith("$pbkdf2$"))!],
  ["pbkdf2 sha256", ...vectors.pbkdf2.find(([, h]) => h.startsWith("$pbkdf2-sha256$"))!],
  ["pbkdf2 sha512", ...vectors.pbkdf2.find(([, h]) => h.startsWith("$pbkdf2-sha512$"))!],
  ["sha256-crypt", ...vectors["sha256-crypt"].find(([p, h]) => h.startsWith("$5$rounds=") && p.length > 0)!],
  ["sha512-crypt", ...vectors["sha512-crypt"].find(([p, h]) => !h.includes("rounds=") && p.length > 0)!],
  ["md5-crypt", ...vectors["md5-crypt"].find(([p]) => p === "test")!],
];
