import * as fs from 'fs';
import * as path from 'path';
// The project lints with the eslintrc format (projen's .eslintrc.json), whose API is
// only reachable through require().
/* eslint-disable @typescript-eslint/no-require-imports */
const { Linter } = require('eslint');
const { LegacyESLint } = require('eslint/use-at-your-own-risk');
const importPlugin = require('eslint-plugin-import');
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = path.join(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');

/** The layers, bottom up: a folder may import only folders of lower layers (and its own). */
const LAYERS: string[][] = [
  ['core', 'private'],
  ['agent', 'alarms', 'logs', 'events', 'audit', 'cost', 'scaling', 'dashboards'],
  ['service', 'rehearsal'],
  ['fleet', 'report', 'org'],
];
const layerOf = (folder: string) => LAYERS.findIndex(l => l.includes(folder));

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

/** The folders of src/ each folder imports (relative imports only), read from the sources. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
  for (const file of walk(SRC)) {
    const folder = path.relative(SRC, file).split(path.sep)[0];
    if (folder.endsWith('.ts')) continue; // src/index.ts
    const deps = graph.get(folder) ?? new Set<string>();
    graph.set(folder, deps);
    for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = path.relative(SRC, path.resolve(path.dirname(file), spec)).split(path.sep)[0];
      if (target !== folder && !target.startsWith('..')) deps.add(target);
    }
  }
  return graph;
}

describe('layers', () => {
  test('every folder of src/ belongs to a layer', () => {
    expect([...folderGraph().keys()].filter(f => layerOf(f) < 0)).toEqual([]);
  });

  test('imports only go downwards, so no folder cycle exists', () => {
    const upwards: string[] = [];
    for (const [folder, deps] of folderGraph()) {
      for (const dep of deps) {
        const same = layerOf(dep) === layerOf(folder);
        const allowed = ['core', 'private'].includes(folder) && ['core', 'private'].includes(dep);
        if (layerOf(dep) > layerOf(folder) || (same && !allowed)) upwards.push(`${folder} -> ${dep}`);
      }
    }
    expect(upwards).toEqual([]);
  });

  test.each([
    ['src/core/example.ts', '../service/monitored-service', /bottom layer/],
    ['src/private/example.ts', '../alarms/alert-topic', /bottom layer/],
    ['src/logs/example.ts', '../alarms/alert-topic', /may import only core\/ and private\//],
    ['src/agent/example.ts', '../service/monitored-service', /may import only core\/ and private\//],
    ['src/service/example.ts', '../fleet/service-stacks', /may not import rehearsal\/, fleet\/ or report\//],
    ['src/fleet/example.ts', '../report/monitoring-report', /independent/],
    ['src/org/example.ts', '../fleet/fleet-alarms', /independent/],
    ['src/service/example.ts', '../org/monitoring-account', /may not import rehearsal\/, fleet\/ or report\//],
    ['src/rehearsal/example.ts', '../service/monitored-service', /may import only features/],
  ])('fails lint when %s imports %s', async (file, spec, message) => {
    const messages = await lint(file, `import * as m from '${spec}';\nexport const x = m;\n`);
    expect(messages).toEqual([expect.stringMatching(message)]);
  }, 30_000);

  test('allows imports downwards and within a folder', async () => {
    expect(await lint('src/logs/example.ts', 'import * as a from \'../core/alarm-set\';\nimport * as b from \'./app-log-group\';\nexport const x = [a, b];\n')).toEqual([]);
    expect(await lint('src/service/example.ts', 'import * as a from \'../agent/agent-config\';\nexport const x = a;\n')).toEqual([]);
    expect(await lint('src/fleet/example.ts', 'import * as a from \'../service/monitored-service\';\nexport const x = a;\n')).toEqual([]);
  }, 30_000);
});
