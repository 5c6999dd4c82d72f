import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { type ErrorKind, errors, ServiceError } from "../src/core/errors.js";
import { explain } from "../src/web/explanations.js";
import { pageTexts } from "../src/web/page-texts.js";
import { ROOT } from "./support/service.js";

/** Every error ID in the catalogue (src/core/errors.ts), each factory called with sample arguments. */
const catalogue = Object.values(errors)
  .map((make) => (make as (...args: number[]) => ServiceError)(1, 1).id!)
  .filter(Boolean);

/** Every string in src/ shaped like an error ID, wherever it is written. */
function idsInSource(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith(".ts")) {
        for (const m of fs.readFileSync(file, "utf8").matchAll(/"((?:AUTHZ|AUTH|COMMAND|DOMAIN|PWSVC|CODE|QUERY|SESSION)-[A-Za-z0-9]{4,6})"/g)) found.add(m[1]);
      }
    }
  };
  walk(path.join(ROOT, "src"));
  return found;
}

describe("the page's explanations", () => {
  const en = pageTexts("en");

  it("has plain words for every error ID in the catalogue", () => {
    assert.ok(catalogue.length >= 30, `the catalogue has ${catalogue.length} IDs`);
    assert.deepEqual(
      catalogue.filter((id) => !(id in en.errors)),
      [],
      "IDs without an explanation",
    );
    for (const make of Object.values(errors)) {
      const err = (make as (...args: number[]) => ServiceError)(1, 1);
      if (!err.id) continue;
      const lines = explain(en, err);
      assert.ok(lines.length > 0 && lines.every((l) => l.length > 10), err.id);
    }
  });

  it("knows no ID the catalogue lacks, and the source raises none outside it", () => {
    assert.deepEqual(
      Object.keys(en.errors).filter((id) => !catalogue.includes(id)),
      [],
      "explained but never answered",
    );
    const inSource = idsInSource();
    assert.ok(
      catalogue.every((id) => inSource.has(id)),
      "the scan finds the catalogue itself",
    );
    assert.deepEqual(
      [...inSource].filter((id) => !catalogue.includes(id)),
      [],
      "IDs written outside src/core/errors.ts's catalogue",
    );
  });

  it("uses the policy's numbers and units when it has them", () => {
    const policy = { minLength: 15, maxLength: 64, unit: "characters" as const, historyCount: 4, maxPasswordAttempts: 5 };
    assert.deepEqual(explain(en, errors.tooShort(), policy), ["The new password is too short.", "It needs at least 15 characters."]);
    assert.match(
      explain(en, errors.passwordInvalid(3), policy).join(" "),
      /Failed attempts so far: 3\. Your account will be locked after 2 more failed attempts/,
    );
    assert.match(explain(en, errors.passwordInvalid(5), policy).join(" "), /now locked/);
    assert.match(explain(en, errors.usedBefore(), policy).join(" "), /last 4 passwords/);
  });

  it("explains refusals without an ID by their kind and message", () => {
    const plain = (kind: ErrorKind, message = "") => explain(en, new ServiceError(kind, undefined, message)).join(" ");
    assert.equal(plain("invalid-argument", "value length must be at least 1 runes"), "Fill in every field.");
    assert.match(plain("invalid-argument", "value length must be at most 72 bytes"), /too long: at most 72 bytes/);
    assert.match(plain("unauthenticated"), /Sign in again/);
    assert.match(plain("resource-exhausted"), /busy right now/);
    assert.match(plain("unavailable"), /cannot answer right now/);
    assert.match(plain("internal"), /on the service's side/);
  });
});
