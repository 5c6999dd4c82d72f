"use strict";
// CommonJS, and required before anything else starts libuv's thread pool:
// see bin/password-service.cjs. bench/floor-server.cjs uses it too.
const fs = require("node:fs");
const os = require("node:os");

/** The lowest priority: the pool's threads get every core nothing else wants. */
const POOL_NICE = 19;

/**
 * bcrypt runs on libuv's pool. Below the event loop's priority, a hash never
 * makes a request that needs no hash wait for a core, and on its own it
 * still gets every core. Linux sets a nice value per thread; the pool's
 * threads are the tasks that its first job starts.
 */
function lowerPoolPriority(then) {
  const tasks = () => fs.readdirSync("/proc/self/task");
  let before;
  try {
    before = new Set(tasks());
  } catch {
    return then(); // not Linux: every thread at the same priority
  }
  fs.stat(__filename, () => {
    try {
      for (const tid of tasks()) if (!before.has(tid)) os.setPriority(Number(tid), POOL_NICE);
    } catch {
      // A sandbox that forbids setpriority: the service runs as well, only less responsive when saturated.
    }
    then();
  });
}

module.exports = { lowerPoolPriority };
