import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import { after, before, describe, it } from "node:test";
import { Service } from "./support/service.js";

// bin/password-service.cjs sizes libuv's pool and lowers its threads'
// priority before anything else runs: a property of the process it starts.
describe("the thread pool of the process bin/password-service.cjs starts", () => {
  let service: Service;
  before(async () => {
    service = await Service.spawn();
  });
  after(() => service.stop());

  it("keeps every core busy with bcrypt, with one thread of the pool left for the rest", () => {
    const started = JSON.parse(service.logs.find((l) => l.includes('"msg":"listening'))!);
    assert.equal(started.hashConcurrency, os.availableParallelism());
    assert.equal(started.threadPoolSize, os.availableParallelism() + 2);
  });

  it("runs the thread pool, where bcrypt works, below the event loop's priority", { skip: process.platform !== "linux" }, () => {
    // Field 19 of /proc/PID/task/TID/stat is the thread's nice value.
    const nice = (tid: string) => Number(fs.readFileSync(`/proc/${service.pid}/task/${tid}/stat`, "utf8").split(") ")[1].split(" ")[16]);
    const tasks = fs.readdirSync(`/proc/${service.pid}/task`);
    assert.equal(nice(String(service.pid)), 0, "the event loop's thread");
    assert.equal(tasks.filter((tid) => nice(tid) === 19).length, os.availableParallelism() + 2, "the pool's threads");
  });
});
