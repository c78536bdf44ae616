// The numbers the README and docs/*.md state about costs, alarm counts and resource counts.
// Each is marked right after the number with `<!-- check:KEY -->`; a test computes KEY from
// the code (a synthesized app, the cost report, the price table, a benchmark function) and
// fails when the page says something else, or when a cost or count in a page is not marked.
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, codeBlocks } from './snippets';

/** A number a page states, with the key of the fact it claims. */
export interface MarkedNumber {
  readonly file: string;
  readonly line: number;
  readonly key: string;
  /** The number as the page shows it (`$42.67`, `1,040`, `5.2`). */
  readonly shown: string;
  readonly value: number;
  /** Digits after the decimal point in the page. */
  readonly decimals: number;
}

const NUMBER = String.raw`\$?\d[\d,]*(?:\.\d+)?`;
const MARKER = String.raw`<!--\s*check:([\w.-]+)\s*-->`;

/** The pages whose numbers are checked: the README and docs/*.md, except the dated benchmark record. */
export function checkedPages(): string[] {
  // benchmarks.md is the dated record of measurements; architecture.md's only numbers are the
  // layers, which test/docs/architecture.test.ts checks against the layer table.
  const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md') && !['benchmarks.md', 'architecture.md'].includes(f)).sort();
  return ['README.md', ...docs.map(f => `docs/${f}`)];
}

export function read(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf8');
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Every marked number of a page; a marker that follows no number is reported by `strayMarkers`. */
export function markedNumbers(file: string, text = read(file)): MarkedNumber[] {
  return [...text.matchAll(new RegExp(`(${NUMBER})\\s*${MARKER}`, 'g'))].map(m => {
    const shown = m[1];
    const digits = shown.replace(/[$,]/g, '');
    const decimals = digits.includes('.') ? digits.split('.')[1].length : 0;
    return { file, line: lineOf(text, m.index!), key: m[2], shown, value: Number(digits), decimals };
  });
}

/** Markers not placed right after a number. */
export function strayMarkers(file: string, text = read(file)): string[] {
  const marked = new Set(markedNumbers(file, text).map(m => `${m.line}:${m.key}`));
  return [...text.matchAll(new RegExp(MARKER, 'g'))]
    .map(m => ({ line: lineOf(text, m.index!), key: m[1] }))
    .filter(m => !marked.has(`${m.line}:${m.key}`))
    .map(m => `${file}:${m.line} check:${m.key} follows no number`);
}

/** Whether the page shows `expected` at the precision it uses (`$0.49` for 0.485, `$1` for 1.00). */
export function agrees(m: MarkedNumber, expected: number): boolean {
  return Math.abs(m.value - expected) <= 0.5 * 10 ** -m.decimals + 1e-9;
}

/** The text of a page outside its fenced code blocks (their lines blanked, so line numbers hold). */
function prose(file: string, text: string): string {
  const lines = text.split('\n');
  for (const b of codeBlocks(text, file)) {
    const end = b.line + b.code.split('\n').length;
    for (let i = b.line - 1; i <= end && i < lines.length; i++) lines[i] = '';
  }
  return lines.join('\n');
}

const COUNTED = String.raw`(?:\s+(?:standard|high-resolution|composite|query|new|metric|math|CloudWatch|CIS|monitoring))?\s+(?:alarms?|resources)\b`;

/**
 * Numbers that look like a cost (`$0.26`) or an alarm or resource count (`52 alarms`,
 * `97 resources`) outside code blocks, and, in tables, cells that hold only a number, which
 * carry no marker.
 */
export function unmarkedNumbers(file: string, text = read(file)): string[] {
  const body = prose(file, text);
  const found: string[] = [];
  const report = (index: number, what: string) => found.push(`${file}:${lineOf(body, index)} ${what}`);
  // (?!...) also refuses a shorter match inside a longer number: `$0` of `$0.10<!-- ... -->`.
  for (const m of body.matchAll(new RegExp(String.raw`\$\d[\d,]*(?:\.\d+)?(?!\d|[.,]\d|\s*<!--\s*check:)`, 'g'))) {
    report(m.index!, `cost ${m[0]} has no <!-- check:... --> marker`);
  }
  for (const m of body.matchAll(new RegExp(String.raw`(?<![\w.$])(\d[\d,]*(?:\.\d+)?)(\s*${MARKER})?${COUNTED}`, 'g'))) {
    if (!m[2]) report(m.index!, `count "${m[0].trim()}" has no <!-- check:... --> marker`);
  }
  for (const m of body.matchAll(new RegExp(String.raw`(?<=\|\s*)(${NUMBER})(\s*${MARKER})?(?=\s*\|)`, 'g'))) {
    if (!m[2]) report(m.index!, `table cell ${m[1]} has no <!-- check:... --> marker`);
  }
  return [...new Set(found)];
}

/** The facts a test computed, by key. */
export type Facts = Map<string, number>;

/** For each marked number of the pages whose key has one of the prefixes: what is wrong with it. */
export function disagreements(facts: Facts, prefixes: string[]): { checked: MarkedNumber[]; problems: string[] } {
  const checked: MarkedNumber[] = [];
  const problems: string[] = [];
  for (const file of checkedPages()) {
    for (const m of markedNumbers(file)) {
      if (!prefixes.some(p => m.key.startsWith(p))) continue;
      checked.push(m);
      const expected = facts.get(m.key);
      if (expected === undefined) problems.push(`${m.file}:${m.line} check:${m.key}: no such fact is computed`);
      else if (!agrees(m, expected)) problems.push(`${m.file}:${m.line} check:${m.key}: the page says ${m.shown}, the code gives ${expected}`);
    }
  }
  return { checked, problems };
}
