/**
 * The physical limit, with no server: how many verify-plus-hash pairs per
 * second this machine does with every core busy, and how long one bcrypt
 * operation takes with nothing else running, and the CPU one pair costs.
 * Run as its own process with UV_THREADPOOL_SIZE set to the core count.
 * Prints JSON.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import bcrypt from "bcrypt";

const [cost, seconds] = process.argv.slice(2).map(Number);
const password = "Bound-Passw0rd-1!";
const hash = await bcrypt.hash(password, cost);

const samples: number[] = [];
for (let i = 0; i < 15; i++) {
  const t = performance.now();
  await bcrypt.compare(password, hash);
  samples.push(performance.now() - t);
}
samples.sort((a, b) => a - b);

const cores = os.availableParallelism();
let pairs = 0;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const deadline = started + seconds * 1000;
await Promise.all(
  Array.from({ length: cores }, async () => {
    while (performance.now() < deadline) {
      await bcrypt.compare(password, hash);
      await bcrypt.hash(password, cost);
      pairs++;
    }
  }),
);
const wall = (performance.now() - started) / 1000;
// CPU of every thread of this process (libuv's pool, where bcrypt runs, among them) for each pair.
const cpu = process.cpuUsage(cpuBefore);
const pairCpuMs = (cpu.user + cpu.system) / 1000 / pairs;
console.log(JSON.stringify({ cores, pairsPerSecond: pairs / wall, opMs: samples[7], pairCpuMs }));
