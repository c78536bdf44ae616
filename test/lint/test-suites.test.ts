import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SUITES, environmentChanges, suiteProblems } from '../helpers/suites';

describe('test suites', () => {
  test('every *.test.ts file runs exactly once: its directory is in one suite, and each suite has its file', () => {
    expect(suiteProblems(path.join(__dirname, '..'), SUITES)).toEqual([]);
  });

  test('names a test file no suite runs, a directory in two suites, and a suite without its file', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'watchkeeper-suites-'));
    try {
      for (const d of ['a', 'b', 'c']) fs.mkdirSync(path.join(root, d));
      fs.writeFileSync(path.join(root, 'a', 'x.test.ts'), '');
      fs.writeFileSync(path.join(root, 'b', 'y.test.ts'), '');
      fs.writeFileSync(path.join(root, 'c', 'z.test.ts'), '');
      fs.writeFileSync(path.join(root, 'one.suite.ts'), "runSuite('one');\n");
      fs.writeFileSync(path.join(root, 'two.suite.ts'), "import './b/y.test';\n");
      expect(suiteProblems(root, { one: ['b'], two: ['b', 'c'] })).toEqual([
        path.join('a', 'x.test.ts') + ' runs in no suite',
        "suite two needs test/two.suite.ts calling runSuite('two')",
        'test/b is in suites one and two',
      ]);
      fs.writeFileSync(path.join(root, 'two.suite.ts'), "runSuite('two');\n");
      expect(suiteProblems(root, { one: ['a', 'b'], two: ['c'] })).toEqual([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('a file that leaves an environment variable changed is named (each file is checked after its hooks)', () => {
    expect(environmentChanges({ A: '1', B: '2' }, { A: '1', B: '2' })).toEqual([]);
    expect(environmentChanges({ A: '1', B: '2', C: '3' }, { A: '1', B: 'x', D: '4' })).toEqual(['B', 'C', 'D']);
  });
});
