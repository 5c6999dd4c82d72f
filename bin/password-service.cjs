#!/usr/bin/env node
// CommonJS on purpose: libuv sizes and starts its thread pool on first use,
// and Node's ESM loader uses that pool to read files. Only a CommonJS entry
// runs before it, so only here can the pool be sized and its threads found.
"use strict";
const fs = require("node:fs");

// dist/ is built with its whitespace minified and inline source maps: a stack
// trace names the line of src/*.ts, not a column of dist/'s one long line.
process.setSourceMapsEnabled(true);
const os = require("node:os");

// See hashConcurrency in src/config.ts: a thread a core for bcrypt, one for
// the operation kept in reserve, and one that bcrypt never takes.
if (!process.env.UV_THREADPOOL_SIZE) {
  process.env.UV_THREADPOOL_SIZE = String(os.availableParallelism() + 2);
}

const { lowerPoolPriority } = require("./pool-priority.cjs");
const path = require("node:path");

const ROOT = path.join(__dirname, "..");
/** What `npm run build` makes from src/ and gen/ (npm ci runs it, as `prepare`). */
const COMPILED = path.join(ROOT, "dist/src/cli/main.js");

/** The newest modification time of any file under a folder. */
function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(file) : fs.statSync(file).mtimeMs);
  }
  return latest;
}

/**
 * Whether the compiled code is there and no source changed after it was
 * built. An installed package ships dist/ without src/: it runs as built.
 */
function compiledIsCurrent() {
  if (!fs.existsSync(path.join(ROOT, "src"))) return true;
  try {
    return fs.statSync(COMPILED).mtimeMs >= Math.max(newest(path.join(ROOT, "src")), newest(path.join(ROOT, "gen")));
  } catch {
    return false;
  }
}

/**
 * The compiled JavaScript starts in a fraction of the time tsx takes to
 * compile the sources. A source edited since the last build runs through
 * tsx instead, so that what runs is always what the sources say.
 */
function start() {
  if (compiledIsCurrent()) return import(COMPILED);
  return import("tsx/esm/api").then(({ register }) => {
    register();
    return import("../src/cli/main.ts");
  });
}

lowerPoolPriority(() =>
  start()
    .then((cli) => cli.runProcess())
    .catch((err) => {
      console.error(err);
      process.exit(1);
    }),
);
