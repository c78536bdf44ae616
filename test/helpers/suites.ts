import * as fs from 'fs';
import * as path from 'path';

/**
 * The test directories each jest suite runs, one suite per jest worker (`maxWorkers: 2`),
 * balanced by measured time: each suite writes where its time went to
 * `test-reports/file-times-<suite>.json` (see {@link runSuite}); a fresh clone's `npm test` of
 * 2026-12-07 on the 2-core machine: half-1 95 s, half-2 96 s (the Python test libraries' first
 * install included).
 *
 * Jest gives each suite a module registry of its own: each suite loads and compiles aws-cdk-lib
 * and the library again and runs its first synth cold (a first stack build and nag run take
 * about ten times the next). With one suite per directory that was 18 times; with one per
 * worker it is twice, and the whole run takes two thirds of the CPU time.
 */
export const SUITES: Readonly<Record<string, readonly string[]>> = {
  'half-1': ['docs', 'proof', 'rehearsal', 'report', 'lint'],
  'half-2': ['logs', 'cost', 'service', 'fleet', 'alarms', 'agent', 'events', 'audit', 'dashboards', 'org', 'scaling', 'core', 'helpers'],
};

/** The directory of the tests (this file is in test/helpers). */
const TEST_ROOT = path.join(__dirname, '..');

/** The file of a suite, as jest's testMatch finds it: `test/<name>.suite.ts`. */
export function suiteFile(root: string, name: string): string {
  return path.join(root, `${name}.suite.ts`);
}

/** Every `*.test.ts` file of a directory (not of its subdirectories), sorted. */
export function testFilesOf(dir: string): string[] {
  return fs.readdirSync(dir).filter(f => f.endsWith('.test.ts')).sort();
}

/**
 * Runs the test files of the suite's directories, each inside a describe block named after it
 * (`alarms/alarm-set.test.ts`), so that a file's hooks (`beforeAll`, `afterEach`, ...) apply
 * to its own tests only, and fails a file that leaves an environment variable changed (the
 * files after it would run with it). Module state is shared: a helper that memoises a
 * synthesized app synthesizes it once for the suite.
 *
 * One file: `npx jest -t alarms/alarm-set.test.ts` (the other files load but do not run).
 */
export function runSuite(name: string): void {
  const dirs = SUITES[name];
  if (!dirs) throw new Error(`no test suite ${name}; the suites are ${Object.keys(SUITES).join(', ')}`);
  const times: Record<string, number> = {};
  for (const dir of dirs) {
    const files = testFilesOf(path.join(TEST_ROOT, dir));
    if (files.length === 0) throw new Error(`test/${dir} has no *.test.ts file for suite ${name} to run`);
    for (const file of files) {
      const id = `${dir}/${file}`;
      describe(id, () => {
        let before: Record<string, string | undefined> = {};
        let started = 0;
        beforeAll(() => { before = { ...process.env }; started = performance.now(); });
        const loading = performance.now();
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(path.join(TEST_ROOT, dir, file));
        times[id] = performance.now() - loading;
        // Registered after the file's own hooks, so it runs after them: the files after this
        // one in the suite must find the environment as jest-setup.ts left it.
        afterAll(() => {
          times[id] += performance.now() - started;
          const changed = environmentChanges(before, process.env);
          if (changed.length > 0) throw new Error(`${id} leaves environment variables changed: ${changed.join(', ')}`);
        });
      });
    }
  }
  afterAll(() => writeFileTimes(name, times));
}

/**
 * Where each file's time went (loading it, its hooks and its tests, in ms), written to
 * `test-reports/file-times-<suite>.json` when the suite ends: what SUITES is balanced by. A
 * file's tests only run when jest selects them (`-t`), so the numbers of a partial run are
 * partial. The first file of a suite to synthesize also pays for loading aws-cdk-lib.
 */
function writeFileTimes(name: string, times: Record<string, number>): void {
  const dir = path.join(TEST_ROOT, '..', 'test-reports');
  fs.mkdirSync(dir, { recursive: true });
  const rounded = Object.fromEntries(Object.entries(times).map(([f, ms]) => [f, Math.round(ms)]));
  fs.writeFileSync(path.join(dir, `file-times-${name}.json`), JSON.stringify(rounded, undefined, 2) + '\n');
}

/** The names of the variables whose values differ between two environments, sorted. */
export function environmentChanges(before: Record<string, string | undefined>, after: Record<string, string | undefined>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(k => before[k] !== after[k]).sort();
}

/**
 * What keeps a test from running exactly once, under `root`: a `*.test.ts` file whose
 * directory no suite lists (or in a subdirectory deeper than one level), a directory two
 * suites list, and a suite without its `<name>.suite.ts` calling `runSuite('<name>')`.
 */
export function suiteProblems(root: string, suites: Readonly<Record<string, readonly string[]>>): string[] {
  const problems: string[] = [];
  const owner = new Map<string, string>();
  for (const [name, dirs] of Object.entries(suites)) {
    for (const dir of dirs) {
      if (owner.has(dir)) problems.push(`test/${dir} is in suites ${owner.get(dir)} and ${name}`);
      owner.set(dir, name);
    }
    const file = suiteFile(root, name);
    if (!fs.existsSync(file) || !fs.readFileSync(file, 'utf8').includes(`runSuite('${name}')`)) {
      problems.push(`suite ${name} needs test/${name}.suite.ts calling runSuite('${name}')`);
    }
  }
  const visit = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== 'node_modules') visit(path.join(dir, e.name));
    }
    const relative = path.relative(root, dir);
    if (!owner.has(relative)) problems.push(...testFilesOf(dir).map(t => `${path.join(relative, t)} runs in no suite`));
  };
  visit(root);
  return problems.sort();
}
