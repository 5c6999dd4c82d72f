#!/usr/bin/env node
// CommonJS on purpose: libuv sizes its thread pool on first use, and Node's
// ESM loader uses that pool to read files. Only a CommonJS entry runs before
// it, so only here can the pool be sized to the CPU count for bcrypt.
"use strict";
const os = require("node:os");

if (!process.env.UV_THREADPOOL_SIZE) {
  process.env.UV_THREADPOOL_SIZE = String(os.availableParallelism());
}
// tsx runs the TypeScript sources directly: no build step after `npm ci`.
import("tsx/esm/api")
  .then(({ register }) => {
    register();
    return import("../src/cli.ts");
  })
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
