import * as path from 'path';
// The project lints with the eslintrc format (projen's .eslintrc.json), whose API is
// only reachable through require().
/* eslint-disable @typescript-eslint/no-require-imports */
const { Linter } = require('eslint');
const { LegacyESLint } = require('eslint/use-at-your-own-risk');
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = path.join(__dirname, '..', '..');

/**
 * Lints code as if it were the given file, with the import rule exactly as the project's
 * ESLint configuration resolves it for that path (the type-aware rules need a real file,
 * so only the rule under test runs).
 */
async function lint(file: string, code: string): Promise<string[]> {
  const filePath = path.join(ROOT, file);
  const config = await new LegacyESLint({ cwd: ROOT }).calculateConfigForFile(filePath);
  const rule = config.rules?.['no-restricted-imports'];
  if (!rule) return [];
  const linter = new Linter({ configType: 'eslintrc' });
  return linter.verify(code, {
    parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: { 'no-restricted-imports': rule },
  }, filePath).map((m: any) => m.message);
}

describe('pure decision modules', () => {
  test.each([
    ['@aws-sdk/client-ec2', /must not call AWS/],
    ['aws-cdk-lib', /must not depend on the CDK/],
    ['aws-cdk-lib/aws-ec2', /must not depend on the CDK/],
    ['constructs', /must not depend on constructs/],
  ])('fails lint when a *.pure.ts module imports %s', async (module, message) => {
    const messages = await lint('src/cost/example.pure.ts', `import * as m from '${module}';\nexport const x = m;\n`);
    expect(messages).toEqual([expect.stringMatching(message)]);
  }, 30_000);

  test('allows those imports outside pure modules and plain imports inside them', async () => {
    expect(await lint('src/cost/example.ts', 'import * as m from \'aws-cdk-lib\';\nexport const x = m;\n')).toEqual([]);
    expect(await lint('src/cost/example.pure.ts', 'import * as path from \'path\';\nexport const x = path;\n')).toEqual([]);
  }, 30_000);
});
