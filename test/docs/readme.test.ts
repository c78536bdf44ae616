import * as fs from 'fs';
import * as path from 'path';
import { aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { PRESETS } from '../../src/alarms/private/preset-builder';

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** The README's preset table, one row per preset prop. */
function presetRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of README.split('\n')) {
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
  test('the preset table says what the single preset table in code says', () => {
    const rows = presetRows();
    expect([...rows.keys()].sort()).toEqual(Object.keys(PRESETS).sort());
    for (const [name, p] of Object.entries(PRESETS)) {
      const [, , statistic, when, period, datapoints, missing, severity] = rows.get(name)!;
      const where = `README preset row ${name}`;
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
    const section = README.slice(README.indexOf('### Warnings and notes you can acknowledge'));
    const inReadme = new Set([...section.matchAll(/`(cdk-watchkeeper:[\w.]+)`/g)].map(m => m[1]));
    expect(inCode.size).toBeGreaterThan(20);
    expect([...inCode].filter(id => !inReadme.has(id))).toEqual([]);
    expect([...inReadme].filter(id => !inCode.has(id))).toEqual([]);
  });
});
