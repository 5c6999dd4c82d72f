import os from "node:os";
import { Worker } from "node:worker_threads";
import type { CryptTask } from "./crypt-worker.js";

/**
 * Starts a worker on the TypeScript sources, as bin/password-service.cjs
 * starts the process when they are newer than the build: tsx registered
 * first, then the module.
 */
const BOOT = `
const { workerData } = require("node:worker_threads");
import(workerData.tsx).then(({ register }) => { register(); return import(workerData.entry); });
`;

/**
 * Worker threads that compute MD5-crypt and SHA-crypt hashes, one per core
 * at most, started on first use. Their callers are already admitted and
 * counted by the hash pool; this only keeps the work off the event loop.
 * Idle workers do not keep the process alive.
 */
export class CryptPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: { task: CryptTask; resolve(hash: string): void; reject(err: unknown): void }[] = [];
  /** Each busy worker's task. */
  private readonly busy = new Map<Worker, { resolve(hash: string): void; reject(err: unknown): void }>();
  private started = 0;

  constructor(private readonly size = os.availableParallelism()) {}

  /** The crypt string of the password with the salt and rounds given. */
  compute(task: CryptTask): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.start() : undefined);
      if (!worker) return;
      const { task, resolve, reject } = this.waiting.shift()!;
      this.busy.set(worker, { resolve, reject });
      worker.ref();
      worker.postMessage(task);
    }
  }

  private start(): Worker {
    this.started++;
    // Compiled (dist/), the worker's own compiled module; from the sources, through tsx.
    const worker = import.meta.url.endsWith(".js")
      ? new Worker(new URL("./crypt-worker.js", import.meta.url))
      : new Worker(BOOT, {
          eval: true,
          workerData: { tsx: import.meta.resolve("tsx/esm/api"), entry: new URL("./crypt-worker.ts", import.meta.url).href },
        });
    worker.on("message", (hash: string) => {
      this.busy.get(worker)?.resolve(hash);
      this.busy.delete(worker);
      worker.unref();
      this.idle.push(worker);
      this.dispatch();
    });
    worker.on("error", (err) => {
      // A worker that fails takes its task with it; a new one is started for the next.
      this.busy.get(worker)?.reject(err);
      this.busy.delete(worker);
      this.started--;
      this.dispatch();
    });
    return worker;
  }
}
