import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_lambda as lambda } from 'aws-cdk-lib';
import { SynthesizedExample, synthExample } from './example-report';
import { AlarmRouting, AlarmSet, AlarmSeverity, AlertTopic, CostReport, InstanceAlarms, MonitoringReport } from '../../src';
import { esc } from '../../src/report/private/render-html.pure';
import { REPORT_SCHEMA, REPORT_SCHEMA_VERSION } from '../../src/report/private/report-model.pure';
import type { ReportModel } from '../../src/report/private/report-model.pure';
import { TEST_ENV } from '../helpers';
import { importedVpc } from '../service/fake-agent-metrics';

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

  test('carries the name a notification carries: the alarm\'s name, or the start of the one CloudFormation generates', () => {
    const all = model.stacks.flatMap(s => s.alarms);
    const generated = all.filter(a => a.generatedName);
    const named = all.filter(a => !a.generatedName);
    expect(generated.length).toBeGreaterThan(0);
    expect(named.length).toBeGreaterThan(0);
    for (const a of generated) {
      expect(example.template.Resources[a.logicalId].Properties.AlarmName).toBeUndefined();
      expect(a.notificationName).toBe(`WatchkeeperExample-${a.logicalId}-`);
    }
    for (const a of named) expect(a.notificationName).toBe(example.template.Resources[a.logicalId].Properties.AlarmName);
    // The services name their preset alarms: none of them is left to CloudFormation.
    expect(generated.filter(a => /^WatchkeeperExample\/(Api|Worker)\/Alarms\d*\//.test(a.path)).map(a => a.path)).toEqual([]);
  });

  test('counts the alarms by what they do, security-audit alarms apart, and says what each count counts', () => {
    const all = model.stacks.flatMap(s => s.alarms);
    const service = all.filter(a => !a.securityAudit);
    const n = (severity: string) => service.filter(a => a.severity === severity).length;
    const audit = all.length - service.length;
    expect(audit).toBeGreaterThan(0);
    const line = `${all.length} alarms in all: ${n('CRITICAL')} page on-call (CRITICAL service alarms), ${n('WARNING')} warn (WARNING), `
      + `${n('INFO')} inform (INFO), ${audit} security-audit alarms (CIS controls, audit-trail delivery).`;
    expect(markdown).toContain(line);
    const overview = /<div class="overview" id="overview">(.*?)<\/div><\/div>/s.exec(html)![1];
    expect(overview).toContain(`<b>${n('CRITICAL')}</b>page on-call (CRITICAL service alarms)`);
    expect(overview).toContain(`<b>${audit}</b>security-audit alarms (CIS controls, audit-trail delivery)`);
  });

  test('shows every CRITICAL service alarm as a card: notification name, what to do, runbook, who receives it, planned downtime', () => {
    const pages = model.stacks.flatMap(s => s.alarms).filter(a => a.severity === 'CRITICAL' && !a.securityAudit);
    const section = html.slice(html.indexOf('<section id="pages">'), html.indexOf('</section>', html.indexOf('<section id="pages">')));
    const cards = section.split('<article class="alarm-card"').slice(1);
    expect(cards.map(c => /data-alarm="(\w+)"/.exec(c)![1])).toEqual(pages.map(a => a.logicalId));
    cards.forEach((card, i) => {
      const a = pages[i];
      expect(card).toContain(`<span class="notif">${esc(a.notificationName)}`);
      expect(a.description.length).toBeGreaterThan(20);
      expect(card).toContain(esc(a.description));
      expect(card).toContain(a.runbook ? `<a href="${esc(a.runbook)}">` : 'no runbook');
      expect(a.recipients.length).toBeGreaterThan(0);
      for (const r of a.recipients) expect(card).toContain(esc(r));
      expect(card).toContain(esc(a.plannedDowntime));
    });
    for (const a of pages) {
      expect(markdown).toContain(`### ${a.generatedName ? `${a.notificationName}…` : a.notificationName}`);
      expect(markdown).toContain(`- **What happened, what to do:** ${a.description}`);
    }
  });

  test('names every subscriber with its protocol and endpoint as who receives an alarm', () => {
    const legacy = model.stacks[0].alarms.find(a => a.name === 'example-legacy-host-SystemStatusCheck')!;
    expect(legacy.recipients).toEqual(['EC2 recover', 'email oncall@example.com via WatchkeeperExample/Alerts']);
  });

  test('counts a subscriber whose alarm-tag filter the notification passes, and leaves out one it does not', () => {
    const all = model.stacks.flatMap(s => s.alarms);
    const sms = 'sms +14155550100 (only alarms tagged severity CRITICAL, owner orders-team) via WatchkeeperExample/Alerts';
    const orders = all.find(a => a.path === 'WatchkeeperExample/Api/Alarms/SystemStatusCheck')!;
    expect(orders.tags).toEqual(expect.arrayContaining(['owner=orders-team', 'severity=CRITICAL']));
    expect(orders.recipients).toContain(sms);
    const legacy = all.find(a => a.name === 'example-legacy-host-SystemStatusCheck')!;
    expect(legacy.tags).not.toContain('owner=orders-team');
    expect(legacy.recipients.some(r => r.startsWith('sms '))).toBe(false);
    const topic = model.stacks[0].topics.find(t => t.path === 'WatchkeeperExample/Alerts')!;
    expect(topic.subscribers).toContain('sms +14155550100 (only alarms tagged severity CRITICAL, owner orders-team)');
  });

  test('names every subscriber by protocol and endpoint, also for an alarm that notifies through a composite', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'watchkeeper-recipients-'));
    try {
      const app = new App({ outdir });
      const stack = new Stack(app, 'Svc', { env: TEST_ENV });
      const pager = new lambda.Function(stack, 'Pager', {
        runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};'),
      });
      const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'], httpsEndpoints: ['https://pager.example.com/hook'], lambdaFunctions: [pager] });
      const host = new ec2.Instance(stack, 'Host', {
        vpc: importedVpc(stack), instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      });
      new InstanceAlarms(stack, 'HostAlarms', {
        instance: host,
        routing: AlarmRouting.toTopic(alerts),
        alarmNamePrefix: 'host',
        livenessSuppressor: cloudwatch.Alarm.fromAlarmName(stack, 'Maintenance', 'maintenance-window'),
      });
      MonitoringReport.of(app);
      app.synth();
      const report: ReportModel = JSON.parse(fs.readFileSync(path.join(outdir, 'monitoring-report.json'), 'utf-8'));
      const alarm = (p: string) => report.stacks[0].alarms.find(a => a.path === p)!;
      const subscribers = ['email oncall@example.com', 'https https://pager.example.com/hook', 'lambda Svc/Pager'];
      expect(alarm('Svc/HostAlarms/Cpu').recipients.sort()).toEqual(subscribers.map(x => `${x} via Svc/Alerts`).sort());
      // The status check has no action of its own: the composite that the suppressor silences notifies for it.
      const check = alarm('Svc/HostAlarms/SystemStatusCheck');
      expect(check.alarmActions.filter(x => !x.startsWith('EC2'))).toEqual([]);
      const notifier = report.stacks[0].alarms.find(a => a.kind === 'composite' && a.watches.includes('host-SystemStatusCheck'))!;
      expect(check.recipients.filter(x => x !== 'EC2 recover').sort())
        .toEqual(subscribers.map(x => `${x} via Svc/Alerts (through the composite alarm ${notifier.name})`).sort());
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('groups the CIS controls and the audit trail\'s delivery alarm as security-audit alarms, labelled, apart from the pages', () => {
    const all = model.stacks.flatMap(s => s.alarms);
    const audit = all.filter(a => a.securityAudit);
    const cis = Object.entries(example.template.Resources as Record<string, any>)
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.Namespace === 'CISBenchmark').map(([id]) => id);
    expect(cis.length).toBeGreaterThan(10);
    expect(audit.map(a => a.logicalId).sort()).toEqual([...cis, all.find(a => a.path === 'WatchkeeperExample/Audit/Alarms/NoEvents')!.logicalId].sort());
    for (const a of audit) expect(a.securityAudit).toMatch(a.path.includes('/Cis/') ? /^CIS AWS Foundations Benchmark control/ : /^audit-trail delivery/);
    const pages = html.slice(html.indexOf('<section id="pages">'), html.indexOf('<section id="security-audit">'));
    const group = html.slice(html.indexOf('<section id="security-audit">'), html.indexOf('</section>', html.indexOf('<section id="security-audit">')));
    for (const a of audit) {
      expect(pages).not.toContain(`data-alarm="${a.logicalId}"`);
      expect(group).toContain(`data-alarm="${a.logicalId}"`);
      expect(group).toContain(esc(a.securityAudit));
    }
    expect(markdown).toContain(`## Security-audit alarms (${audit.length})`);
  });

  test('monitoring-report.json says what it is and the version of its layout', () => {
    expect(model.schema).toBe(REPORT_SCHEMA);
    expect(model.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(Number.isInteger(model.schemaVersion) && model.schemaVersion >= 2).toBe(true);
    expect(Object.keys(model).slice(0, 2)).toEqual(['schema', 'schemaVersion']);
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

  test('the HTML page is self-contained, with a search box, the alarm counts and a drawing of each dashboard', () => {
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(html.indexOf('<input id="search"')).toBeGreaterThan(0);
    expect(html.indexOf('<input id="search"')).toBeLessThan(html.indexOf('id="overview"'));
    expect(html.indexOf('id="overview"')).toBeLessThan(html.indexOf('<section id="pages">'));
    // every card and table row of an alarm carries what the search matches
    for (const a of model.stacks.flatMap(s => s.alarms)) {
      expect(html).toContain(`data-alarm="${a.logicalId}" data-name="${esc(a.notificationName.toLowerCase())}"`);
    }
    expect((html.match(/<svg class="dash"/g) ?? []).length).toBe(model.stacks[0].dashboards.length);
    expect(html).toContain('data-report-ready');
  });

  describe('after synthesis', () => {
    /** What a small app with a cost report writes to standard error while it synthesizes. */
    function synthOutput(options: { cdkCli: boolean; printSummary?: boolean }): { outdir: string; lines: string[]; cost: CostReport } {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'watchkeeper-summary-'));
      const written: string[] = [];
      const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
        written.push(String(chunk));
        return true;
      });
      const cwd = jest.spyOn(process, 'cwd').mockReturnValue(path.dirname(outdir));
      const was = process.env.CDK_OUTDIR;
      if (options.cdkCli) process.env.CDK_OUTDIR = outdir;
      try {
        const app = new App({ outdir });
        const stack = new Stack(app, 'Svc', { env: TEST_ENV });
        new AlarmSet(stack, 'Alarms', { alertTopic: new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] }) })
          .addAlarm('Cpu', new cloudwatch.Metric({ namespace: 'CWAgent', metricName: 'cpu_usage_active' }), { threshold: 90, severity: AlarmSeverity.CRITICAL });
        const cost = new CostReport(stack, 'Cost');
        new MonitoringReport(app, 'MonitoringReport', { printSummary: options.printSummary });
        app.synth();
        return { outdir, lines: written.join('').split('\n').filter(Boolean), cost };
      } finally {
        spy.mockRestore();
        cwd.mockRestore();
        if (was === undefined) delete process.env.CDK_OUTDIR; else process.env.CDK_OUTDIR = was;
      }
    }

    test('prints one line naming the HTML report and the monthly estimate when the CDK CLI runs the app', () => {
      const { outdir, lines, cost } = synthOutput({ cdkCli: true });
      fs.rmSync(outdir, { recursive: true, force: true });
      expect(lines).toEqual([`Monitoring report: ${path.basename(outdir)}/monitoring-report.html (2 alarms, 1 page on-call); `
        + `estimated monitoring cost $${cost.totalMonthlyUsd().toFixed(2)}/month`]);
    });

    test('prints nothing when a test synthesizes the app, or when printSummary is false', () => {
      for (const options of [{ cdkCli: false }, { cdkCli: true, printSummary: false }]) {
        const { outdir, lines } = synthOutput(options);
        fs.rmSync(outdir, { recursive: true, force: true });
        expect(lines).toEqual([]);
      }
    });
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
