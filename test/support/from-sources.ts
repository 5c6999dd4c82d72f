/** `node --import tsx test/support/from-sources.ts ARGS`: the command line from src/, as bin/ runs it when a source is newer than dist/. */
import { runProcess } from "../../src/cli/main.js";

await runProcess();
