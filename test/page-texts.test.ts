import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LANGUAGES } from "../src/core/messages.js";
import { LANGUAGE_NAMES, type PageTexts, type PolicyFacts, pageTexts, type Situation } from "../src/web/page-texts.js";

type Leaf = string | string[] | ((...args: never[]) => unknown);

/** Every leaf of a catalogue by its dotted path: a text, a list of lines or a function. */
function leaves(texts: PageTexts): Map<string, Leaf> {
  const found = new Map<string, Leaf>();
  const walk = (value: unknown, path: string) => {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    } else found.set(path, value as Leaf);
  };
  walk(texts, "");
  return found;
}

// Numbers no text of the catalogue writes by itself, so that finding one in an answer means the argument is in it.
const NAME = "zoë-login";
const policy = (unit: PolicyFacts["unit"]): PolicyFacts => ({ minLength: 13, maxLength: 71, unit, historyCount: 6, maxPasswordAttempts: 11 });
const SITUATIONS: Situation[] = [
  { failedAttempts: 7, policy: policy("bytes") },
  { failedAttempts: 7, policy: policy("characters") },
  { failedAttempts: 11, policy: policy("bytes") },
  { failedAttempts: 3 },
];
const NUMBERS = [3, 4, 6, 7, 11, 13, 17, 71];

/** The argument lists each function-valued text is called with. */
function samples(path: string): unknown[][] {
  if (path.startsWith("errors.")) return SITUATIONS.map((s) => [s]);
  const byPath: Record<string, unknown[][]> = {
    "change.signedInAs": [[NAME]],
    "rules.length": [
      [13, 71, "bytes"],
      [13, 71, "characters"],
    ],
    "rules.notRecent": [[6], [1], [22]],
    "rules.lockout": [[11], [1], [22]],
    "page.forgotRateLimited": [[17], [1], [22]],
  };
  assert.ok(byPath[path], `no sample arguments for the function at ${path}`);
  return byPath[path];
}

/** The arguments an answer shows: the name, and which of the sample numbers stand alone in it. */
function shown(answer: string): string[] {
  const numbers = NUMBERS.filter((n) => new RegExp(`(^|\\D)${n}(\\D|$)`).test(answer)).map(String);
  return answer.includes(NAME) ? [NAME, ...numbers] : numbers;
}

/** A text left untranslated on purpose: the same word in that language. */
const SAME_AS_ENGLISH = new Set(["it labels.password"]);

describe("the page's catalogue in every language", () => {
  const english = leaves(pageTexts("en"));

  it("has every key of the English catalogue and no other, in every language", () => {
    for (const language of LANGUAGES) {
      assert.deepEqual([...leaves(pageTexts(language)).keys()].sort(), [...english.keys()].sort(), language);
    }
  });

  it("has no empty text, and no text left in English", () => {
    for (const language of LANGUAGES) {
      for (const [path, leaf] of leaves(pageTexts(language))) {
        const source = english.get(path)!;
        assert.equal(typeof leaf, typeof source, `${language} ${path}`);
        if (typeof leaf === "function") continue;
        const lines = [leaf].flat();
        assert.equal(lines.length, [source].flat().length, `${language} ${path}: as many lines as English`);
        for (const line of lines) assert.ok(line.trim().length > 0, `${language} ${path} is empty`);
        if (language !== "en" && !SAME_AS_ENGLISH.has(`${language} ${path}`)) assert.notDeepEqual(leaf, source, `${language} ${path} is English`);
      }
    }
  });

  it("answers every function-valued text with words that show the same arguments as English's", () => {
    for (const [path, englishLeaf] of english) {
      if (typeof englishLeaf !== "function") continue;
      for (const args of samples(path)) {
        const expected = [englishLeaf(...(args as never[]))].flat() as string[];
        for (const language of LANGUAGES) {
          const fn = leaves(pageTexts(language)).get(path) as (...a: unknown[]) => unknown;
          const answer = [fn(...args)].flat();
          const where = `${language} ${path}(${JSON.stringify(args)})`;
          assert.equal(answer.length, expected.length, `${where}: as many lines as English`);
          for (const line of answer) {
            assert.ok(typeof line === "string" && line.trim().length > 0, `${where}: ${String(line)}`);
            assert.doesNotMatch(line, /undefined|NaN|\[object/, where);
          }
          if (language !== "en") assert.notDeepEqual(answer, expected, `${where} is English`);
          // A count of 1 may be written as a word ("your last password"); any other count is shown as given.
          if (!args.includes(1)) assert.deepEqual(shown(answer.join(" ")), shown(expected.join(" ")), `${where}: ${answer.join(" ")}`);
        }
      }
    }
  });

  it("counts in each language's plural forms", () => {
    assert.match(pageTexts("en").page.forgotRateLimited(1)[0], /Wait 1 minute, then/);
    const polish = pageTexts("pl").page.forgotRateLimited;
    assert.deepEqual(
      [1, 2, 5, 22].map((n) => /Odczekaj (\d+ \S+)/.exec(polish(n)[0])![1]),
      ["1 minutę", "2 minuty", "5 minut", "22 minuty"],
    );
    assert.match(pageTexts("de").rules.notRecent(1), /^Nicht Ihr letztes Passwort/);
    assert.match(pageTexts("de").rules.notRecent(4), /^Nicht eines Ihrer letzten 4 Passwörter/);
    assert.match(pageTexts("fr").rules.lockout(1), /1 mot de passe erroné\./);
  });

  it("names every language in the menu, each once, in its own words", () => {
    assert.deepEqual(Object.keys(LANGUAGE_NAMES).sort(), [...LANGUAGES].sort());
    const names = Object.values(LANGUAGE_NAMES);
    assert.ok(names.every((n) => n.trim().length > 0));
    assert.equal(new Set(names).size, names.length);
  });
});
