import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { errors, type ServiceError } from "../src/core/errors.js";
import { EXPLANATIONS, explain } from "../src/web/explanations.js";
import { ROOT } from "./support/service.js";

/** Every error ID in the catalogue (src/core/errors.ts), each factory called with sample arguments. */
const catalogue = Object.values(errors).map((make) => (make as (...args: number[]) => ServiceError)(1, 1).id!).filter(Boolean);

/** Every string in src/ shaped like an error ID, wherever it is written. */
function idsInSource(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith(".ts") && !file.endsWith(path.join("web", "explanations.ts"))) {
        for (const m of fs.readFileSync(file, "utf8").matchAll(/"((?:AUTHZ|AUTH|COMMAND|DOMAIN|PWSVC|CODE|QUERY|SESSION)-[A-Za-z0-9]{4,6})"/g)) found.add(m[1]);
      }
    }
  };
  walk(path.join(ROOT, "src"));
  return found;
}

describe("the page's explanations", () => {
  it("has plain words for every error ID in the catalogue", () => {
    assert.ok(catalogue.length >= 30, `the catalogue has ${catalogue.length} IDs`);
    assert.deepEqual(catalogue.filter((id) => !EXPLANATIONS[id]), [], "IDs without an explanation");
    for (const id of catalogue) {
      const lines = explain(id, 3, "", { failedAttempts: 1 });
      assert.ok(lines.length > 0 && lines.every((l) => l.length > 10), id);
    }
  });

  it("knows no ID the catalogue lacks, and the source raises none outside it", () => {
    assert.deepEqual(Object.keys(EXPLANATIONS).filter((id) => !catalogue.includes(id)), [], "explained but never answered");
    const inSource = idsInSource();
    assert.ok(catalogue.every((id) => inSource.has(id)), "the scan finds the catalogue itself");
    assert.deepEqual([...inSource].filter((id) => !catalogue.includes(id)), [], "IDs written outside src/core/errors.ts's catalogue");
  });

  it("uses the policy's numbers and units when it has them", () => {
    const policy = { minLength: 15, maxLength: 64, unit: "characters" as const, historyCount: 4, maxPasswordAttempts: 5 };
    assert.deepEqual(explain("DOMAIN-HuJf6", 3, "", { policy, failedAttempts: 0 }), ["The new password is too short.", "It needs at least 15 characters."]);
    assert.match(explain("COMMAND-3M0fs", 3, "", { policy, failedAttempts: 3 }).join(" "), /locked after 2 more failed attempts/);
    assert.match(explain("PWSVC-HIS01", 9, "", { policy, failedAttempts: 0 }).join(" "), /last 4 passwords/);
  });

  it("explains answers without an ID by their code and message", () => {
    assert.deepEqual(explain(undefined, 3, "invalid UpdateMyPasswordRequest.OldPassword: value length must be at least 1 runes", { failedAttempts: 0 }), [
      "Fill in both your current and your new password.",
    ]);
    assert.match(explain(undefined, 16, "auth header missing", { failedAttempts: 0 }).join(" "), /token was not accepted/);
    const plain = (code: number, message = "") => explain(undefined, code, message, { failedAttempts: 0 }).join(" ");
    assert.match(plain(3, "invalid UpdateMyPasswordRequest.NewPassword: value length must be at most 72 bytes"), /too long: at most 72 bytes/);
    assert.match(plain(3, "invalid UpdateMyPasswordRequest: unknown field"), /not understood/);
    for (const code of [14, 2]) assert.match(plain(code), /could not be reached/, `code ${code}`);
    assert.match(plain(8), /busy right now/);
    assert.match(plain(13), /on the service's side/);
  });
});
