import type net from "node:net";
import { ConfigError } from "../config.js";

/**
 * Listens on the port a setting names. A port taken by another process, or
 * one below 1024 without the right, stops the start with a line that names
 * the setting to change, not only Node's "listen EADDRINUSE".
 */
export async function bindPort(server: net.Server, port: number, host: string | undefined, names: { setting: string; zero: string }): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
  } catch (err) {
    const { code } = err as NodeJS.ErrnoException;
    const fix = `(set ${names.setting}, or ${names.zero})`;
    if (code === "EADDRINUSE") throw new ConfigError(`${names.setting} ${port} is in use ${fix}`);
    if (code === "EACCES") throw new ConfigError(`${names.setting} ${port} needs privileges this process lacks ${fix}`);
    throw err;
  }
}
