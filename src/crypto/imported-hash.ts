// Hashes brought from another system, in the encodings ZITADEL accepts for
// imported users (zitadel/passwap's): parsed, held to bounds that keep one
// verify from tying up a core for long, and verified with their own
// algorithm off the event loop. A change always stores a new bcrypt hash.
import { pbkdf2, scrypt, timingSafeEqual } from "node:crypto";
import argon2 from "argon2";
import bcrypt from "bcrypt";
import { ITOA64 } from "./crypt.js";
import { CryptPool } from "./crypt-pool.js";

export type HashFamily = "bcrypt" | "argon2" | "scrypt" | "pbkdf2" | "sha-crypt" | "md5-crypt";

/**
 * A hash that cannot be imported: not one of the encodings, or beyond a
 * bound. The message names the parameter, never the hash.
 */
export class HashRefused extends Error {}

/** A parsed hash: its family, and how to check a password against it. */
export interface ParsedHash {
  family: HashFamily;
  verify(password: string): Promise<boolean>;
}

/**
 * Bounds on imported parameters that keep one verify, at its worst, to about
 * two seconds of one core here; bcrypt and sha-crypt go further, for the
 * reasons given at their bounds.
 * `npm run bench:hash-bounds` measures each bound; docs/importing-users.md
 * has the table. Where a family's cost is a product of parameters, the
 * product is bounded as well as each factor.
 */
export interface HashBounds {
  bcryptCost: readonly [number, number];
  argon2Time: readonly [number, number];
  argon2MemoryKiB: readonly [number, number];
  /** m·t in KiB: argon2 fills m KiB t times. */
  argon2Work: number;
  argon2Threads: readonly [number, number];
  scryptLn: readonly [number, number];
  scryptParallel: readonly [number, number];
  /** N·r·p: scrypt mixes 128·r bytes 2·N times, p times over. */
  scryptWork: number;
  /** Rounds times the blocks of the digest the hash is long: PBKDF2 runs every round for each block. */
  pbkdf2Work: number;
  shaCryptRounds: readonly [number, number];
}

export const HASH_BOUNDS: HashBounds = {
  /** BCRYPT_COST's range: the service writes hashes of cost 16 itself when told to (ZITADEL's default is 14). */
  bcryptCost: [4, 16],
  argon2Time: [1, 10],
  /** 256 MiB: four times RFC 9106's second choice (64 MiB, t 3, p 4), Django's 100 MiB twice over. */
  argon2MemoryKiB: [8, 256 * 1024],
  /** 1 GiB: 256 MiB four times, or Django's 100 MiB ten times. */
  argon2Work: 1024 * 1024,
  argon2Threads: [1, 16],
  scryptLn: [14, 20],
  scryptParallel: [1, 16],
  /** 2^21: twice OWASP's N 2^17, r 8, p 1, four times passlib's default (ln 16); at most 256 MiB of memory. */
  scryptWork: 2 ** 21,
  /** OWASP's 1,300,000 for SHA-1 and 600,000 for SHA-256 inside; SHA-512, the slowest, is the worst case. */
  pbkdf2Work: 2_000_000,
  /**
   * passlib's defaults (535,000 for $5$, 656,000 for $6$) inside; Linux's shadow uses 5000. At the bound a
   * $6$ verify of the longest old password a request carries takes about 4 s here: every round hashes the password.
   */
  shaCryptRounds: [1000, 700_000],
};

/**
 * The bounds a stored hash is verified under: those of the import that
 * admitted it, before they were tightened. A hash imported then stays
 * verifiable; its user's check holds the check slot for as long as it
 * takes. Only new imports meet HASH_BOUNDS.
 */
export const STORED_HASH_BOUNDS: HashBounds = {
  ...HASH_BOUNDS,
  argon2MemoryKiB: [1, 512 * 1024],
  argon2Work: 512 * 1024 * 10,
  scryptWork: 2 ** 27,
  pbkdf2Work: Number.MAX_SAFE_INTEGER,
  shaCryptRounds: [1000, 1_000_000],
};

const crypts = new CryptPool();

/** Parses a hash in any supported encoding within the bounds, or throws HashRefused. */
export function parseHash(hash: string, bounds: HashBounds = HASH_BOUNDS): ParsedHash {
  if (/^\$2[aby]\$/.test(hash)) return parseBcrypt(hash, bounds);
  if (hash.startsWith("$argon2")) return parseArgon2(hash, bounds);
  if (hash.startsWith("$scrypt$")) return parseScrypt(hash, bounds);
  if (hash.startsWith("$7$")) return parseScrypt7(hash, bounds);
  if (hash.startsWith("$pbkdf2")) return parsePbkdf2(hash, bounds);
  if (hash.startsWith("$5$") || hash.startsWith("$6$")) return parseShaCrypt(hash, bounds);
  if (hash.startsWith("$1$")) return parseMd5Crypt(hash);
  throw new HashRefused("the hash is in none of the supported encodings (bcrypt, argon2i/argon2id, scrypt, pbkdf2, sha256/512-crypt, md5-crypt)");
}

function within(name: string, value: number, [min, max]: readonly [number, number]): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new HashRefused(`${name} must be from ${min} to ${max}, not ${value}`);
  return value;
}

/** A product of parameters, the work a verify does. */
function atMost(name: string, value: number, max: number): void {
  if (value > max) throw new HashRefused(`${name} must be at most ${max}, not ${value}`);
}

function parseBcrypt(hash: string, bounds: HashBounds): ParsedHash {
  const match = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/.exec(hash);
  if (!match) throw new HashRefused("a bcrypt hash is $2a$, $2b$ or $2y$, a two-digit cost, and 53 characters");
  within("bcrypt cost", Number(match[1]), bounds.bcryptCost);
  // $2y$ is PHP's name for the algorithm of $2b$.
  const normalised = hash.startsWith("$2y$") ? `$2b$${hash.slice(4)}` : hash;
  // bcrypt reads 72 bytes. Cut here, node's bcrypt would give $2a$ hashes of
  // 255 bytes or more OpenBSD's old length wrap-around (passlib's vectors check it).
  return { family: "bcrypt", verify: (password) => bcrypt.compare(Buffer.from(password, "utf8").subarray(0, 72), normalised) };
}

/** `name=value,…` with every name of `names`, each a whole number. */
function params(text: string, names: string[], family: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const pair of text.split(",")) {
    const [name, value] = pair.split("=");
    if (!names.includes(name) || !/^\d{1,10}$/.test(value ?? "")) throw new HashRefused(`the ${family} hash's parameters must be ${names.join(", ")}`);
    found[name] = Number(value);
  }
  for (const name of names) if (found[name] === undefined) throw new HashRefused(`the ${family} hash lacks its ${name} parameter`);
  return found;
}

const B64 = /^[A-Za-z0-9+/]*$/;

function parseArgon2(hash: string, bounds: HashBounds): ParsedHash {
  const parts = hash.split("$");
  if (parts.length !== 6 || (parts[1] !== "argon2i" && parts[1] !== "argon2id")) {
    throw new HashRefused("an argon2 hash is $argon2i$ or $argon2id$, v=19$m=…,t=…,p=…$salt$hash");
  }
  if (parts[2] !== "v=19") throw new HashRefused("the argon2 version must be v=19");
  const { m, t, p } = params(parts[3], ["m", "t", "p"], "argon2");
  within("argon2 time (t)", t, bounds.argon2Time);
  within("argon2 memory (m, KiB)", m, bounds.argon2MemoryKiB);
  within("argon2 threads (p)", p, bounds.argon2Threads);
  atMost("argon2 memory × time (m·t, KiB)", m * t, bounds.argon2Work);
  // Below argon2's own minimums every verify would throw: refused here instead.
  if (m < 8 * p) throw new HashRefused(`argon2 memory (m, KiB) must be at least 8 a thread, ${8 * p} with p=${p}, not ${m}`);
  if (!B64.test(parts[4]) || !B64.test(parts[5])) throw new HashRefused("the argon2 salt and hash must be base64 without padding");
  if (Buffer.from(parts[4], "base64").length < 8) throw new HashRefused("the argon2 salt must be at least 8 bytes");
  if (Buffer.from(parts[5], "base64").length < 4) throw new HashRefused("the argon2 hash must be at least 4 bytes");
  // Native, on libuv's thread pool.
  return { family: "argon2", verify: (password) => argon2.verify(hash, password) };
}

/** passlib's `$scrypt$ln=…,r=…,p=…$salt$hash`, salt and hash in base64 without padding. */
function parseScrypt(hash: string, bounds: HashBounds): ParsedHash {
  const parts = hash.split("$");
  if (parts.length !== 5 || !B64.test(parts[3]) || !B64.test(parts[4]) || parts[4].length === 0) {
    throw new HashRefused("a scrypt hash is $scrypt$ln=…,r=…,p=…$salt$hash in base64");
  }
  const { ln, r, p } = params(parts[2], ["ln", "r", "p"], "scrypt");
  const salt = Buffer.from(parts[3], "base64");
  const expected = Buffer.from(parts[4], "base64");
  return scryptVerifier(bounds, ln, r, p, salt, (derived) => timingSafeEqual(derived, expected), expected.length);
}

/** The scrypt C library's `$7$`: N, r and p in crypt's base 64, the salt as written, the hash in crypt's base 64. */
function parseScrypt7(hash: string, bounds: HashBounds): ParsedHash {
  const match = /^\$7\$([./A-Za-z0-9])([./A-Za-z0-9]{5})([./A-Za-z0-9]{5})([^$]*)\$([./A-Za-z0-9]{43})$/.exec(hash);
  if (!match) throw new HashRefused("a $7$ scrypt hash is $7$, N, r and p in crypt's base 64, the salt, $ and 43 characters");
  const ln = ITOA64.indexOf(match[1]);
  const salt = Buffer.from(match[4], "utf8");
  return scryptVerifier(bounds, ln, decodeUint30(match[2]), decodeUint30(match[3]), salt, (derived) => encode64(derived) === match[5], 32);
}

function scryptVerifier(bounds: HashBounds, ln: number, r: number, p: number, salt: Buffer, matches: (derived: Buffer) => boolean, length: number): ParsedHash {
  within("scrypt cost (ln)", ln, bounds.scryptLn);
  within("scrypt parallelism (p)", p, bounds.scryptParallel);
  if (r < 1) throw new HashRefused("scrypt block size (r) must be at least 1");
  // OpenSSL refuses N ≥ 2^(16·r) (scrypt's own bound, N < 2^(128·r/8)): such a hash could never be verified.
  if (ln >= 16 * r) throw new HashRefused(`scrypt cost (ln) must be below 16·r, ${16 * r} with r=${r}, not ${ln}`);
  atMost("scrypt N·r·p", 2 ** ln * r * p, bounds.scryptWork);
  return {
    family: "scrypt",
    verify: (password) =>
      new Promise((resolve, reject) =>
        scrypt(password, salt, length, { N: 2 ** ln, r, p, maxmem: 128 * r * (2 ** ln + 2 + p) + 1024 }, (err, derived) =>
          err ? reject(err) : resolve(matches(derived)),
        ),
      ),
  };
}

/** Five characters of crypt's base 64, low six bits first. */
function decodeUint30(text: string): number {
  let value = 0;
  for (let i = 0; i < text.length; i++) value |= ITOA64.indexOf(text[i]) << (6 * i);
  return value;
}

/** crypt's base 64 of bytes, little-endian groups of three, as the scrypt C library writes it. */
function encode64(bytes: Buffer): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = Math.min(3, bytes.length - i);
    let value = 0;
    for (let j = 0; j < n; j++) value |= bytes[i + j] << (8 * j);
    for (let bits = 0; bits < n * 8; bits += 6, value >>>= 6) out += ITOA64[value & 0x3f];
  }
  return out;
}

const PBKDF2_DIGESTS: Record<string, string> = {
  "": "sha1",
  "-sha1": "sha1",
  "-sha224": "sha224",
  "-sha256": "sha256",
  "-sha384": "sha384",
  "-sha512": "sha512",
};
const DIGEST_BYTES: Record<string, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };
const AB64 = /^[A-Za-z0-9./]*$/;

/** passlib's `$pbkdf2[-shaNNN]$rounds$salt$hash`, salt and hash in its adapted base 64 ("." for "+"). */
function parsePbkdf2(hash: string, bounds: HashBounds): ParsedHash {
  const parts = hash.split("$");
  const digest = PBKDF2_DIGESTS[parts[1]?.slice("pbkdf2".length) ?? "x"];
  if (parts.length !== 5 || !parts[1].startsWith("pbkdf2") || !digest || !/^\d{1,10}$/.test(parts[2]) || !AB64.test(parts[3]) || !AB64.test(parts[4])) {
    throw new HashRefused("a pbkdf2 hash is $pbkdf2$ or $pbkdf2-sha224/256/384/512$, rounds$salt$hash in passlib's base 64");
  }
  const rounds = within("pbkdf2 rounds", Number(parts[2]), [1, bounds.pbkdf2Work]);
  const salt = Buffer.from(parts[3].replaceAll(".", "+"), "base64");
  const expected = Buffer.from(parts[4].replaceAll(".", "+"), "base64");
  if (expected.length === 0) throw new HashRefused("the pbkdf2 hash is empty");
  // A hash longer than one digest costs every round again for each further block.
  atMost("pbkdf2 rounds × blocks (the hash's length over the digest's)", rounds * Math.ceil(expected.length / DIGEST_BYTES[digest]), bounds.pbkdf2Work);
  return {
    family: "pbkdf2",
    verify: (password) =>
      new Promise((resolve, reject) =>
        pbkdf2(password, salt, rounds, expected.length, digest, (err, derived) => (err ? reject(err) : resolve(timingSafeEqual(derived, expected)))),
      ),
  };
}

function parseShaCrypt(hash: string, bounds: HashBounds): ParsedHash {
  const match = /^\$([56])\$(?:rounds=(\d{1,10})\$)?([^$]{0,16})\$([./A-Za-z0-9]+)$/.exec(hash);
  if (!match || match[4].length !== (match[1] === "5" ? 43 : 86)) {
    throw new HashRefused("a sha-crypt hash is $5$ or $6$, an optional rounds=N$, a salt of up to 16 characters, $ and the hash");
  }
  const rounds = match[2] === undefined ? undefined : within("sha-crypt rounds", Number(match[2]), bounds.shaCryptRounds);
  const variant = match[1] as "5" | "6";
  return {
    family: "sha-crypt",
    verify: async (password) => equalText(await crypts.compute({ variant, password, salt: match[3], rounds }), hash),
  };
}

function parseMd5Crypt(hash: string): ParsedHash {
  const match = /^\$1\$([^$]{0,8})\$[./A-Za-z0-9]{22}$/.exec(hash);
  if (!match) throw new HashRefused("an md5-crypt hash is $1$, a salt of up to 8 characters, $ and 22 characters");
  return { family: "md5-crypt", verify: async (password) => equalText(await crypts.compute({ variant: "1", password, salt: match[1] }), hash) };
}

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether a hash is other than bcrypt at `cost`: a successful sign-in stores a new one in its place. */
export function wantsUpgrade(hash: string, cost: number): boolean {
  const match = /^\$2[aby]\$(\d\d)\$/.exec(hash);
  return !match || Number(match[1]) !== cost;
}
