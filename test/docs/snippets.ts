// The TypeScript examples of the Markdown pages, compiled the way `jsii-rosetta extract --strict`
// compiles the README's: each ```ts block in place of the `/// here` marker of its fixture
// (rosetta/<name>.ts-fixture, `default` unless the block says `fixture=<name>`, none with
// `nofixture`), its imports hoisted above the fixture, under rosetta's strict compiler options.
// docs/*.md are not part of the jsii assembly, so rosetta never sees them: this does.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export const ROOT = path.join(__dirname, '..', '..');

/** One fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The Markdown file, relative to the repository. */
  readonly file: string;
  /** Line of the opening fence (1-based). */
  readonly line: number;
  /** The language of the info string (`ts`, `python`, `text`...). */
  readonly lang: string;
  /** `key=value` and bare `key` words after the language (`fixture=app`, `nofixture`). */
  readonly params: Readonly<Record<string, string>>;
  /** The block's text, without the fences and the list indentation. */
  readonly code: string;
}

/** Every fenced block (``` or ~~~, also indented in lists) of a Markdown text. */
export function codeBlocks(markdown: string, file: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^(\s*)(`{3,}|~{3,})\s*([^`\s]*)(.*)$/);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^\\s*${fence}\\s*$`).test(lines[j])) body.push(lines[j++].replace(new RegExp(`^ {0,${indent.length}}`), ''));
    const params: Record<string, string> = {};
    for (const word of rest.trim().split(/\s+/).filter(Boolean)) {
      const [k, v] = word.split('=');
      params[k] = v ?? '';
    }
    blocks.push({ file, line: i + 1, lang: lang.toLowerCase(), params, code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** Whether a block is TypeScript that rosetta (and this check) compiles. */
export function isTypeScript(block: CodeBlock): boolean {
  return block.lang === 'ts' || block.lang === 'typescript';
}

/** A snippet completed with its fixture, as it is compiled. */
export interface CompletedSnippet {
  readonly block: CodeBlock;
  readonly source: string;
}

/** Imports and `declare` statements move above the fixture, as rosetta's `sidelineImports` does. */
function sidelineImports(source: string): { imports: string; statements: string } {
  const file = ts.createSourceFile('snippet.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  let imports = '';
  let statements = '';
  for (const s of file.statements) {
    const hoisted = ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s)
      || (ts.isVariableStatement(s) && s.modifiers?.some(m => m.kind === ts.SyntaxKind.DeclareKeyword));
    if (hoisted) imports += s.getFullText(file);
    else statements += s.getFullText(file);
  }
  return { imports, statements };
}

const HERE = /[/]{3}[ \t]*here[ \t]*$/im;

/** The block in its fixture, as `jsii-rosetta extract` completes it. */
export function completeSnippet(block: CodeBlock, fixturesDir = path.join(ROOT, 'rosetta')): CompletedSnippet {
  if ('nofixture' in block.params) return { block, source: `${block.code}\nexport {};\n` };
  const name = block.params.fixture ?? 'default';
  const fixtureFile = path.join(fixturesDir, `${name}.ts-fixture`);
  if (!fs.existsSync(fixtureFile)) throw new Error(`${block.file}:${block.line}: fixture ${name} not found (${fixtureFile})`);
  const fixture = fs.readFileSync(fixtureFile, 'utf8');
  if (!HERE.test(fixture)) throw new Error(`${fixtureFile} has no '/// here' marker`);
  const { imports, statements } = sidelineImports(block.code);
  const head = imports ? `${imports}\n` : '';
  return { block, source: `${head}${fixture.replace(HERE, () => statements)}\nexport {};\n` };
}

/**
 * jsii-rosetta's strict compiler options (STANDARD_COMPILER_OPTIONS in
 * jsii-rosetta/lib/typescript/ts-compiler.js, not exported), without emit, with
 * `cdk-watchkeeper` resolved to this repository's source.
 */
export const ROSETTA_OPTIONS: ts.CompilerOptions = {
  alwaysStrict: true,
  charset: 'utf8',
  experimentalDecorators: true,
  lib: ['lib.es2022.d.ts'],
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  noFallthroughCasesInSwitch: true,
  noImplicitAny: true,
  noImplicitReturns: true,
  noImplicitThis: true,
  noUnusedLocals: false,
  noUnusedParameters: false,
  resolveJsonModule: true,
  types: ['node'],
  strict: true,
  strictNullChecks: true,
  strictPropertyInitialization: true,
  target: ts.ScriptTarget.ES2022,
  // Not rosetta's: nothing is written, and the libraries' own .d.ts files are not re-checked.
  noEmit: true,
  skipLibCheck: true,
  paths: { 'cdk-watchkeeper': [path.join(ROOT, 'src', 'index.ts')] },
};

/** A compile error, placed in the Markdown file it came from. */
export interface SnippetError {
  /** `docs/alarms.md:120` (the line in the Markdown file, or the block's fence when the error is in the fixture). */
  readonly where: string;
  readonly message: string;
}

/** Compiles every snippet in one TypeScript program; returns the errors, placed in their Markdown files. */
export function compileSnippets(snippets: CompletedSnippet[]): SnippetError[] {
  const dir = path.join(ROOT, 'test', 'docs', '.snippets');
  const files = new Map<string, CompletedSnippet>();
  snippets.forEach((s, i) => files.set(path.join(dir, `${path.basename(s.block.file, '.md')}-${s.block.line}-${i}.ts`), s));
  const host = ts.createCompilerHost(ROSETTA_OPTIONS, true);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => {
    const s = files.get(path.resolve(name));
    return s ? ts.createSourceFile(name, s.source, version) : getSourceFile(name, version, ...rest);
  };
  host.fileExists = name => files.has(path.resolve(name)) || fileExists(name);
  host.readFile = name => files.get(path.resolve(name))?.source ?? readFile(name);
  const program = ts.createProgram({ rootNames: [...files.keys()], options: ROSETTA_OPTIONS, host });
  const errors: SnippetError[] = [];
  for (const [name, snippet] of files) {
    const sourceFile = program.getSourceFile(name)!;
    const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
    for (const d of diagnostics) {
      const { line } = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: -1 };
      const text = snippet.source.split('\n')[line] ?? '';
      // Locate the line in the block by its text (imports are hoisted, so offsets do not hold).
      const inBlock = text.trim() ? snippet.block.code.split('\n').findIndex(l => l.trim() === text.trim()) : -1;
      const where = `${snippet.block.file}:${inBlock >= 0 ? snippet.block.line + 1 + inBlock : snippet.block.line}`;
      errors.push({ where, message: `${ts.flattenDiagnosticMessageText(d.messageText, '\n')}${text.trim() ? ` (in: ${text.trim()})` : ''}` });
    }
  }
  return errors;
}

/** The Markdown pages under docs/, relative to the repository. */
export function docsPages(): string[] {
  return fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => `docs/${f}`);
}

/** The TypeScript blocks of some Markdown files, completed with their fixtures. */
export function snippetsOf(files: string[]): CompletedSnippet[] {
  return files.flatMap(f => codeBlocks(fs.readFileSync(path.join(ROOT, f), 'utf8'), f))
    .filter(isTypeScript)
    .map(b => completeSnippet(b));
}
