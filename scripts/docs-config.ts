// Writes docs/configuration.md's table of variables from src/config/settings.ts;
// test/config-docs.test.ts fails while the committed document differs.
import fs from "node:fs";
import { withConfigurationTable } from "../src/config/describe.js";

const file = new URL("../docs/configuration.md", import.meta.url);
fs.writeFileSync(file, withConfigurationTable(fs.readFileSync(file, "utf8")));
