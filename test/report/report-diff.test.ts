import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_logs as logs } from 'aws-cdk-lib';
import {
  AgentConfig, AgentPlugin, AlarmRouting, AlarmSet, AlarmSeverity, AlarmWarmUp, AlertTopic, CloudWatchAgent, CostReport, IdleShutdown,
  MaintenanceWindow, MonitoringReport, ScheduledStartStop,
} from '../../src';
import { main } from '../../src/report/private/report-cli';
import { diffReports } from '../../src/report/private/report-diff.pure';
import { REPORT_SCHEMA_VERSION, ReportModel } from '../../src/report/private/report-model.pure';
import { TEST_ENV } from '../helpers';
import { importedVpc } from '../service/fake-agent-metrics';

const ROOT = path.join(__dirname, '..', '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'watchkeeper-diff-'));
  dirs.push(dir);
  return dir;
}

/** What varies between the two synths of the small app. */
interface Variant {
  readonly cpuThreshold?: number;
  readonly cpuSeverity?: AlarmSeverity;
  readonly withMemory?: boolean;
  readonly emails?: string[];
  readonly agentLogFile?: boolean;
  readonly retentionDays?: logs.RetentionDays;
  readonly widgetTitle?: string;
  readonly stopAt?: string;
  readonly idleDryRun?: boolean;
}

/** Synthesizes a small app with the monitoring report; returns its cloud assembly directory. */
function synth(v: Variant = {}): string {
  const outdir = tempDir();
  const app = new App({ outdir });
  const stack = new Stack(app, 'Service', { env: TEST_ENV });
  const alerts = new AlertTopic(stack, 'Alerts', { emails: v.emails ?? ['oncall@example.com'] });
  const set = new AlarmSet(stack, 'Alarms', { routing: AlarmRouting.toTopic(alerts), alarmNamePrefix: 'svc' });
  const metric = (name: string) => new cloudwatch.Metric({ namespace: 'CWAgent', metricName: name });
  set.addAlarm('Cpu', metric('cpu_usage_active'), { threshold: v.cpuThreshold ?? 80, severity: v.cpuSeverity ?? AlarmSeverity.WARNING });
  if (v.withMemory) set.addAlarm('Memory', metric('mem_used_percent'), { threshold: 90 });
  new CloudWatchAgent(stack, 'Agent', {
    config: new AgentConfig({
      additionalMetrics: v.agentLogFile ? [AgentPlugin.cpu()] : [],
      logFiles: [
        { filePath: '/var/log/app.log', logGroupName: '/svc/app' },
        ...(v.agentLogFile ? [{ filePath: '/var/log/worker.log', logGroupName: '/svc/worker' }] : []),
      ],
    }),
  });
  new logs.LogGroup(stack, 'Audit', { logGroupName: '/svc/audit', retention: v.retentionDays ?? logs.RetentionDays.ONE_MONTH });
  new cloudwatch.Dashboard(stack, 'Board', { widgets: [[new cloudwatch.TextWidget({ markdown: `# ${v.widgetTitle ?? 'Service'}`, width: 24 })]] });
  const host = new ec2.Instance(stack, 'Host', {
    vpc: importedVpc(stack), instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
  new ScheduledStartStop(stack, 'OfficeHours', {
    instances: [host], alertTopic: alerts, start: 'cron(0 7 ? * MON-FRI *)', stop: v.stopAt ?? 'cron(0 20 ? * MON-FRI *)', timeZone: 'UTC',
  });
  new IdleShutdown(stack, 'Idle', { alertTopic: alerts, dryRun: v.idleDryRun ?? false });
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

/** A section of the diff's Markdown, from its heading to the next. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`### ${heading}\n`);
  if (start < 0) return '';
  const next = markdown.indexOf('\n### ', start + 1);
  return markdown.slice(start, next < 0 ? undefined : next);
}

const report = (dir: string): ReportModel => JSON.parse(fs.readFileSync(path.join(dir, 'monitoring-report.json'), 'utf-8'));

let base: string;
beforeAll(() => {
  base = synth();
}, 120_000);

describe('cdk-watchkeeper-report diff', () => {
  test('lists alarms added and changed, and the change in monthly cost line by line with quantities', () => {
    const after = synth({ cpuThreshold: 85, cpuSeverity: AlarmSeverity.CRITICAL, withMemory: true });
    const { code, out } = run(['diff', base, after]);
    expect(code).toBe(0);
    const before = report(base).stacks[0].alarms.length;
    expect(out).toContain(`**Alarms:** 1 added, 0 removed, 1 changed (${before} → ${before + 1}).`);
    expect(out).toMatch(/### Added alarms[\s\S]*svc-Memory<br>`Service\/Alarms\/Memory` \| WARNING \| CWAgent\/mem_used_percent Average per 5 min \| >= 90/);
    expect(out).toContain('| `Service/Alarms/Cpu` | threshold | >= 80 | >= 85 |');
    expect(out).toContain('| `Service/Alarms/Cpu` | severity | WARNING | CRITICAL |');
    // One more standard alarm: $0.10 a month at us-east-1 prices.
    expect(out).toMatch(/\*\*Monthly cost \(estimate\):\*\* \$(\d+\.\d\d) → \$(\d+\.\d\d) \(\+\$0\.10\)/);
    const alarms = (dir: string) => report(dir).costs[0].lines.find(l => l.item === 'Standard-resolution alarms')!.quantity;
    expect(section(out, 'Cost')).toContain(`| Standard-resolution alarms | ${alarms(base)} alarm metrics, $${(alarms(base) / 10).toFixed(2)} `
      + `| ${alarms(after)} alarm metrics, $${(alarms(after) / 10).toFixed(2)} | +1, +$0.10 |`);
  });

  test('shows an agent configuration change as its own section: plugins, metrics and log files', () => {
    const { code, out } = run(['diff', base, synth({ agentLogFile: true })]);
    expect(code).toBe(0);
    const agent = section(out, 'Agent configuration');
    expect(agent).toContain('| `Service/Agent/Parameter` | plugins added | — | cpu |');
    expect(agent).toMatch(/\| `Service\/Agent\/Parameter` \| metrics added \| — \| cpu: usage_active[^|]*\|/);
    expect(agent).toContain('| `Service/Agent/Parameter` | log files added | — | /var/log/worker.log → /svc/worker');
    expect(agent).toMatch(/\| `Service\/Agent\/Parameter` \| series \| 4 agent series per instance/);
    expect(out).toMatch(/\*\*Also changed:\*\* agent configuration \(4\)/);
    // The agent's new log group is a change of its own.
    expect(section(out, 'Log groups and retention')).toContain('log group added');
  });

  test('lists changes to dashboards, subscriptions, log group retention, schedules and idle settings', () => {
    const after = synth({
      widgetTitle: 'Orders service',
      emails: ['oncall@example.com', 'team@example.com'],
      retentionDays: logs.RetentionDays.ONE_YEAR,
      stopAt: 'cron(0 22 ? * MON-FRI *)',
      idleDryRun: true,
    });
    const { code, out } = run(['diff', base, after]);
    expect(code).toBe(0);
    expect(section(out, 'Dashboards')).toContain('| `Service/Board` | widgets added | — | text: Orders service |');
    expect(section(out, 'Dashboards')).toContain('| `Service/Board` | widgets removed | text: Service | — |');
    expect(section(out, 'Topics and subscriptions')).toContain('| `Service/Alerts` | subscriptions added | — | email team@example.com |');
    expect(section(out, 'Log groups and retention')).toContain('| `Service/Audit` | retention | 30 days | 365 days |');
    const schedules = section(out, 'Schedules, mute rules and idle settings');
    expect(schedules).toContain('| `Service/OfficeHours/Stop` | when | at 20:00 Mon–Fri (UTC) | at 22:00 Mon–Fri (UTC) |');
    expect(schedules).toMatch(/\| `Service\/Idle\/\S+` \| dry run \| false \| true \|/);
    // Who an alarm reaches changed with the topic's subscriptions.
    expect(section(out, 'Changed alarms')).toContain('| `Service/Alarms/Cpu` | who receives it | email oncall@example.com via Service/Alerts | '
      + 'email oncall@example.com via Service/Alerts; email team@example.com via Service/Alerts |');
  });

  test('reports changes to an alarm\'s warm-up, mute rules and tags', () => {
    const { out } = run(['diff', synthFeatures(false), synthFeatures(true)]);
    expect(out).toContain('| `Service/Alarms/Cpu` | warm-up | up to 18 min | up to 30 min |');
    expect(out).toContain('| `Service/Alarms/Cpu` | mute rules | — | Service/Patching/MuteRule: cron(0 2 * * SUN) for PT2H (UTC) |');
    expect(out).toContain('| `Service/Alarms/Cpu` | tags | owner=unassigned; runbook=none; service=Service; severity=WARNING | owner=payments; runbook=none; service=Service; severity=WARNING |');
  });

  test('lists removed alarms and says when nothing changed', () => {
    const withMemory = synth({ withMemory: true });
    expect(run(['diff', withMemory, base]).out).toMatch(/1 removed[\s\S]*### Removed alarms[\s\S]*svc-Memory/);
    expect(run(['diff', base, synth()]).out).toContain('No change to alarms, agent configuration, dashboards, topics, log groups, schedules or cost.');
  });

  test('compares a section it does not list by name entry by entry (mute rules)', () => {
    const model = report(base);
    const withRules = (expression: string): ReportModel => ({
      ...model,
      stacks: model.stacks.map(s => ({ ...s, muteRules: [{ logicalId: 'Mute', path: 'Service/Maintenance', schedule: expression, alarms: ['svc-Cpu'] }] })),
    });
    const out = diffReports(withRules('cron(0 2 ? * SUN *)'), withRules('cron(0 3 ? * SUN *)'));
    expect(section(out, 'Schedules, mute rules and idle settings')).toContain('| `Service/Maintenance` | schedule | cron(0 2 ? * SUN *) | cron(0 3 ? * SUN *) |');
  });

  test('compares a report of schema version 1 where the layout allows, and says what it did not compare', () => {
    const current = report(base);
    const v1 = JSON.parse(JSON.stringify(current));
    delete v1.schema;
    delete v1.schemaVersion;
    for (const s of v1.stacks) {
      delete s.dashboards;
      for (const a of s.alarms) for (const key of ['notificationName', 'generatedName', 'securityAudit', 'recipients', 'description']) delete a[key];
    }
    const file = path.join(tempDir(), 'monitoring-report.json');
    fs.writeFileSync(file, JSON.stringify(v1));
    const { code, out } = run(['diff', file, base]);
    expect(code).toBe(0);
    expect(out).toContain(`The reports have different layouts (schema version 1 → ${REPORT_SCHEMA_VERSION})`);
    expect(out).toContain('Dashboards: not compared: dashboards (only the new report carries them).');
    expect(out).toContain('**Alarms:** 0 added, 0 removed, 0 changed');
  });

  test('fails with one line naming the file and exit code 2 on bad input', () => {
    const dir = tempDir();
    const write = (name: string, text: string) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    };
    const good = path.join(base, 'monitoring-report.json');
    const newer = { ...report(base), schemaVersion: REPORT_SCHEMA_VERSION + 1 };
    const cases: Array<[string, string]> = [
      [write('corrupt.json', '{"stacks": [ '), 'corrupt.json: not valid JSON ('],
      [write('package.json', '{"name": "app", "version": "1.0.0"}'), 'package.json: not a monitoring report: expected the monitoring-report.json that MonitoringReport writes'],
      [write('list.json', '[1, 2]'), 'list.json: not a monitoring report: expected the monitoring-report.json that MonitoringReport writes into the cloud assembly, found a list'],
      [write('shape.json', JSON.stringify({ title: 't', stacks: [{ stackName: 'S' }], costs: [] })), 'shape.json: stacks[0] (S) has no "alarms" list'],
      [write('newer.json', JSON.stringify(newer)), `newer.json: written by a newer cdk-watchkeeper (report schema version ${REPORT_SCHEMA_VERSION + 1}`],
      [path.join(dir, 'missing.json'), 'missing.json: no such file or directory'],
      [tempDir(), 'monitoring-report.json: not found: synthesize the app with MonitoringReport.of(app) first'],
    ];
    for (const [file, message] of cases) {
      for (const args of [['diff', file, good], ['diff', good, file]]) {
        const { code, out, err } = run(args);
        expect(`${file}: ${code}`).toBe(`${file}: 2`);
        expect(out).toBe('');
        expect(err.split('\n')).toEqual([expect.stringContaining(message), '']);
        expect(err).toMatch(/^cdk-watchkeeper-report: \//);
        expect(err).not.toMatch(/Cannot read properties|TypeError|at \w+ \(/);
      }
    }
  });

  test('fails with the usage on unknown arguments', () => {
    const { code, err } = run(['compare']);
    expect(code).toBe(2);
    expect(err).toContain('Usage: cdk-watchkeeper-report diff OLD_CDK_OUT NEW_CDK_OUT');
  });

  // `npm ci` builds no lib/: the command runs the TypeScript source of a clone.
  test('the installed command runs in a clone without lib/', () => {
    const bin = path.join(ROOT, 'bin', 'cdk-watchkeeper-report');
    const copy = tempDir();
    fs.mkdirSync(path.join(copy, 'bin'));
    fs.copyFileSync(bin, path.join(copy, 'bin', 'cdk-watchkeeper-report'));
    fs.cpSync(path.join(ROOT, 'src'), path.join(copy, 'src'), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    expect(fs.existsSync(path.join(copy, 'lib'))).toBe(false);
    const result = spawnSync(process.execPath, [path.join(copy, 'bin', 'cdk-watchkeeper-report'), 'diff', base, base], { encoding: 'utf-8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('## Monitoring changes');
    const bad = spawnSync(process.execPath, [path.join(copy, 'bin', 'cdk-watchkeeper-report'), 'diff', base, path.join(copy, 'nothing.json')], { encoding: 'utf-8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    // The same command rehearses: its usage names both subcommands.
    const help = spawnSync(process.execPath, [path.join(copy, 'bin', 'cdk-watchkeeper-report'), '--help'], { encoding: 'utf-8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('cdk-watchkeeper-report diff OLD_CDK_OUT NEW_CDK_OUT');
    expect(help.stdout).toContain('cdk-watchkeeper-report rehearse CDK_OUT');
  }, 60_000);
});
