/**
 * A node:test reporter for run-suite.ts: a line "file<TAB>milliseconds" for
 * each top-level test or suite that ends, so that the next run can balance
 * its groups by each file's time.
 */
import type { TestEvent } from "node:test/reporters";

export default async function* durations(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { nesting, file, details } = event.data;
    if (nesting === 0 && file) yield `${file}\t${details.duration_ms}\n`;
  }
}
