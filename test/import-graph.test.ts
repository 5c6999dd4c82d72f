import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";
import { ROOT } from "./support/root.js";

/**
 * The direction of imports between the parts of src/, read from the code
 * itself (TypeScript's own pre-parser, type-only and dynamic imports
 * included): the core imports none of its adapters, and no two parts import
 * each other, however far round.
 */
const SRC = path.join(ROOT, "src");

/** One import of one file: where it is, and the file of src/ it names. */
interface Import {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** The imports of src/ that name a file of src/ (packages and gen/ are not parts). */
function importsOfSrc(): Import[] {
  return sourceFiles(SRC).flatMap((file) => {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
    return importedFiles
      .map((ref) => ref.fileName)
      .filter((name) => name.startsWith("."))
      .map((name) => path.resolve(path.dirname(file), name.replace(/\.js$/, ".ts")))
      .filter((to) => to.startsWith(SRC + path.sep))
      .map((to) => ({ from: file, to }));
  });
}

/** The part of src/ a file belongs to: its folder, or the file itself at the top (app.ts, config.ts). */
function partOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0];
}

function relative(file: string): string {
  return path.relative(path.dirname(SRC), file);
}

/** Part to part, each edge with one import that makes it, to name in a failure. */
function partGraph(imports: Import[]): Map<string, Map<string, Import>> {
  const graph = new Map<string, Map<string, Import>>();
  for (const imp of imports) {
    const [from, to] = [partOf(imp.from), partOf(imp.to)];
    if (!graph.has(from)) graph.set(from, new Map());
    if (from !== to && !graph.get(from)!.has(to)) graph.get(from)!.set(to, imp);
  }
  return graph;
}

/**
 * The tangles of parts: each set of two or more parts that all reach each
 * other through imports (Tarjan's strongly connected components).
 */
function tangles(graph: Map<string, Map<string, Import>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (part: string): void => {
    index.set(part, index.size);
    low.set(part, index.get(part)!);
    stack.push(part);
    for (const next of graph.get(part)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(part, Math.min(low.get(part)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(part, Math.min(low.get(part)!, index.get(next)!));
      }
    }
    if (low.get(part) !== index.get(part)) return;
    const tangle = stack.splice(stack.indexOf(part));
    if (tangle.length > 1) found.push(tangle.sort());
  };
  for (const part of [...graph.keys()].sort()) if (!index.has(part)) visit(part);
  return found;
}

/** A tangle, with one import for each arrow between its parts. */
function describeTangle(graph: Map<string, Map<string, Import>>, tangle: string[]): string {
  const arrows = tangle.flatMap((from) =>
    [...(graph.get(from) ?? [])]
      .filter(([to]) => tangle.includes(to))
      .map(([to, imp]) => `  ${from} -> ${to}: ${relative(imp.from)} imports ${relative(imp.to)}`),
  );
  return `${tangle.join(", ")}:\n${arrows.join("\n")}`;
}

describe("the import graph of src/", () => {
  const imports = importsOfSrc();
  const graph = partGraph(imports);

  it("is read from the code: the layers' own imports are found", () => {
    // Without these the other tests would pass on a parser that reads nothing.
    for (const [from, to] of [
      ["http", "api"],
      ["api", "core"],
      ["store", "core"],
      ["cli", "store"],
    ]) {
      assert.ok(graph.get(from)?.has(to), `no import of ${to}/ found in ${from}/`);
    }
  });

  it("the core imports nothing of its adapters, nor the configuration or the wiring", () => {
    const outward = imports.filter((imp) => partOf(imp.from) === "core" && partOf(imp.to) !== "core");
    assert.deepEqual(
      outward.map((imp) => `${relative(imp.from)} imports ${relative(imp.to)}`),
      [],
      "src/core names what it needs as interfaces of its own (ports), which the adapters implement",
    );
  });

  it("has no loop between parts", () => {
    const found = tangles(graph);
    assert.equal(found.length, 0, `parts that import each other, however far round:\n${found.map((tangle) => describeTangle(graph, tangle)).join("\n")}`);
  });
});
