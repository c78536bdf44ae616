import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');

/** Most lines a source file under src/ may have. */
const MAX_FILE_LINES = 400;
/** Most lines the body of a function, method, constructor or arrow function may span. */
const MAX_FUNCTION_LINES = 80;

/**
 * Files allowed over a limit for now, each with the reason it waits. Keep this list short: a
 * file here is one whose split is planned, not one excused for good.
 */
const KNOWN_EXCEPTIONS: Record<string, string> = {};

/** Every .ts file under a directory, generated projen Lambda wrappers (`*-function.ts`) left out. */
function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(e => (e.isDirectory()
      ? walk(path.join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('-function.ts') ? [path.join(dir, e.name)] : []));
}

/** What a function-like node is called in a finding. */
function nameOf(node: ts.FunctionLikeDeclaration): string {
  if (ts.isConstructorDeclaration(node)) {
    const cls = node.parent;
    return `${ts.isClassLike(cls) && cls.name ? cls.name.text : '(class)'}.constructor`;
  }
  if (node.name && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))) return node.name.text;
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return '(anonymous)';
}

/**
 * The findings of one source text: the file over its line limit, and every function-like node
 * (function, method, accessor, constructor, function expression, arrow function) whose body
 * spans more lines than allowed, from its opening to its closing line.
 */
export function sizeFindings(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const findings: string[] = [];
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > MAX_FILE_LINES) findings.push(`${file}: ${lines} lines (limit ${MAX_FILE_LINES})`);
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const body = node.body as ts.Node;
      const span = lineOf(body.getEnd()) - lineOf(body.getStart(source)) + 1;
      if (span > MAX_FUNCTION_LINES) {
        findings.push(`${file}:${lineOf(node.getStart(source)) + 1} ${nameOf(node as ts.FunctionLikeDeclaration)}: ${span} lines (limit ${MAX_FUNCTION_LINES})`);
      }
    }
    node.forEachChild(visit);
  };
  visit(source);
  return findings;
}

/**
 * The known exceptions that are no longer over any limit: each should leave the list, so the
 * list cannot grow stale. `read` gives the text of a file.
 */
export function staleExceptions(exceptions: Record<string, string>, read: (file: string) => string): string[] {
  return Object.keys(exceptions).filter(file => sizeFindings(file, read(file)).length === 0);
}

describe('source size limits', () => {
  test(`no file under src/ is over ${MAX_FILE_LINES} lines and no function over ${MAX_FUNCTION_LINES}`, () => {
    const findings = walk(SRC)
      .map(file => path.relative(ROOT, file).split(path.sep).join('/'))
      .filter(file => !(file in KNOWN_EXCEPTIONS))
      .flatMap(file => sizeFindings(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));
    expect(findings).toEqual([]);
  });

  test('every known exception is still over a limit', () => {
    // An exception that no longer needs its place is removed, so the list cannot grow stale.
    expect(staleExceptions(KNOWN_EXCEPTIONS, file => fs.readFileSync(path.join(ROOT, file), 'utf8'))).toEqual([]);
  });

  test('reports a known exception that fits the limits as stale, and not one still over them', () => {
    const texts: Record<string, string> = {
      'big.ts': Array.from({ length: 401 }, (_, i) => `export const v${i} = ${i};`).join('\n'),
      'small.ts': 'export const v = 1;\n',
    };
    const exceptions = { 'big.ts': '401 lines: split planned', 'small.ts': 'was long, now split' };
    expect(staleExceptions(exceptions, file => texts[file])).toEqual(['small.ts']);
  });

  test('reports a function whose body spans 81 lines, and not one of 80', () => {
    // A body of n lines: the opening line, n - 2 statements, the closing brace.
    const long = ['export function tooLong(): number {', ...Array.from({ length: 79 }, (_, i) => `  void ${i};`), '}'].join('\n');
    const fits = ['export function fits(): number {', ...Array.from({ length: 78 }, (_, i) => `  void ${i};`), '}'].join('\n');
    expect(sizeFindings('fixture.ts', `${long}\n`)).toEqual(['fixture.ts:1 tooLong: 81 lines (limit 80)']);
    expect(sizeFindings('fixture.ts', `${fits}\n`)).toEqual([]);
  });

  test('reports a long constructor, method and arrow function by name', () => {
    const body = Array.from({ length: 85 }, (_, i) => `    void ${i};`).join('\n');
    const text = [
      'export class Widget {',
      `  constructor() {\n${body}\n  }`,
      `  render() {\n${body}\n  }`,
      '}',
      `export const handler = async () => {\n${body}\n};`,
    ].join('\n');
    expect(sizeFindings('widget.lambda.ts', text)).toEqual([
      'widget.lambda.ts:2 Widget.constructor: 87 lines (limit 80)',
      expect.stringMatching(/^widget\.lambda\.ts:\d+ render: 87 lines/),
      expect.stringMatching(/^widget\.lambda\.ts:\d+ handler: 87 lines/),
    ]);
  });

  test(`reports a file over ${MAX_FILE_LINES} lines`, () => {
    const text = Array.from({ length: 401 }, (_, i) => `export const v${i} = ${i};`).join('\n');
    expect(sizeFindings('big.ts', text)).toEqual(['big.ts: 401 lines (limit 400)']);
  });
});
