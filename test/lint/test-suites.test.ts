import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { testFilesNoSuiteRuns } from '../helpers/suites';

describe('test suites', () => {
  test('every *.test.ts file runs: its directory has an all.suite.ts that runs it', () => {
    expect(testFilesNoSuiteRuns(path.join(__dirname, '..'))).toEqual([]);
  });

  test('names a test file whose directory has no suite, or a suite that does not run the directory', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'watchkeeper-suites-'));
    try {
      fs.mkdirSync(path.join(root, 'a'));
      fs.mkdirSync(path.join(root, 'b'));
      fs.writeFileSync(path.join(root, 'a', 'x.test.ts'), '');
      fs.writeFileSync(path.join(root, 'b', 'y.test.ts'), '');
      fs.writeFileSync(path.join(root, 'b', 'all.suite.ts'), "import './y.test';\n");
      expect(testFilesNoSuiteRuns(root)).toEqual([path.join('a', 'x.test.ts'), path.join('b', 'y.test.ts')]);
      fs.writeFileSync(path.join(root, 'b', 'all.suite.ts'), 'runTestFilesOf(__dirname);\n');
      expect(testFilesNoSuiteRuns(root)).toEqual([path.join('a', 'x.test.ts')]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
