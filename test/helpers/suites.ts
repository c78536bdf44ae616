import * as fs from 'fs';
import * as path from 'path';

/** The name jest gives the root suite of each directory of tests. */
export const SUITE_FILE = 'all.suite.ts';

/** Every `*.test.ts` file of a directory (not of its subdirectories), sorted. */
export function testFilesOf(dir: string): string[] {
  return fs.readdirSync(dir).filter(f => f.endsWith('.test.ts')).sort();
}

/**
 * Runs the test files of `dir` as one jest suite.
 *
 * Jest gives each suite a module registry of its own, so each suite loads aws-cdk-lib and the
 * library again, instruments them for coverage again and warms them up again: one to two
 * seconds of CPU before its first test, and a first synth several times slower than the next.
 * The files of one directory therefore run in one suite (`<dir>/all.suite.ts` calls this),
 * each inside a describe block named after it (`alarms/alarm-set.test.ts`), so that a file's
 * hooks (`beforeAll`, `afterEach`, ...) apply to its own tests only. Module state is shared:
 * a helper that memoises a synthesized app synthesizes it once for the directory.
 *
 * One file: `npx jest test/alarms -t alarm-set.test.ts`.
 */
export function runTestFilesOf(dir: string): void {
  const files = testFilesOf(dir);
  if (files.length === 0) throw new Error(`${dir} has no *.test.ts file for its ${SUITE_FILE} to run`);
  const area = path.basename(dir);
  for (const file of files) {
    describe(`${area}/${file}`, () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(dir, file));
    });
  }
}

/**
 * Test files under `root` that no suite runs: every `*.test.ts` of a directory without an
 * `all.suite.ts` that calls `runTestFilesOf(__dirname)`, as paths relative to `root`.
 */
export function testFilesNoSuiteRuns(root: string): string[] {
  const missed: string[] = [];
  const visit = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    for (const e of entries) if (e.isDirectory() && e.name !== 'node_modules') visit(path.join(dir, e.name));
    const tests = testFilesOf(dir);
    const suite = path.join(dir, SUITE_FILE);
    const runs = fs.existsSync(suite) && /runTestFilesOf\(__dirname\)/.test(fs.readFileSync(suite, 'utf8'));
    if (!runs) missed.push(...tests.map(t => path.relative(root, path.join(dir, t))));
  };
  visit(root);
  return missed.sort();
}
