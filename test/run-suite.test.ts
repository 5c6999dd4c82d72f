import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import ts from "typescript";
import { ROOT } from "./support/root.js";

/**
 * npm test's runner (test/support/run-suite.ts) runs the test files in
 * groups that share a process. What it answers, and what the files must
 * keep to for sharing to be safe.
 */
const RUNNER = path.join(ROOT, "dist/test/support/run-suite.js");
const FIXTURES = path.join(ROOT, "test/fixtures/suite");

async function runSuite(...files: string[]): Promise<{ code: number; stdout: string }> {
  try {
    // Without the test runner's NODE_TEST_CONTEXT, which would make the runner's own node --test report to this one.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const args = [RUNNER, ...files.map((file) => path.join(FIXTURES, file))];
    const { stdout } = await promisify(execFile)(process.execPath, args, { env });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

/** Every call at a file's top level (outside any function) of the names given. */
function topLevelCalls(file: string, names: Set<string>): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  return source.statements.flatMap((statement) => {
    if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression)) return [];
    const callee = statement.expression.expression;
    return ts.isIdentifier(callee) && names.has(callee.text) ? [`${path.basename(file)}: ${callee.text}`] : [];
  });
}

/** Every assignment to process.env's entries and every process.chdir, anywhere in the file. */
function processWideChanges(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const text = (expression: ts.Node) => expression.getText(source);
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && /^process\.env[.[]/.test(text(node.left))) {
      found.push(`${path.basename(file)}: ${text(node)}`);
    }
    if (ts.isCallExpression(node) && text(node.expression) === "process.chdir") found.push(`${path.basename(file)}: ${text(node)}`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function testSources(): string[] {
  const inDir = (dir: string) =>
    fs
      .readdirSync(path.join(ROOT, dir))
      .filter((name) => name.endsWith(".ts"))
      .map((name) => path.join(ROOT, dir, name));
  return [...inDir("test"), ...inDir("test/support")];
}

describe("npm test's runner", () => {
  it("runs every file given and exits 0 when all pass", async () => {
    const { code, stdout } = await runSuite("passes.mjs");
    assert.equal(code, 0);
    assert.match(stdout, /^ok \d+ - a suite that passes/m);
  });

  it("exits 1 when any file fails, and still runs the others", async () => {
    const { code, stdout } = await runSuite("passes.mjs", "fails.mjs");
    assert.equal(code, 1);
    assert.match(stdout, /^ok \d+ - a suite that passes/m);
    assert.match(stdout, /^not ok \d+ - a suite that fails/m);
  });

  it("finds no hook at a test file's top level: it would run before or after the file's whole group", () => {
    const hooks = new Set(["before", "after", "beforeEach", "afterEach"]);
    assert.deepEqual(
      testSources().flatMap((file) => topLevelCalls(file, hooks)),
      [],
    );
  });

  it("finds no test that sets the environment or the working directory of the process it shares", () => {
    assert.deepEqual(testSources().flatMap(processWideChanges), []);
  });
});
