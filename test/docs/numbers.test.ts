import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { App, AppProps, CfnResource, Stack, aws_cloudwatch as cloudwatch, aws_ec2 as ec2 } from 'aws-cdk-lib';
import * as ts from 'typescript';
import { Facts, checkedPages, disagreements, markedNumbers, read, strayMarkers, unmarkedNumbers } from './checked-numbers';
import { codeBlocks, isTypeScript } from './snippets';
import * as watchkeeper from '../../src';
import {
  AgentConfig, AgentPlugin, AlarmRouting, AlertTopic, AutoScalingGroupAlarms, CostReport, IdleShutdown, InstanceAlarms, ScheduledStartStop,
} from '../../src';
import { US_EAST_1_PRICES as PRICES, customMetricsMonthly } from '../../src/cost/private/cloudwatch-prices.pure';
import { CostEstimate } from '../../src/cost/private/cost-estimate.pure';
import { MAX_ALARMS_PER_MUTE_RULE, MAX_MUTE_RULES } from '../../src/private/alarm-mute-rules';
import { DASHBOARD_LIMITS } from '../../src/private/dashboard-limits';
import { MAX_RESOURCES_PER_STACK, WARN_AT } from '../../src/private/stack-budget';
import { STOCK_SCENARIOS } from '../../src/rehearsal/stock-scenarios.pure';
import { synthExample } from '../report/example-report';

/**
 * Metrics EC2 detailed monitoring bills per instance (Amazon CloudWatch pricing page, example
 * "EC2 Detailed Monitoring": 7 metrics per instance, each priced as a custom metric).
 */
const EC2_DETAILED_MONITORING_METRICS = 7;

const dirs: string[] = [];
afterAll(() => dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'watchkeeper-docs-'));
  dirs.push(dir);
  return dir;
}

const notMetadata = (r: CfnResource) => r.cfnResourceType !== 'AWS::CDK::Metadata';
function resourcesOf(scope: { node: { findAll(): any[] } }): CfnResource[] {
  return scope.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c)).filter(notMetadata);
}

/** Metrics CloudWatch bills a standard-resolution metric or math alarm for (fails on any other kind). */
function alarmMetrics(alarm: cloudwatch.CfnAlarm): number {
  const stack = Stack.of(alarm);
  const queries: any[] = stack.resolve(alarm.metrics) ?? [];
  const periods = queries.length ? queries.filter(q => q.metricStat).map(q => q.metricStat.period) : [stack.resolve(alarm.period)];
  const special = queries.some(q => /ANOMALY_DETECTION_BAND|SELECT/i.test(String(q.expression ?? '')));
  if (special || periods.some(p => p < 60)) throw new Error(`${alarm.node.path} is not a standard-resolution metric or math alarm`);
  return Math.max(1, queries.filter(q => q.metricStat).length);
}
const alarmsIn = (resources: CfnResource[]) => resources.filter((r): r is cloudwatch.CfnAlarm => r instanceof cloudwatch.CfnAlarm);
const alarmUsd = (resources: CfnResource[]) => alarmsIn(resources).reduce((t, a) => t + alarmMetrics(a), 0) * PRICES.standardAlarmMetric;
const line = (estimate: CostEstimate, item: string) => estimate.lines.find(l => l.item === item) ?? { quantity: 0, monthlyUsd: 0 };

/**
 * Runs the README's first TypeScript block (the quick start) as the app it is, with
 * `cdk-watchkeeper` resolved to this repository, into a temporary cloud assembly.
 */
function runQuickStart(): { stack: Stack; outdir: string } {
  const block = codeBlocks(read('README.md'), 'README.md').find(isTypeScript)!;
  const js = ts.transpileModule(block.code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const outdir = tempDir();
  const apps: App[] = [];
  class QuickStartApp extends App {
    public constructor(props: AppProps = {}) {
      super({ ...props, outdir });
      apps.push(this);
    }
  }
  const modules: Record<string, unknown> = {
    'aws-cdk-lib': Object.create(cdk, { App: { value: QuickStartApp } }),
    'cdk-watchkeeper': watchkeeper,
  };
  const load = (id: string) => {
    if (!(id in modules)) throw new Error(`the quick start imports ${id}, which this test does not provide`);
    return modules[id];
  };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', js)(load, module, module.exports);
  expect(apps).toHaveLength(1);
  const stack = apps[0].node.children.find((c): c is Stack => Stack.isStack(c))!;
  return { stack, outdir };
}

/** The quick start's resources, by the row of the README's table they are counted in. */
const QUICK_START_ROWS: Record<string, RegExp> = {
  vpc: /^Vpc\//,
  topic: /^Alerts\//,
  compute: /^(Api\/(Role|SecurityGroup|LaunchTemplate|Group)\/|WatchkeeperSessionManagerPolicy\/)/,
  agent: /^(Api\/Agent\/|WatchkeeperAgent)/,
  alarms: /^Api\/Alarms\//,
  dashboard: /^Api\/Dashboard\//,
  scaling: /^Api\/CpuScaling\//,
};

function quickStartFacts(facts: Facts): Record<string, CfnResource[]> {
  const { stack, outdir } = runQuickStart();
  const rows: Record<string, CfnResource[]> = Object.fromEntries(Object.keys(QUICK_START_ROWS).map(k => [k, []]));
  const unplaced: string[] = [];
  for (const r of resourcesOf(stack)) {
    const relative = r.node.path.slice(stack.node.path.length + 1);
    const rows_ = Object.entries(QUICK_START_ROWS).filter(([, re]) => re.test(relative));
    if (rows_.length !== 1) unplaced.push(`${relative} (${r.cfnResourceType}) in ${rows_.length} rows`);
    else rows[rows_[0][0]].push(r);
  }
  expect(unplaced).toEqual([]);
  const report: CostEstimate = JSON.parse(fs.readFileSync(path.join(outdir, 'watchkeeper-cost-report.json'), 'utf8'));
  const agent = line(report, 'Custom metrics (CloudWatch Agent)');
  const detailed = line(report, 'EC2 detailed monitoring');
  for (const [row, resources] of Object.entries(rows)) facts.set(`quickstart.${row}.resources`, resources.length);
  const count = (row: string, type: string) => rows[row].filter(r => r.cfnResourceType === type).length;
  facts.set('quickstart.topic.usd', count('topic', 'AWS::KMS::Key') * PRICES.kmsKey + alarmUsd(rows.topic));
  facts.set('quickstart.agent.series', agent.quantity);
  facts.set('quickstart.agent.usd', agent.monthlyUsd);
  facts.set('quickstart.agent.usd.max', (agent as { monthlyUsdMax?: number }).monthlyUsdMax ?? agent.monthlyUsd);
  facts.set('quickstart.detailed.instances', detailed.quantity);
  facts.set('quickstart.detailed.usd', detailed.monthlyUsd);
  facts.set('quickstart.detailed.usd.max', (detailed as { monthlyUsdMax?: number }).monthlyUsdMax ?? detailed.monthlyUsd);
  facts.set('quickstart.alarms.usd', alarmUsd(rows.alarms));
  facts.set('quickstart.alarms.statusChecks', alarmsIn(rows.alarms).filter(r => /StatusCheck\//.test(r.node.path)).length);
  facts.set('quickstart.dashboard.usd', count('dashboard', 'AWS::CloudWatch::Dashboard') * PRICES.dashboard);
  facts.set('quickstart.total.resources', resourcesOf(stack).length - rows.vpc.length);
  facts.set('quickstart.total.usd', report.totalMonthlyUsd);
  facts.set('quickstart.total.usd.max', report.totalMonthlyUsdMax);
  return rows;
}

function exampleFacts(facts: Facts): void {
  const example = synthExample();
  dirs.push(example.outdir);
  const report = JSON.parse(fs.readFileSync(path.join(example.outdir, 'monitoring-report.json'), 'utf8'));
  const alarms: Array<{ severity: string }> = report.stacks.flatMap((s: any) => s.alarms);
  facts.set('example.resources', Object.values<any>(example.template.Resources).filter(r => r.Type !== 'AWS::CDK::Metadata').length);
  facts.set('example.alarms', alarms.length);
  for (const severity of ['CRITICAL', 'WARNING', 'INFO']) facts.set(`example.alarms.${severity.toLowerCase()}`, alarms.filter(a => a.severity === severity).length);
  facts.set('example.usd', example.costReport.totalMonthlyUsd());
  const cost: CostEstimate = JSON.parse(fs.readFileSync(path.join(example.outdir, 'watchkeeper-cost-report.json'), 'utf8'));
  expect(cost.totalMonthlyUsd).toBeCloseTo(facts.get('example.usd')!, 2);
  facts.set('example.usd.max', cost.totalMonthlyUsdMax);

  const stack = example.costReport.node.scope as Stack;
  const under = (prefix: string) => resourcesOf(stack).filter(r => r.node.path.startsWith(`${stack.node.path}/${prefix}`));
  facts.set('agent.heartbeat.instance.usd', alarmUsd(under('Worker/Alarms/AgentHeartbeat/')));
  facts.set('agent.heartbeat.group.usd', alarmUsd(under('Api/Alarms/AgentHeartbeat/')));
  const audit = under('Audit/');
  facts.set('logs.audit.alarms', alarmsIn(audit).length);
  facts.set('logs.audit.alarms.usd', alarmUsd(audit));
}

/** A CostReport over one construct of a fresh stack. */
function costOf(build: (stack: Stack) => import('constructs').Construct): { estimate: CostEstimate; resources: CfnResource[] } {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const scope = build(stack);
  const report = new CostReport(scope, 'Cost');
  app.synth();
  return { estimate: report._report().estimate, resources: resourcesOf(scope) };
}

function idleShutdownFacts(facts: Facts): void {
  const idle = (instances: number) => costOf(stack => new IdleShutdown(stack, 'Idle', {
    alertTopic: new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] }), expectedInstances: instances,
  })).estimate;
  const one = idle(1);
  const ten = idle(10);
  const runs = line(one, 'Lambda requests (idle shutdown)');
  facts.set('cost.idle.runsPerMonth', runs.quantity);
  facts.set('cost.idle.lambda.usd', runs.monthlyUsd);
  facts.set('cost.idle.metricsPerInstanceAndRun', line(one, 'GetMetricData (idle shutdown)').quantity / runs.quantity);
  facts.set('cost.idle.getMetricData.usd.1', line(one, 'GetMetricData (idle shutdown)').monthlyUsd);
  facts.set('cost.idle.getMetricData.usd.10', line(ten, 'GetMetricData (idle shutdown)').monthlyUsd);
  const withAlarms = costOf(stack => new IdleShutdown(stack, 'Idle', { alertTopic: AlertTopic.fromTopic(stack, 'Alerts', { topic: new cdk.aws_sns.Topic(stack, 'Topic') }) }));
  facts.set('cost.idle.alarms.usd', alarmUsd(withAlarms.resources));
}

function logFacts(facts: Facts): void {
  const appMetrics = (transport: watchkeeper.AppMetricsTransport) => costOf(stack => new watchkeeper.AppMetrics(stack, 'ApiAppMetrics', {
    namespace: 'Orders/Api', metricNames: ['RequestCount', 'ResponseTime'], dimensions: ['Method', 'Route', 'StatusCode'], series: 600, transport,
  })).estimate;
  // One call or event per request at 10 requests a second, as the page says.
  facts.set('logs.appMetrics.putMetricData.usd', line(appMetrics(watchkeeper.AppMetricsTransport.putMetricData(10)), 'PutMetricData requests (application)').monthlyUsd);
  facts.set('logs.appMetrics.emf.usd', line(appMetrics(watchkeeper.AppMetricsTransport.embeddedMetricFormat(10)), 'EMF events (log ingestion)').monthlyUsd);

  // A log alarm with its defaults on a log group of 1 GB a month: the GB its queries scan per GB of logs.
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const group = new watchkeeper.AppLogGroup(stack, 'ApiLogs');
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
  new watchkeeper.JsonLogMetrics(stack, 'ApiLogMetrics', { logGroup: group.logGroup, namespace: 'Orders/Api', alertTopic: alerts }).addErrorLogAlarm('ErrorLines');
  const report = new CostReport(stack, 'Cost', { defaultLogGbPerMonth: 1 });
  app.synth();
  const estimate = report._report().estimate;
  const scanned = line(estimate, 'Log alarm queries (Logs Insights)');
  const metricFilterAlarm = PRICES.customMetricTiers[0][1] + PRICES.standardAlarmMetric;
  facts.set('logs.logAlarm.scanRatio', scanned.quantity);
  facts.set('logs.metricFilterAlarm.usd', metricFilterAlarm);
  facts.set('logs.logAlarm.breakEvenGb', metricFilterAlarm / (scanned.quantity * PRICES.logsInsightsPerGbScanned));
}

function scheduleFacts(facts: Facts): void {
  const schedule = costOf(stack => {
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-12345678'] });
    const instance = new ec2.Instance(stack, 'Worker', {
      vpc, instanceType: new ec2.InstanceType('t3.small'), machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' }),
    });
    const alerts = AlertTopic.fromTopic(stack, 'Alerts', { topic: new cdk.aws_sns.Topic(stack, 'Topic') });
    return new ScheduledStartStop(stack, 'OfficeHours', {
      instances: [instance], alertTopic: alerts, start: 'cron(0 8 ? * MON-FRI *)', stop: 'cron(0 19 ? * MON-FRI *)', timeZone: 'Europe/Berlin',
    });
  });
  // Its only alarm is the dead-letter queue's.
  expect(alarmsIn(schedule.resources)).toHaveLength(1);
  facts.set('cost.schedule.deadLetterAlarm.usd', alarmUsd(schedule.resources));
}

function alarmFacts(facts: Facts): void {
  const vpcOf = (stack: Stack) => ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-12345678'] });
  const instanceAlarms = (suppressed: boolean) => costOf(stack => {
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'], failedDeliveryAlarm: false });
    const suppressor = new cloudwatch.Alarm(stack, 'Maintenance', {
      metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Maintenance' }), threshold: 1, evaluationPeriods: 1,
    });
    return new InstanceAlarms(stack, 'Web', {
      instanceId: 'i-0123456789abcdef0',
      instanceType: new ec2.InstanceType('t3.small'),
      routing: AlarmRouting.toTopic(alerts),
      agent: new AgentConfig({ metrics: [AgentPlugin.memory(), AgentPlugin.swap(), AgentPlugin.disk({ paths: ['/', '/data'] })] }),
      disk: { paths: ['/', '/data'] },
      livenessSuppressor: suppressed ? suppressor : undefined,
    });
  });
  const plain = instanceAlarms(false);
  const suppressed = instanceAlarms(true);
  facts.set('alarms.instanceEveryPreset.alarms', alarmsIn(plain.resources).length);
  facts.set('alarms.instanceEveryPreset.usd', plain.estimate.totalMonthlyUsd);
  facts.set('alarms.livenessSuppressor.composites', line(suppressed.estimate, 'Composite alarms').quantity);
  facts.set('alarms.livenessSuppressor.usd', line(suppressed.estimate, 'Composite alarms').monthlyUsd);

  const group = costOf(stack => {
    const asg = new cdk.aws_autoscaling.AutoScalingGroup(stack, 'Group', {
      vpc: vpcOf(stack), instanceType: new ec2.InstanceType('t3.small'), machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' }),
    });
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    return new AutoScalingGroupAlarms(stack, 'GroupAlarms', { autoScalingGroup: asg, routing: AlarmRouting.toTopic(alerts) });
  });
  facts.set('alarms.groupCapacity.usd', alarmUsd(group.resources.filter(r => r.node.path.includes('/InServiceCapacity/'))));
}

function agentFacts(facts: Facts): void {
  const config = new AgentConfig();
  facts.set('agent.seriesPerInstance', config.seriesPerInstance());
  facts.set('agent.seriesPerGroup', config.seriesPerAutoScalingGroup());
  facts.set('agent.usdPerInstance', customMetricsMonthly(config.seriesPerInstance(), PRICES));
}

function priceFacts(facts: Facts): void {
  const firstTier = PRICES.customMetricTiers[0];
  facts.set('price.customMetric', firstTier[1]);
  facts.set('price.customMetricFirstTier', firstTier[0]);
  facts.set('price.standardAlarmMetric', PRICES.standardAlarmMetric);
  facts.set('price.mathAlarmOfTwo', 2 * PRICES.standardAlarmMetric);
  facts.set('price.highResolutionAlarmMetric', PRICES.highResolutionAlarmMetric);
  facts.set('price.compositeAlarm', PRICES.compositeAlarm);
  facts.set('price.anomalyAlarm', PRICES.anomalyDetectionMetrics * PRICES.standardAlarmMetric);
  facts.set('price.anomalyAlarmMetrics', PRICES.anomalyDetectionMetrics);
  facts.set('price.dashboard', PRICES.dashboard);
  facts.set('price.freeDashboards', PRICES.freeDashboards);
  facts.set('price.kmsKey', PRICES.kmsKey);
  facts.set('price.logIngestionPerGb', PRICES.logIngestionPerGb);
  facts.set('price.logStoragePerGbMonth', PRICES.logStoragePerGbMonth);
  facts.set('price.logsInsightsPerGbScanned', PRICES.logsInsightsPerGbScanned);
  facts.set('price.detailedMonitoringMetrics', EC2_DETAILED_MONITORING_METRICS);
  facts.set('price.detailedMonitoringPerInstance', customMetricsMonthly(EC2_DETAILED_MONITORING_METRICS, PRICES));
  facts.set('limit.stackResources', MAX_RESOURCES_PER_STACK);
  facts.set('limit.stackResourcesWarning', MAX_RESOURCES_PER_STACK * WARN_AT);
  facts.set('limit.alarmsPerStatusWidget', DASHBOARD_LIMITS.alarmsPerStatusWidget);
  facts.set('limit.alarmsPerMuteRule', MAX_ALARMS_PER_MUTE_RULE);
  facts.set('limit.muteRules', MAX_MUTE_RULES);
  facts.set('price.putMetricDataPer1000', PRICES.apiRequestsPer1000);
  facts.set('rehearsal.stockScenarios', STOCK_SCENARIOS.length);
}

/** Prefixes of the keys this file computes; `bench.` keys are the benchmark test's. */
const PREFIXES = ['quickstart.', 'example.', 'rehearsal.', 'agent.', 'alarms.', 'cost.', 'logs.', 'price.', 'limit.'];

describe('Numbers in the README and docs', () => {
  const facts: Facts = new Map();
  let quickStartRows: Record<string, CfnResource[]>;
  beforeAll(() => {
    quickStartRows = quickStartFacts(facts);
    exampleFacts(facts);
    idleShutdownFacts(facts);
    scheduleFacts(facts);
    logFacts(facts);
    alarmFacts(facts);
    agentFacts(facts);
    priceFacts(facts);
  }, 600_000);

  test('every marked number says what the code produces', () => {
    const { checked, problems } = disagreements(facts, PREFIXES);
    expect(problems).toEqual([]);
    // The README's table and example line, and the docs pages' costs and counts.
    expect(checked.filter(m => m.file === 'README.md').length).toBeGreaterThanOrEqual(20);
    expect(new Set(checked.map(m => m.file)).size).toBeGreaterThanOrEqual(6);
  });

  test('every marker names a fact some test computes', () => {
    const keys = checkedPages().flatMap(f => markedNumbers(f)).map(m => m.key);
    expect(keys.filter(k => !PREFIXES.some(p => k.startsWith(p)) && !k.startsWith('bench.'))).toEqual([]);
    expect(checkedPages().flatMap(f => strayMarkers(f))).toEqual([]);
  });

  test('no cost, alarm count or resource count in the README or docs goes unchecked', () => {
    expect(checkedPages().flatMap(f => unmarkedNumbers(f))).toEqual([]);
  });

  test('the quick start table\'s costs add up to its cost report\'s total', () => {
    const rows = ['topic', 'agent', 'detailed', 'alarms', 'dashboard'].map(r => facts.get(`quickstart.${r}.usd`)!);
    expect(rows.reduce((a, b) => a + b, 0)).toBeCloseTo(facts.get('quickstart.total.usd')!, 2);
    // The scaling policy's own resource is free; the alarms AWS creates for it are not in the template.
    expect(quickStartRows.scaling.map(r => r.cfnResourceType)).toEqual(['AWS::AutoScaling::ScalingPolicy']);
  });

  test('reports a number that differs from the code, a cost without a marker and a marker without a number', () => {
    const page = [
      'The example costs $1.00<!-- check:example.usd --> a month and holds 3<!-- check:example.alarms --> alarms.',
      'A key is $1 a month; 7 alarms watch it. | 12 |',
      'A marker <!-- check:price.kmsKey --> alone.',
    ].join('\n');
    const marked = markedNumbers('docs/page.md', page);
    expect(marked.map(m => [m.key, m.value])).toEqual([['example.usd', 1], ['example.alarms', 3]]);
    expect(marked.filter(m => Math.abs(m.value - facts.get(m.key)!) > 0.005).map(m => m.key)).toEqual(['example.usd', 'example.alarms']);
    expect(unmarkedNumbers('docs/page.md', page)).toEqual([
      'docs/page.md:2 cost $1 has no <!-- check:... --> marker',
      'docs/page.md:2 count "7 alarms" has no <!-- check:... --> marker',
      'docs/page.md:2 table cell 12 has no <!-- check:... --> marker',
    ]);
    expect(strayMarkers('docs/page.md', page)).toEqual(['docs/page.md:3 check:price.kmsKey follows no number']);
  });
});
