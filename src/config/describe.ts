import { SETTINGS, type Setting } from "./settings.js";

const entries = () => Object.entries(SETTINGS) as [string, Setting<unknown>][];

/** Markdown as a terminal shows it: no backticks, a link's text alone. */
function plain(markdown: string): string {
  return markdown.replaceAll("`", "").replace(/\[([^\]]+)\]\([^)]+\)/g, "$1");
}

/** Words in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** Every variable as `serve --help` prints it: its name and what it does, then a line of its default and what it accepts. */
export function environmentHelp(): string {
  const indent = Math.max(...entries().map(([name]) => name.length)) + 4;
  return entries()
    .map(([name, s]) => {
      const [first, ...more] = [...wrap(plain(s.doc), 100 - indent), plain(`default: ${s.default}; accepts: ${s.accepts}`)];
      return [`  ${name.padEnd(indent - 2)}${first}`, ...more.map((line) => " ".repeat(indent) + line)].join("\n");
    })
    .join("\n");
}

export const TABLE_START = "<!-- the table below is written by `npm run docs:config` from src/config/settings.ts: edit it there -->";
export const TABLE_END = "<!-- end of the written table -->";

/** Every variable as docs/configuration.md's table. */
export function configurationTable(): string {
  const rows = entries().map(([name, s]) => `| \`${name}\` | ${s.default} | ${s.accepts} | ${s.doc.replaceAll("|", "\\|")} |`);
  return ["| variable | default | accepts | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

/** The document with the table between its markers written anew. */
export function withConfigurationTable(document: string): string {
  const start = document.indexOf(TABLE_START);
  const end = document.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the document has no ${TABLE_START} … ${TABLE_END} section`);
  return `${document.slice(0, start + TABLE_START.length)}\n${configurationTable()}\n${document.slice(end)}`;
}
