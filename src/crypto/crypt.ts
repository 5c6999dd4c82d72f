// The Unix crypt families that imported hashes may use and that neither
// node:crypto nor a maintained native package computes: MD5-crypt (`$1$`,
// Poul-Henning Kamp's) and SHA-crypt (`$5$`, `$6$`, Ulrich Drepper's
// specification). Each costs many digest calls, so they run in worker
// threads (see crypt-pool.ts), never on the event loop.
import { createHash } from "node:crypto";

/** crypt(3)'s base-64 alphabet. */
export const ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** crypt(3)'s encoding: each group of three bytes, the first the most significant, as four characters, low bits first. */
function encodeGroups(bytes: Uint8Array, groups: number[][], tail: [number[], number]): string {
  let out = "";
  const put = (b2: number, b1: number, b0: number, n: number) => {
    let w = (b2 << 16) | (b1 << 8) | b0;
    for (let i = 0; i < n; i++, w >>= 6) out += ITOA64[w & 0x3f];
  };
  for (const [a, b, c] of groups) put(bytes[a], bytes[b], bytes[c], 4);
  const [[a, b, c], n] = tail;
  put(a < 0 ? 0 : bytes[a], b < 0 ? 0 : bytes[b], bytes[c], n);
  return out;
}

const MD5_GROUPS = [
  [0, 6, 12],
  [1, 7, 13],
  [2, 8, 14],
  [3, 9, 15],
  [4, 10, 5],
];

/** MD5-crypt: `$1$salt$hash`, 1000 rounds, a salt of at most 8 characters. */
export function md5Crypt(password: Buffer, salt: string): string {
  const s = Buffer.from(salt.slice(0, 8), "latin1");
  const alt = createHash("md5").update(password).update(s).update(password).digest();
  const ctx = createHash("md5").update(password).update("$1$").update(s);
  for (let left = password.length; left > 0; left -= 16) ctx.update(alt.subarray(0, Math.min(left, 16)));
  for (let i = password.length; i > 0; i >>= 1) ctx.update(i & 1 ? Buffer.of(0) : password.subarray(0, 1));
  let final = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const round = createHash("md5");
    round.update(i & 1 ? password : final);
    if (i % 3) round.update(s);
    if (i % 7) round.update(password);
    round.update(i & 1 ? final : password);
    final = round.digest();
  }
  return `$1$${salt.slice(0, 8)}$${encodeGroups(final, MD5_GROUPS, [[-1, -1, 11], 2])}`;
}

const SHA256_GROUPS = [
  [0, 10, 20],
  [21, 1, 11],
  [12, 22, 2],
  [3, 13, 23],
  [24, 4, 14],
  [15, 25, 5],
  [6, 16, 26],
  [27, 7, 17],
  [18, 28, 8],
  [9, 19, 29],
];
const SHA512_GROUPS = [
  [0, 21, 42],
  [22, 43, 1],
  [44, 2, 23],
  [3, 24, 45],
  [25, 46, 4],
  [47, 5, 26],
  [6, 27, 48],
  [28, 49, 7],
  [50, 8, 29],
  [9, 30, 51],
  [31, 52, 10],
  [53, 11, 32],
  [12, 33, 54],
  [34, 55, 13],
  [56, 14, 35],
  [15, 36, 57],
  [37, 58, 16],
  [59, 17, 38],
  [18, 39, 60],
  [40, 61, 19],
  [62, 20, 41],
];

/** SHA-crypt's default rounds, and its bounds: a `rounds=` outside them is clamped, as the specification says. */
export const SHA_CRYPT_DEFAULT_ROUNDS = 5000;
const SHA_CRYPT_MIN_ROUNDS = 1000;
const SHA_CRYPT_MAX_ROUNDS = 999_999_999;

/** `n` bytes of `block` repeated. */
function repeated(block: Buffer, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i += block.length) block.copy(out, i, 0, Math.min(block.length, n - i));
  return out;
}

/**
 * SHA-crypt: `$5$` (SHA-256) or `$6$` (SHA-512), with `rounds=N$` when the
 * rounds are not the default, a salt of at most 16 characters.
 */
export function shaCrypt(variant: "5" | "6", password: Buffer, salt: string, rounds: number | undefined): string {
  const alg = variant === "5" ? "sha256" : "sha512";
  const size = variant === "5" ? 32 : 64;
  const n = rounds === undefined ? SHA_CRYPT_DEFAULT_ROUNDS : Math.min(SHA_CRYPT_MAX_ROUNDS, Math.max(SHA_CRYPT_MIN_ROUNDS, rounds));
  const s = Buffer.from(salt.slice(0, 16), "latin1");
  const b = createHash(alg).update(password).update(s).update(password).digest();
  const a = createHash(alg).update(password).update(s);
  a.update(repeated(b, password.length));
  for (let i = password.length; i > 0; i >>= 1) a.update(i & 1 ? b : password);
  let c = a.digest();
  const dp = createHash(alg);
  for (let i = 0; i < password.length; i++) dp.update(password);
  const p = repeated(dp.digest(), password.length);
  const ds = createHash(alg);
  for (let i = 0; i < 16 + c[0]; i++) ds.update(s);
  const sBytes = repeated(ds.digest(), s.length);
  for (let r = 0; r < n; r++) {
    const round = createHash(alg);
    round.update(r & 1 ? p : c);
    if (r % 3) round.update(sBytes);
    if (r % 7) round.update(p);
    round.update(r & 1 ? c : p);
    c = round.digest();
  }
  const encoded = size === 32 ? encodeGroups(c, SHA256_GROUPS, [[-1, 31, 30], 3]) : encodeGroups(c, SHA512_GROUPS, [[-1, -1, 63], 2]);
  const prefix = rounds === undefined ? "" : `rounds=${n}$`;
  return `$${variant}$${prefix}${salt.slice(0, 16)}$${encoded}`;
}
