// A worker thread of the crypt pool: computes one MD5-crypt or SHA-crypt at a time.
import { parentPort } from "node:worker_threads";
import { md5Crypt, shaCrypt } from "./crypt.js";

export interface CryptTask {
  variant: "1" | "5" | "6";
  password: string;
  salt: string;
  rounds?: number;
}

parentPort!.on("message", (task: CryptTask) => {
  const password = Buffer.from(task.password, "utf8");
  const hash = task.variant === "1" ? md5Crypt(password, task.salt) : shaCrypt(task.variant, password, task.salt, task.rounds);
  parentPort!.postMessage(hash);
});
