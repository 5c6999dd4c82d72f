import path from "node:path";

/** The repository: two folders up, or three when `npm test` runs the suite compiled into dist/test/. */
export const ROOT = path.resolve(import.meta.dirname, import.meta.filename.endsWith(".js") ? "../../.." : "../..");
