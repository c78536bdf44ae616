import * as fs from 'fs';
import * as path from 'path';
// The project lints with the eslintrc format (projen's .eslintrc.json), whose API is
// only reachable through require().
/* eslint-disable @typescript-eslint/no-require-imports */
import { FOLDERS, LAYERS, layerOf } from '../../projenrc/layers';
const { Linter } = require('eslint');
const { LegacyESLint } = require('eslint/use-at-your-own-risk');
const importPlugin = require('eslint-plugin-import');
/* eslint-enable @typescript-eslint/no-require-imports */


const ROOT = path.join(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');

/** Lints code as if it were the given file, with the layer rule as the project configures it. */
async function lint(file: string, code: string): Promise<string[]> {
  const filePath = path.join(ROOT, file);
  const config = await new LegacyESLint({ cwd: ROOT }).calculateConfigForFile(filePath);
  const rule = config.rules?.['import/no-restricted-paths'];
  if (!rule) throw new Error('import/no-restricted-paths is not configured');
  const linter = new Linter({ configType: 'eslintrc' });
  linter.defineRule('import/no-restricted-paths', importPlugin.rules['no-restricted-paths']);
  return linter.verify(code, {
    parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: { 'import/no-restricted-paths': rule },
  }, filePath).map((m: any) => m.message);
}

/** Every .ts file under a directory. */
function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** The source files of src/ each file imports (relative imports, type-only ones included). */
function fileGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of walk(SRC)) {
    const deps = new Set<string>();
    for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/(?:from|import) '(\.[^']+)'/g)) {
      const base = path.resolve(path.dirname(file), spec);
      const target = [`${base}.ts`, path.join(base, 'index.ts')].find(f => fs.existsSync(f));
      if (target) deps.add(path.relative(SRC, target));
    }
    graph.set(path.relative(SRC, file), deps);
  }
  return graph;
}

/** The folders of src/ each folder imports, read from the sources. */
function folderGraph(): Map<string, Set<string>> {
  const folderOf = (file: string) => file.split(path.sep)[0];
  const graph = new Map<string, Set<string>>();
  for (const [file, deps] of fileGraph()) {
    if (!file.includes(path.sep)) continue; // src/index.ts
    const folder = folderOf(file);
    const set = graph.get(folder) ?? new Set<string>();
    graph.set(folder, set);
    for (const dep of deps) if (folderOf(dep) !== folder) set.add(folderOf(dep));
  }
  return graph;
}

/** The strongly connected components with more than one node (Tarjan): each is a cycle. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const dep of graph.get(node) ?? []) {
      if (!index.has(dep)) {
        visit(dep);
        low.set(node, Math.min(low.get(node)!, low.get(dep)!));
      } else if (onStack.has(dep)) {
        low.set(node, Math.min(low.get(node)!, index.get(dep)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('layers', () => {
  test('every folder of src/ belongs to a layer', () => {
    expect([...folderGraph().keys()].filter(f => layerOf(f) < 0)).toEqual([]);
  });

  test('imports only go downwards, so no folder cycle exists, the bottom layer included', () => {
    const upwards: string[] = [];
    for (const [folder, deps] of folderGraph()) {
      for (const dep of deps) {
        if (layerOf(dep) >= layerOf(folder)) upwards.push(`${folder} -> ${dep}`);
      }
    }
    expect(upwards).toEqual([]);
    expect(cycles(folderGraph())).toEqual([]);
  });

  test('no two source files import each other, directly or through others', () => {
    expect(cycles(fileGraph())).toEqual([]);
  });

  test('the cycle finder finds a circle of files and a folder that imports itself', () => {
    const graph = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['d'])], ['e', new Set(['a'])]]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c'], ['d']]);
  });

  test('the layer table names each folder once', () => {
    expect(new Set(FOLDERS).size).toBe(FOLDERS.length);
    expect(LAYERS[0]).toEqual(['private']);
  });

  test.each([
    ['src/core/example.ts', '../service/monitored-service', /may import only the layers below it \(private\)/],
    ['src/private/example.ts', '../alarms/alert-topic', /bottom layer/],
    ['src/private/example.ts', '../core/alarm-set', /bottom layer/],
    ['src/logs/example.ts', '../alarms/alert-topic', /may import only the layers below it \(private, core\)/],
    ['src/agent/example.ts', '../service/monitored-service', /may import only the layers below it/],
    ['src/service/example.ts', '../fleet/service-stacks', /may import only the layers below it/],
    ['src/fleet/example.ts', '../report/monitoring-report', /may import only the layers below it/],
    ['src/org/example.ts', '../fleet/fleet-alarms', /may import only the layers below it/],
    ['src/service/example.ts', '../org/monitoring-account', /may import only the layers below it/],
    ['src/fleet/example.ts', '../logs/private/json-log-helpers', /src\/logs\/private is private to src\/logs/],
    ['src/service/example.ts', '../agent/private/agent-model', /src\/agent\/private is private to src\/agent/],
    ['src/alarms/example.ts', '../core/private/alarm-factory', /src\/core\/private is private to src\/core/],
    ['src/index.ts', './agent/private/agent-model', /exports no private module/],
  ])('fails lint when %s imports %s', async (file, spec, message) => {
    const messages = await lint(file, `import * as m from '${spec}';\nexport const x = m;\n`);
    expect(messages).toEqual([expect.stringMatching(message)]);
  }, 30_000);

  test('allows imports downwards and within a folder', async () => {
    expect(await lint('src/logs/example.ts', 'import * as a from \'../core/alarm-set\';\nimport * as b from \'./app-log-group\';\nexport const x = [a, b];\n')).toEqual([]);
    expect(await lint('src/service/example.ts', 'import * as a from \'../agent/agent-config\';\nexport const x = a;\n')).toEqual([]);
    expect(await lint('src/fleet/example.ts', 'import * as a from \'../service/monitored-service\';\nexport const x = a;\n')).toEqual([]);
    expect(await lint('src/agent/example.ts', 'import * as a from \'./private/agent-model\';\nexport const x = a;\n')).toEqual([]);
    expect(await lint('src/agent/private/example.ts', 'import * as a from \'./agent-model\';\nimport * as b from \'../../private/validation\';\nexport const x = [a, b];\n')).toEqual([]);
  }, 30_000);
});
