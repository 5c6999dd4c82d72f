/**
 * `npm run bench:hash-bounds`: how long one verify of an imported hash takes
 * here at the bounds of HASH_BOUNDS (the slowest hashes the import lets in)
 * and at a common real-world setting, one verify at a time, median of 3.
 * The figure is the CPU time the process spent (every thread: the verify
 * runs on libuv's pool or a worker while the event loop waits), which other
 * work on a shared machine moves much less than the wall time shown beside it.
 * The worst cases are verified with the longest password a request may
 * carry (OLD_PASSWORD_MAX_BYTES): sha-crypt and md5-crypt hash the password
 * again in every round; the other families' cost does not depend on it.
 * Each hash is made here, parsed with the import's own bounds (so it is one
 * the import accepts) and must verify. Writes bench/results/hash-bounds.md,
 * the table in docs/importing-users.md.
 */
import { pbkdf2Sync, randomBytes, scryptSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import argon2 from "argon2";
import bcrypt from "bcrypt";
import { OLD_PASSWORD_MAX_BYTES } from "../src/api/change-endpoint.js";
import { md5Crypt, shaCrypt } from "../src/crypto/crypt.js";
import { HASH_BOUNDS, parseHash } from "../src/crypto/imported-hash.js";
import { ROOT } from "./shared.js";

/** A hash to time: what its parameters are, and how to make one for a password. */
interface Setting {
  label: string;
  make(password: string): Promise<string> | string;
}

/** A table row: a family's bound, the settings at that bound, and a real-world one. */
interface Row {
  family: string;
  bound: string;
  worst: Setting[];
  typical: Setting;
}

const LONGEST = "x".repeat(OLD_PASSWORD_MAX_BYTES);
const ORDINARY = "Correct-Horse-7!";
const B = HASH_BOUNDS;

const b64 = (bytes: Buffer) => bytes.toString("base64").replace(/=+$/, "");
/** passlib's adapted base 64: "." for "+", no padding. */
const ab64 = (bytes: Buffer) => b64(bytes).replaceAll("+", ".");

function bcryptAt(cost: number, who = ""): Setting {
  // bcrypt reads 72 bytes; the verify cuts the password there too.
  return { label: `cost ${cost}${who}`, make: (pw) => bcrypt.hash(Buffer.from(pw).subarray(0, 72).toString(), cost) };
}

function argon2At(m: number, t: number, p: number, who = ""): Setting {
  return {
    label: `m=${m} KiB, t=${t}, p=${p}${who}`,
    make: (pw) => argon2.hash(pw, { type: argon2.argon2id, memoryCost: m, timeCost: t, parallelism: p }),
  };
}

function scryptAt(ln: number, r: number, p: number, who = ""): Setting {
  return {
    label: `ln=${ln}, r=${r}, p=${p}${who}`,
    make: (pw) => {
      const salt = randomBytes(16);
      const derived = scryptSync(pw, salt, 32, { N: 2 ** ln, r, p, maxmem: 128 * r * (2 ** ln + 2 + p) + 1024 });
      return `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(derived)}`;
    },
  };
}

function pbkdf2At(digest: string, rounds: number, bytes: number, who = ""): Setting {
  return {
    label: `${digest}, ${rounds.toLocaleString("en")} rounds, ${bytes}-byte hash${who}`,
    make: (pw) => {
      const salt = randomBytes(16);
      return `$pbkdf2-${digest}$${rounds}$${ab64(salt)}$${ab64(pbkdf2Sync(pw, salt, rounds, bytes, digest))}`;
    },
  };
}

function shaCryptAt(variant: "5" | "6", rounds: number, who = ""): Setting {
  return { label: `$${variant}$ rounds=${rounds.toLocaleString("en")}${who}`, make: (pw) => shaCrypt(variant, Buffer.from(pw), "saltsaltsaltsalt", rounds) };
}

const argon2Memory = B.argon2MemoryKiB[1];
const scryptWorkLn = Math.log2(B.scryptWork);

const ROWS: Row[] = [
  {
    family: "bcrypt",
    bound: `cost ${B.bcryptCost[0]} to ${B.bcryptCost[1]}`,
    worst: [bcryptAt(B.bcryptCost[1])],
    typical: bcryptAt(14, " (ZITADEL's default)"),
  },
  {
    family: "argon2",
    bound: `m at most ${argon2Memory} KiB, t at most ${B.argon2Time[1]}, m·t at most ${B.argon2Work} KiB, p at most ${B.argon2Threads[1]}`,
    // The corners of m·t: all the memory fewer times, or less memory the most times. One thread: the slowest.
    worst: [argon2At(argon2Memory, B.argon2Work / argon2Memory, 1), argon2At(Math.floor(B.argon2Work / B.argon2Time[1]), B.argon2Time[1], 1)],
    typical: argon2At(65536, 3, 4, " (RFC 9106's second choice)"),
  },
  {
    family: "scrypt",
    bound: `ln ${B.scryptLn[0]} to ${B.scryptLn[1]}, N·r·p at most 2^${scryptWorkLn}, p at most ${B.scryptParallel[1]}, ln below 16·r`,
    // The corners of N·r·p: r 8 (everyone's), the highest ln, and the most p.
    worst: [scryptAt(scryptWorkLn - 3, 8, 1), scryptAt(B.scryptLn[1], 2 ** (scryptWorkLn - B.scryptLn[1]), 1), scryptAt(B.scryptLn[0], 8, B.scryptParallel[1])],
    typical: scryptAt(17, 8, 1, " (OWASP's)"),
  },
  {
    family: "pbkdf2",
    bound: `rounds × blocks at most ${B.pbkdf2Work.toLocaleString("en")}`,
    // SHA-512 is the slowest a round; SHA-1 with a hash of two blocks the cheapest digest at the bound.
    worst: [pbkdf2At("sha512", B.pbkdf2Work, 64), pbkdf2At("sha1", B.pbkdf2Work / 2, 40)],
    typical: pbkdf2At("sha256", 600_000, 32, " (OWASP's)"),
  },
  {
    family: "sha-crypt",
    bound: `rounds ${B.shaCryptRounds[0].toLocaleString("en")} to ${B.shaCryptRounds[1].toLocaleString("en")}`,
    worst: [shaCryptAt("6", B.shaCryptRounds[1]), shaCryptAt("5", B.shaCryptRounds[1])],
    typical: shaCryptAt("6", 656_000, " (passlib's default)"),
  },
  {
    family: "md5-crypt",
    bound: "(fixed: 1000 rounds)",
    worst: [{ label: "1000 rounds", make: (pw) => md5Crypt(Buffer.from(pw), "saltsalt") }],
    typical: { label: "1000 rounds", make: (pw) => md5Crypt(Buffer.from(pw), "saltsalt") },
  },
];

/** Three verifies of a hash made for the password: the median CPU and wall times, in seconds, as "CPU s (wall s)". */
async function timeVerify(setting: Setting, password: string): Promise<string> {
  const parsed = parseHash(await setting.make(password));
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const before = process.cpuUsage();
    const ok = await parsed.verify(password);
    const used = process.cpuUsage(before);
    wall.push((performance.now() - started) / 1000);
    cpu.push((used.user + used.system) / 1e6);
    if (!ok) throw new Error(`${setting.label}: the hash made for the password does not verify`);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[1].toFixed(2);
  return `${median(cpu)} s (${median(wall)} s)`;
}

// The crypt families' worker thread starts on first use: started here, not timed.
await parseHash(md5Crypt(Buffer.from(ORDINARY), "warmup")).verify(ORDINARY);
const lines: string[] = [];
for (const row of ROWS) {
  const typical = await timeVerify(row.typical, ORDINARY);
  for (const [i, setting] of row.worst.entries()) {
    const worst = await timeVerify(setting, LONGEST);
    const line = `| ${i === 0 ? row.family : ""} | ${i === 0 ? row.bound : ""} | ${setting.label} | ${worst} | ${i === 0 ? row.typical.label : ""} | ${i === 0 ? typical : ""} |`;
    process.stderr.write(`${line}\n`);
    lines.push(line);
  }
}
const load = os.loadavg()[0].toFixed(2);
const text = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus()[0]?.model} (${os.availableParallelism()} cores, Node ${process.version}, load average ${load} at the end) with \`npm run bench:hash-bounds\`: one verify at a time, median of 3, CPU time (wall time); the worst cases with a password of ${OLD_PASSWORD_MAX_BYTES} bytes, the real-world ones with one of ${ORDINARY.length}.`,
  "",
  "| family | bound | worst allowed | its verify: CPU (wall) | real-world | its verify: CPU (wall) |",
  "|---|---|---|---|---|---|",
  ...lines,
  "",
].join("\n");
fs.writeFileSync(path.join(ROOT, "bench/results/hash-bounds.md"), text);
process.stdout.write(text);
