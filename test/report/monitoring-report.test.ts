import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { SynthesizedExample, synthExample } from './example-report';
import { MonitoringReport } from '../../src';
import type { ReportModel } from '../../src/report/private/report-model.pure';

let example: SynthesizedExample;
let model: ReportModel;
let markdown: string;
let html: string;

beforeAll(() => {
  example = synthExample();
  model = JSON.parse(fs.readFileSync(path.join(example.outdir, 'monitoring-report.json'), 'utf-8'));
  markdown = fs.readFileSync(path.join(example.outdir, 'monitoring-report.md'), 'utf-8');
  html = fs.readFileSync(path.join(example.outdir, 'monitoring-report.html'), 'utf-8');
});
afterAll(() => fs.rmSync(example.outdir, { recursive: true, force: true }));

describe('MonitoringReport', () => {
  test('writes Markdown, HTML and JSON next to the templates at synthesis', () => {
    expect(example.filesBeforeSynth.filter(f => f.startsWith('monitoring-report'))).toEqual([]);
    const files = fs.readdirSync(example.outdir);
    expect(files).toEqual(expect.arrayContaining([
      'WatchkeeperExample.template.json', 'monitoring-report.md', 'monitoring-report.html', 'monitoring-report.json',
    ]));
  });

  test('names every metric, composite and log alarm of the example, in every format', () => {
    const alarms = Object.entries(example.template.Resources as Record<string, any>)
      .filter(([, r]) => ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm', 'AWS::CloudWatch::LogAlarm'].includes(r.Type));
    expect(alarms.length).toBeGreaterThan(40);
    const reported = model.stacks.flatMap(s => s.alarms);
    expect(reported.map(a => a.logicalId).sort()).toEqual(alarms.map(([id]) => id).sort());
    for (const a of reported) {
      expect(markdown).toContain(`\`${a.path}\``);
      expect(html).toContain(`<code>${a.path}</code>`);
      if (a.name !== '(generated)') {
        expect(markdown).toContain(a.name);
      }
    }
  });

  test('shows each alarm as its template defines it', () => {
    const alarm = model.stacks[0].alarms.find(a => a.name === 'example-legacy-host-SystemStatusCheck')!;
    const props = example.template.Resources[alarm.logicalId].Properties;
    expect(alarm).toMatchObject({
      kind: 'metric',
      watches: 'AWS/EC2/StatusCheckFailed_System {InstanceId=i-0123456789abcdef0} Maximum per 1 min',
      condition: `>= ${props.Threshold}`,
      evaluation: `${props.DatapointsToAlarm} of ${props.EvaluationPeriods} × 1 min`,
      missingData: 'breaching',
      liveness: true,
      runbook: 'https://wiki.example.com/runbooks/legacy-host',
    });
    expect(alarm.alarmActions).toEqual(['EC2 recover', 'WatchkeeperExample/Alerts (email, sms)']);
    expect(alarm.okActions).toEqual(['WatchkeeperExample/Alerts (email, sms)']);
    expect(alarm.insufficientDataActions).toEqual([]);
  });

  test('reads the severity the alarm routing recorded', () => {
    const all = model.stacks.flatMap(s => s.alarms);
    const byName = (name: string) => all.find(a => a.name === name)!;
    expect(byName('example-fleet-AnyStatusCheckFailed').severity).toBe('CRITICAL');
    expect(byName('example-fleet-BusiestCpu').severity).toBe('WARNING');
    expect(byName('example-fleet-LegacyHostDown').severity).toBe('CRITICAL');
    // Every alarm goes through the one alarm pipeline, the topic's own delivery alarm included.
    expect(all.find(a => a.path === 'WatchkeeperExample/Alerts/Alarms/FailedDelivery')!.severity).toBe('WARNING');
    expect(all.filter(a => a.severity === '').map(a => a.path)).toEqual([]);
    expect(markdown).toMatch(/\d+ alarms: [1-9]\d* page \(CRITICAL\), [1-9]\d* warn \(WARNING\)/);
  });

  test('says how planned downtime silences the liveness alarms of scheduled and idle-shutdown instances', () => {
    const all = model.stacks.flatMap(s => s.alarms);
    const worker = all.filter(a => a.path.startsWith('WatchkeeperExample/Worker') && a.liveness && a.kind === 'metric');
    expect(worker.length).toBeGreaterThan(0);
    for (const a of worker) {
      expect(a.plannedDowntime).toContain('muted by 3 mute rule(s) of WatchkeeperExample/WorkerOfficeHours');
      expect(a.muteRules).toEqual([
        'WatchkeeperExample/WorkerOfficeHours/StopWindowMute: cron(0 20 * * MON-THU) for PT11H (Europe/Berlin)',
        'WatchkeeperExample/WorkerOfficeHours/StopWindowMute2: cron(0 20 * * FRI) for P2DT11H (Europe/Berlin)',
        'WatchkeeperExample/WorkerOfficeHours/StopWindowMute3: cron(0 6 * * MON-FRI) for PT1H15M (Europe/Berlin)',
      ]);
      expect(a.plannedDowntime).toContain('idle shutdown');
    }
    expect(all.find(a => a.name === 'example-fleet-BusiestCpu')!.plannedDowntime).toMatch(/^not needed/);
  });

  test('marks no alarm of the example NOT silenced: nothing stops the instances of its unsilenced liveness alarms', () => {
    const all = model.stacks.flatMap(s => s.alarms);
    expect(all.filter(a => a.plannedDowntime.startsWith('NOT silenced')).map(a => a.path)).toEqual([]);
    const nothingStops = 'not needed (no schedule or idle shutdown of the app stops what it watches)';
    for (const p of ['WatchkeeperExample/ApiAppLogs/ApiSilentSet/ApiSilent', 'WatchkeeperExample/Audit/Alarms/NoEvents']) {
      expect(all.find(a => a.path === p)).toMatchObject({ liveness: true, plannedDowntime: nothingStops });
    }
    // the API's alarms are muted by its own maintenance window, which says so instead
    expect(all.find(a => a.path === 'WatchkeeperExample/Api/Alarms/SystemStatusCheck')!.plannedDowntime).toMatch(/^muted by 1 mute rule\(s\) of WatchkeeperExample\/ApiPatching/);
  });

  test('lists each alarm\'s warm-up, mute rules and tags, the log alarm included', () => {
    const all = model.stacks.flatMap(s => s.alarms);
    const status = all.find(a => a.name === 'example-legacy-host-SystemStatusCheck')!;
    expect(status.warmUp).toMatch(/^up to \d+ min$/);
    expect(status.tagPropagation).toBe('service, severity, runbook, owner');
    expect(status.tags).toEqual(expect.arrayContaining(['severity=CRITICAL', 'runbook=https://wiki.example.com/runbooks/legacy-host']));
    const patched = all.filter(a => a.path.startsWith('WatchkeeperExample/Api/Alarms/'));
    expect(patched.length).toBeGreaterThan(0);
    for (const a of patched) {
      expect(a.muteRules).toContain('WatchkeeperExample/ApiPatching/MuteRule: cron(0 3 * * SUN) for PT1H (Europe/Berlin)');
      expect(a.tags).toEqual(expect.arrayContaining(['owner=orders-team', 'service=orders-api']));
    }
    const log = all.find(a => a.kind === 'log')!;
    expect(log.watches).toContain('(notifications carry up to 20 log lines)');
    expect(log.warmUp).toBe('up to 12 min');
    expect(all.find(a => a.name === 'example-fleet-BusiestCpu')!.warmUp).toMatch(/^up to/);
    expect(markdown).toContain('| Warm-up | Mute rules | Tags (in notifications) |');
  });

  test('carries the cost report\'s numbers and table unchanged', () => {
    expect(model.costs).toHaveLength(1);
    expect(model.costs[0].totalMonthlyUsd).toBe(example.costReport.totalMonthlyUsd());
    expect(markdown).toContain(example.costReport.renderTable());
    expect(html).toContain(`$${example.costReport.totalMonthlyUsd().toFixed(2)}`);
  });

  test('reports log groups, agents, schedules, idle shutdown, notifications, the trail and dashboards', () => {
    const s = model.stacks[0];
    const count = (type: string) => Object.values(example.template.Resources as Record<string, any>).filter(r => r.Type === type).length;
    expect(s.logGroups).toHaveLength(count('AWS::Logs::LogGroup'));
    expect(s.logGroups.find(g => g.name === '/example/orders-api/app')).toMatchObject({ retention: '90 days', removalPolicy: 'Retain' });
    expect(s.agents).toHaveLength(2);
    expect(s.agents[0].plugins.join(' ')).toContain('mem: used_percent');
    expect(s.agents[0].series).toMatch(/agent series per instance/);
    expect(s.schedules.find(x => x.path.endsWith('OfficeHours/Stop'))!.when).toBe('at 20:00 Mon–Fri (Europe/Berlin)');
    expect(s.idleShutdown).toHaveLength(1);
    expect(s.idleShutdown[0]).toMatchObject({ schedule: 'every hour', dryRun: false });
    expect(s.idleShutdown[0].rule).toContain('peak CPU stayed below 5 %');
    expect(s.notifications.length).toBe(count('AWS::Events::Rule') - 1);
    expect(s.trails[0].settings).toContain('all Regions');
    expect(s.dashboards).toHaveLength(count('AWS::CloudWatch::Dashboard'));
    expect(s.dashboards[0].widgets[0]).toMatchObject({ type: 'text', x: 0, y: 0, width: 24 });
  });

  test('the HTML page is self-contained, with a severity overview and a drawing of each dashboard', () => {
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(html).toContain('id="overview"');
    expect((html.match(/<svg class="dash"/g) ?? []).length).toBe(model.stacks[0].dashboards.length);
    expect(html).toContain('data-report-ready');
  });

  test('MonitoringReport.of returns the one report of an app', () => {
    const app = new App();
    expect(MonitoringReport.of(app)).toBe(MonitoringReport.of(app));
  });

  test('fails inside a stack', () => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new MonitoringReport(stack, 'Report')).toThrow(/scope must be the App/);
  });

  test('fails with a second report in the same app', () => {
    const app = new App();
    new MonitoringReport(app, 'One');
    expect(() => new MonitoringReport(app, 'Two')).toThrow(/one MonitoringReport/);
  });
});
