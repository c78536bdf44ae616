import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as names from '../../src/private/compute-metric-names';

const ROOT = path.join(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');

/** The one module that spells EC2 and Auto Scaling metric names. */
const NAMES_MODULE = 'private/compute-metric-names.ts';

/**
 * Metric names a file may spell, each with the reason. Pure modules that read templates or
 * call CloudWatch import the names from the names module instead (it imports nothing, so a
 * Lambda bundle stays free of the CDK).
 */
const ALLOWED: Record<string, Record<string, string>> = {
  'fleet/fleet-alarms.ts': { StatusCheckFailed: 'the construct id of the status-check alarm (its logical ID is public contract)' },
  'org/monitoring-account.ts': { StatusCheckFailed: 'the construct id of the status-check alarm (its logical ID is public contract)' },
};

/** Every .ts file under a directory. */
function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/**
 * The `AWS/EC2` and `AWS/AutoScaling` metric names aws-cdk-lib's canned metrics know (generated
 * from CloudWatch's own metric metadata), and every name the names module declares.
 */
function metricNames(): string[] {
  const canned = [
    'aws-ec2/lib/ec2-canned-metrics.generated.js',
    'aws-autoscaling/lib/autoscaling-canned-metrics.generated.js',
  ].flatMap(file => [...fs.readFileSync(path.join(ROOT, 'node_modules', 'aws-cdk-lib', file), 'utf8')
    .matchAll(/namespace:"AWS\/(?:EC2|AutoScaling)",metricName:"([^"]+)"/g)].map(m => m[1]));
  const declared = [...Object.values(names.EC2_METRICS), ...Object.values(names.AUTO_SCALING_GROUP_METRICS)];
  return [...new Set([...canned, ...declared])];
}

/** The text of every string literal and template part of a source file (comments excluded). */
function stringsOf(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node)
      || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      found.push(node.text);
    }
    node.forEachChild(visit);
  };
  visit(source);
  return found;
}

/** The metric names a file spells in its strings, as whole words. */
function spelled(file: string, metrics: string[]): string[] {
  const text = stringsOf(file).join('\n');
  return metrics.filter(m => new RegExp(`(?<![A-Za-z0-9_])${m.replace(/[%]/g, '\\$&')}(?![A-Za-z0-9_])`).test(text));
}

describe('EC2 and Auto Scaling metric names', () => {
  const metrics = metricNames();

  test('are spelled only in the compute metric names module', () => {
    const offenders = walk(SRC)
      .map(file => path.relative(SRC, file).split(path.sep).join('/'))
      .filter(file => file !== NAMES_MODULE)
      .map(file => ({ file, names: spelled(path.join(SRC, file), metrics).filter(name => !(name in (ALLOWED[file] ?? {}))) }))
      .filter(o => o.names.length > 0)
      .map(o => `src/${o.file}: ${o.names.join(', ')}`);
    expect(offenders).toEqual([]);
  });

  test('fails on a file that spells one in a string or a query, not in a comment', () => {
    const dir = fs.mkdtempSync(path.join(ROOT, 'test', 'lint', 'fixture-'));
    try {
      const file = path.join(dir, 'offender.ts');
      fs.writeFileSync(file, [
        '// CPUUtilization in a comment is documentation',
        'const a = \'NetworkIn\';',
        'const q = `SELECT MAX(StatusCheckFailed_System) FROM SCHEMA("AWS/EC2", InstanceId)`;',
        'const b = \'GroupInServiceInstancesX\';',
        'export { a, q, b };',
      ].join('\n'));
      expect(spelled(file, metrics).sort()).toEqual(['NetworkIn', 'StatusCheckFailed_System']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('include what the library reads and what CloudWatch documents for EC2 and Auto Scaling', () => {
    // A negative control: an empty list would let every file pass.
    expect(metrics).toEqual(expect.arrayContaining(['CPUUtilization', 'StatusCheckFailed_AttachedEBS', 'EBSIOBalance%', 'GroupTotalInstances']));
  });
});
