import * as fs from 'fs';
import * as path from 'path';
import { aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { codeBlocks } from './snippets';
import { PRESETS } from '../../src/alarms/private/preset-builder';

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
/** The reference pages that hold the preset table and the warnings table. */
const ALARMS_PAGE = fs.readFileSync(path.join(ROOT, 'docs', 'alarms.md'), 'utf8');
const DEVELOPMENT_PAGE = fs.readFileSync(path.join(ROOT, 'docs', 'development.md'), 'utf8');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** The preset table of docs/alarms.md, one row per preset prop. */
function presetRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of ALARMS_PAGE.split('\n')) {
    const m = line.match(/^\| `(\w+)`[^|]*\|/);
    if (!m || !(m[1] in PRESETS)) continue;
    rows.set(m[1], line.split('|').slice(1, -1).map(c => c.trim()));
  }
  return rows;
}

const OPERATOR: Record<string, string> = {
  [cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD]: '>',
  [cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD]: '≥',
  [cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD]: '<',
};

describe('README', () => {
  test('is at most 400 lines', () => {
    expect(README.split('\n').length).toBeLessThanOrEqual(400);
  });

  test('opens its quick start with MonitoredService and the imports it needs', () => {
    const quickStart = README.slice(README.indexOf('## Quick start'));
    const [first] = codeBlocks(quickStart, 'README.md');
    expect(first.lang).toBe('ts');
    expect(first.code).toMatch(/^import \{[^}]*\bApp\b[^}]*\bStack\b[^}]*\baws_ec2 as ec2\b[^}]*\} from 'aws-cdk-lib';$/m);
    expect(first.code).toMatch(/^import \{[^}]*\bAlertTopic\b[^}]*\bMonitoredService\b[^}]*\} from 'cdk-watchkeeper';$/m);
    expect(first.code).toMatch(/new MonitoredService\(/);
    // The Python twin follows it.
    expect(codeBlocks(quickStart, 'README.md')[1]).toMatchObject({ lang: 'python' });
    expect(codeBlocks(quickStart, 'README.md')[1].code).toMatch(/wk\.MonitoredService\(/);
  });

  test('gives the quick start in Python with the same constructs, ids and calls as in TypeScript', () => {
    const [typescript, python] = codeBlocks(README.slice(README.indexOf('## Quick start')), 'README.md');
    const snake = (name: string) => name.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`);
    // `new AlertTopic(stack, 'Alerts'` and `wk.AlertTopic(stack, "Alerts"`; `api.scaleOnCpuUtilization('CpuScaling'` and its snake_case twin.
    const tsCalls = [...typescript.code.matchAll(/(?:new |\.)(\w+)\((?:\w+, )?'(\w+)'/g)].map(m => `${snake(m[1]).replace(/^_/, '')} ${m[2]}`);
    const pyCalls = [...python.code.matchAll(/\.(\w+)\((?:\w+, )?"(\w+)"/g)].map(m => `${snake(m[1]).replace(/^_/, '')} ${m[2]}`);
    expect(pyCalls).toEqual(tsCalls);
    expect(tsCalls.length).toBeGreaterThanOrEqual(6);
  });

  test('has its sections in the order a newcomer reads them', () => {
    const headings = [...README.matchAll(/^## (.+)$/gm)].map(m => m[1]);
    const order = ['Install', 'Quick start', 'What you get and what it costs', 'Try it from a clone', 'The report: where to look first', 'Capabilities'];
    expect(headings.filter(h => order.includes(h))).toEqual(order);
    expect(README).toMatch(/^> \*\*Maturity: experimental, not yet released\.\*\* The API may change/m);
    expect(README).toContain('npm ci && npx cdk synth --quiet');
    expect(README).toContain('npm ci && npm test');
  });

  test('links each capability to its page under docs/, and every local link of the README and docs resolves', () => {
    const capabilities = README.slice(README.indexOf('## Capabilities'), README.indexOf('## License'));
    for (const section of capabilities.split(/^### /m).slice(1)) {
      expect(`${section.split('\n')[0]}: ${/\]\(docs\/\w+\.md\)/.test(section)}`).toBe(`${section.split('\n')[0]}: true`);
    }
    const pages = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).map(f => `docs/${f}`)];
    // GitHub's heading anchors: lower case, punctuation dropped, spaces as dashes.
    const anchors = (file: string) => [...fs.readFileSync(file, 'utf8').matchAll(/^#+ (.+)$/gm)]
      .map(m => `#${m[1].toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')}`);
    const broken = pages.flatMap(page => [...fs.readFileSync(path.join(ROOT, page), 'utf8').matchAll(/\]\(([^)#\s]*)(#[^)\s]*)?\)/g)]
      .filter(m => !/^[a-z]+:/.test(m[1]))
      .filter(m => {
        const target = path.join(ROOT, path.dirname(page), m[1] || path.basename(page));
        return !fs.existsSync(target) || (m[2] !== undefined && !anchors(target).includes(m[2]));
      })
      .map(m => `${page} -> ${m[1]}${m[2] ?? ''}`));
    expect(broken).toEqual([]);
  });

  test('the preset table says what the single preset table in code says', () => {
    const rows = presetRows();
    expect([...rows.keys()].sort()).toEqual(Object.keys(PRESETS).sort());
    for (const [name, p] of Object.entries(PRESETS)) {
      const [, , statistic, when, period, datapoints, missing, severity] = rows.get(name)!;
      const where = `docs/alarms.md preset row ${name}`;
      expect(`${where}: ${statistic.split(/[\s(/]/)[0]}`).toBe(`${where}: ${p.statistic}`);
      expect(`${where}: ${when.replace(/\s*(%|credits)$/, '')}`).toBe(`${where}: ${OPERATOR[p.comparisonOperator]} ${p.threshold}`);
      expect(`${where}: ${period}`).toBe(`${where}: ${p.period.toMinutes()} min`);
      expect(`${where}: ${datapoints}`).toBe(`${where}: ${p.datapointsToAlarm} of ${p.evaluationPeriods}`);
      expect(`${where}: ${missing.startsWith('breaching')}`).toBe(`${where}: ${p.liveness}`);
      expect(`${where}: ${severity}`).toBe(`${where}: ${p.severity}`);
    }
  });

  test('the presets\' JSDoc states the thresholds, datapoints and severities of the presets in code', () => {
    const checked: string[] = [];
    for (const file of ['preset-options.ts']) {
      const text = fs.readFileSync(path.join(ROOT, 'src', 'alarms', file), 'utf8');
      for (const [, doc, prop] of text.matchAll(/\/\*\*([^]*?)\*\/\s*readonly (\w+)\?:/g)) {
        const p = (PRESETS as Record<string, any>)[prop];
        if (!p || !/ for \d+ of \d+ /.test(doc)) continue;
        const where = `${file} ${prop}`;
        // "below the group's minimum size" is the capacity preset's `inService - minSize < 0`
        const threshold = doc.match(/[<>≥] (\d+)/)?.[1] ?? (/below the group's minimum/.test(doc) ? '0' : undefined);
        expect(`${where}: ${threshold}`).toBe(`${where}: ${p.threshold}`);
        expect(`${where}: ${doc.match(/for (\d+ of \d+)/)?.[1]}`).toBe(`${where}: ${p.datapointsToAlarm} of ${p.evaluationPeriods}`);
        expect(`${where}: ${doc.match(/(CRITICAL|WARNING|INFO)/)?.[1]}`).toBe(`${where}: ${p.severity}`);
        checked.push(where);
      }
    }
    expect(checked.sort()).toEqual(Object.keys(PRESETS).map(p => `preset-options.ts ${p}`).sort());
  });

  test('lists every annotation id users can acknowledge, and no other', () => {
    const inCode = new Set(sources(path.join(ROOT, 'src'))
      .flatMap(f => [...fs.readFileSync(f, 'utf8').matchAll(/add(?:Warning|Info)V2\(\s*'(cdk-watchkeeper:[\w.]+)'/g)].map(m => m[1])));
    const section = DEVELOPMENT_PAGE.slice(DEVELOPMENT_PAGE.indexOf('### Warnings and notes you can acknowledge'));
    const inReadme = new Set([...section.matchAll(/`(cdk-watchkeeper:[\w.]+)`/g)].map(m => m[1]));
    expect(inCode.size).toBeGreaterThan(20);
    expect([...inCode].filter(id => !inReadme.has(id))).toEqual([]);
    expect([...inReadme].filter(id => !inCode.has(id))).toEqual([]);
  });
});
