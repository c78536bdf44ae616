import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { AlarmRouting, AlarmSet, AlarmSeverity, AlarmWarmUp, AlertTopic, CostReport, MaintenanceWindow, MonitoringReport } from '../../src';
import { main } from '../../src/report/private/report-cli';

const dirs: string[] = [];
afterAll(() => dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

/** Synthesizes a small app with a CPU alarm (and optionally a memory alarm); returns its cloud assembly directory. */
function synth(cpuThreshold: number, withMemory: boolean, cpuSeverity = AlarmSeverity.WARNING): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'watchkeeper-diff-'));
  dirs.push(outdir);
  const app = new App({ outdir });
  const stack = new Stack(app, 'Service');
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
  const set = new AlarmSet(stack, 'Alarms', { routing: AlarmRouting.toTopic(alerts), alarmNamePrefix: 'svc' });
  const metric = (name: string) => new cloudwatch.Metric({ namespace: 'CWAgent', metricName: name });
  set.addAlarm('Cpu', metric('cpu_usage_active'), { threshold: cpuThreshold, severity: cpuSeverity });
  if (withMemory) set.addAlarm('Memory', metric('mem_used_percent'), { threshold: 90 });
  new CostReport(stack, 'Cost');
  MonitoringReport.of(app);
  app.synth();
  return outdir;
}

/** The same CPU alarm, with the 2026 features set one way or another. */
function synthFeatures(changed: boolean): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'watchkeeper-diff-'));
  dirs.push(outdir);
  const app = new App({ outdir });
  const stack = new Stack(app, 'Service');
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
  const set = new AlarmSet(stack, 'Alarms', {
    routing: AlarmRouting.toTopic(alerts),
    alarmNamePrefix: 'svc',
    owner: changed ? 'payments' : undefined,
    warmUp: changed ? AlarmWarmUp.of(Duration.minutes(30)) : undefined,
  });
  const cpu = set.addAlarm('Cpu', new cloudwatch.Metric({ namespace: 'CWAgent', metricName: 'cpu_usage_active' }), { threshold: 80 });
  if (changed) new MaintenanceWindow(stack, 'Patching', { schedule: 'cron(0 2 * * SUN)', duration: Duration.hours(2), timeZone: 'UTC', alarms: [cpu] });
  MonitoringReport.of(app);
  app.synth();
  return outdir;
}

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, t => { out += t; }, t => { err += t; });
  return { code, out, err };
}

describe('cdk-watchkeeper-report diff', () => {
  test('lists alarms added and changed, and the change in monthly cost', () => {
    const before = synth(80, false);
    const after = synth(85, true, AlarmSeverity.CRITICAL);
    const { code, out } = run(['diff', before, after]);
    expect(code).toBe(0);
    expect(out).toContain('**Alarms:** 1 added, 0 removed, 1 changed (2 → 3).');
    expect(out).toMatch(/### Added alarms[\s\S]*svc-Memory<br>`Service\/Alarms\/Memory` \| WARNING \| CWAgent\/mem_used_percent Average per 5 min \| >= 90/);
    expect(out).toContain('| `Service/Alarms/Cpu` | threshold | >= 80 | >= 85 |');
    expect(out).toContain('| `Service/Alarms/Cpu` | severity | WARNING | CRITICAL |');
    // One more standard alarm: $0.10 a month at us-east-1 prices.
    expect(out).toMatch(/\*\*Monthly cost \(estimate\):\*\* \$(\d+\.\d\d) → \$(\d+\.\d\d) \(\+\$0\.10\)/);
    expect(out).toContain('| Standard-resolution alarms | $0.20 | $0.30 | +$0.10 |');
  });

  test('reports changes to an alarm\'s warm-up, mute rules and tags', () => {
    const { out } = run(['diff', synthFeatures(false), synthFeatures(true)]);
    expect(out).toContain('| `Service/Alarms/Cpu` | warm-up | up to 18 min | up to 30 min |');
    expect(out).toContain('| `Service/Alarms/Cpu` | mute rules | — | Service/Patching/MuteRule: cron(0 2 * * SUN) for PT2H (UTC) |');
    expect(out).toContain('| `Service/Alarms/Cpu` | tags | owner=unassigned; runbook=none; service=Service; severity=WARNING | owner=payments; runbook=none; service=Service; severity=WARNING |');
  });

  test('lists removed alarms and says when nothing changed', () => {
    const before = synth(80, true);
    const after = synth(80, false);
    expect(run(['diff', before, after]).out).toMatch(/1 removed[\s\S]*### Removed alarms[\s\S]*svc-Memory/);
    expect(run(['diff', after, synth(80, false)]).out).toContain('No change to alarms or cost.');
  });

  test('fails with a message when a directory has no report', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'watchkeeper-diff-'));
    dirs.push(empty);
    const { code, err } = run(['diff', empty, empty]);
    expect(code).toBe(1);
    expect(err).toContain('monitoring-report.json not found: synthesize the app with MonitoringReport.of(app) first');
  });

  test('fails with the usage on unknown arguments', () => {
    const { code, err } = run(['compare']);
    expect(code).toBe(2);
    expect(err).toContain('Usage: cdk-watchkeeper-report diff OLD_CDK_OUT NEW_CDK_OUT');
  });
});
