import { SnippetError, codeBlocks, compileSnippets, completeSnippet, docsPages, isTypeScript, snippetsOf } from './snippets';

/** A page with two examples that do not compile: the negative control, compiled with the real pages. */
const BROKEN_PAGE = [
  '# A page',
  '',
  '```ts',
  "const alerts = new AlertTopic(this, 'Alerts', { emailz: ['oncall@example.com'] });",
  '```',
  '',
  '- In a list:',
  '',
  '  ```ts nofixture',
  "  import { App } from 'aws-cdk-lib';",
  '  const app = new App();',
  '  const count: number = app.node.path;',
  '  ```',
].join('\n');

describe('TypeScript examples of the README and docs', () => {
  const pages = ['README.md', ...docsPages()];
  const snippets = snippetsOf(pages);
  let errors: SnippetError[] = [];
  beforeAll(() => {
    // One program for all of them, as rosetta compiles a batch.
    const broken = codeBlocks(BROKEN_PAGE, 'docs/broken.md').filter(isTypeScript).map(b => completeSnippet(b));
    errors = compileSnippets([...snippets, ...broken]);
  }, 300_000);

  test('every example compiles against its rosetta fixture under rosetta\'s strict options', () => {
    // docs/*.md are not in the jsii assembly, so `jsii-rosetta extract --strict` never sees them.
    expect(errors.filter(e => !e.where.startsWith('docs/broken.md'))).toEqual([]);
    // The check compiled the pages' examples, not nothing.
    expect(snippets.length).toBeGreaterThanOrEqual(20);
  });

  test('reports an example that does not compile, with its page and line', () => {
    const reported = errors.filter(e => e.where.startsWith('docs/broken.md'));
    expect(reported.map(e => e.where)).toEqual(['docs/broken.md:4', 'docs/broken.md:12']);
    expect(reported[0].message).toContain("'emailz' does not exist in type 'AlertTopicProps'");
    expect(reported[1].message).toContain("Type 'string' is not assignable to type 'number'");
  });

  test('fails on an example that names a fixture rosetta does not have', () => {
    const [block] = codeBlocks('```ts fixture=missing\nconst x = 1;\n```\n', 'docs/page.md');
    expect(() => completeSnippet(block)).toThrow(/docs\/page.md:1: fixture missing not found/);
  });

  test('hoists the example\'s imports above the fixture, as rosetta does', () => {
    const [block] = codeBlocks("```ts\nimport { Size } from 'aws-cdk-lib';\nconst size = Size.gibibytes(1);\n```\n", 'docs/page.md');
    const { source } = completeSnippet(block);
    expect(source.indexOf("import { Size } from 'aws-cdk-lib';")).toBe(0);
    expect(source.indexOf('const size = Size.gibibytes(1);')).toBeGreaterThan(source.indexOf('class Fixture'));
    expect(source).not.toContain('/// here');
  });
});
