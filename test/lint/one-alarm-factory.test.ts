import * as fs from 'fs';
import * as path from 'path';

const SRC = path.join(__dirname, '..', '..', 'src');
const FACTORY = path.join('core', 'private', 'alarm-factory.ts');
const CREATES_ALARM = /new\s+(cloudwatch\.)?(Alarm|CompositeAlarm|AnomalyDetectionAlarm|CfnAlarm|CfnCompositeAlarm|LogQueryAlarm)\s*\(|\.createAlarm\s*\(|type:\s*'AWS::CloudWatch::(Alarm|CompositeAlarm|LogAlarm)'/g;
const ALARM_SET = path.join('core', 'alarm-set.ts');
const IMPORTS_FACTORY = /from '[^']*\/alarm-factory'/;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('one alarm pipeline', () => {
  test('every CloudWatch alarm of the library is created in core/private/alarm-factory.ts', () => {
    const elsewhere = sources(SRC)
      // the factory, and the L1 of AWS::CloudWatch::LogAlarm that only the factory instantiates
      .filter(file => ![FACTORY, path.join('core', 'private', 'log-query-alarm.ts')].includes(path.relative(SRC, file)))
      .flatMap(file => [...fs.readFileSync(file, 'utf8').matchAll(CREATES_ALARM)].map(m => `${path.relative(SRC, file)}: ${m[0]}`));
    expect(elsewhere).toEqual([]);
  });

  test('only AlarmSet uses the factory: every alarm enters through an AlarmSet', () => {
    const importers = sources(SRC)
      .filter(file => IMPORTS_FACTORY.test(fs.readFileSync(file, 'utf8')))
      .map(file => path.relative(SRC, file));
    expect(importers).toEqual([ALARM_SET]);
    expect(IMPORTS_FACTORY.test("import { createMetricAlarm } from '../core/private/alarm-factory';")).toBe(true);
  });

  test('the check sees an alarm created outside the factory (negative control)', () => {
    const code = 'const a = metric.createAlarm(this, "A", {});\nconst b = new cloudwatch.Alarm(this, "B", {});\n'
      + "const c = new CfnResource(this, 'C', { type: 'AWS::CloudWatch::LogAlarm' });\n";
    expect([...code.matchAll(CREATES_ALARM)].map(m => m[0])).toEqual(['.createAlarm(', 'new cloudwatch.Alarm(', "type: 'AWS::CloudWatch::LogAlarm'"]);
    expect(fs.readFileSync(path.join(SRC, FACTORY), 'utf8').match(CREATES_ALARM)?.length).toBeGreaterThanOrEqual(3);
  });
});
