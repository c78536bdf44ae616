import { App, Stack, aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_logs as logs } from 'aws-cdk-lib';
import { Annotations, Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { AgentConfig, AgentOs, AgentPlugin, ComputeTarget, FleetOverviewDashboard, IAgentMetricSource, IMonitoredService, ServiceDashboard } from '../../src';
import { DashboardBudget } from '../../src/private/dashboard-limits';
import { dashboardBody } from '../../src/report/private/template-values.pure';
import { expectNagClean, FakeAgentMetrics, importedVpc, newStack, stableTemplate } from '../helpers';

/** The dashboard body, parsed, with references read as `<LogicalId>`, `<LogicalId.Arn>`, `<region>`. */
function body(stack: Stack, index = 0): any {
  const captured = new Capture();
  Template.fromStack(stack).allResourcesProperties('AWS::CloudWatch::Dashboard', { DashboardBody: captured });
  for (let i = 0; i < index; i++) captured.next();
  const parsed = dashboardBody(captured.asObject());
  expect(parsed).toBeDefined();
  return parsed;
}

function titles(dashboard: any): string[] {
  return dashboard.widgets.map((w: any) => w.properties.title ?? w.properties.markdown?.split('\n')[0]);
}

function metricCount(dashboard: any): number {
  return dashboard.widgets.filter((w: any) => w.type === 'metric').reduce((n: number, w: any) => n + w.properties.metrics.length, 0);
}

/** A target for an Auto Scaling group this app does not define. */
function groupTarget(scope: Construct, name: string): ComputeTarget {
  return ComputeTarget.fromAutoScalingGroup(autoscaling.AutoScalingGroup.fromAutoScalingGroupName(scope, 'G', name));
}

class FakeService extends Construct implements IMonitoredService {
  public readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
  public readonly instances: ec2.IInstance[] = [];
  public readonly computeTargets: ComputeTarget[];
  public readonly alarms: cloudwatch.IAlarm[] = [];
  public constructor(scope: Construct, public readonly serviceName: string, public readonly agentMetrics?: IAgentMetricSource) {
    super(scope, serviceName);
    this.autoScalingGroup = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(this, 'G', `${serviceName}-asg`);
    this.computeTargets = [ComputeTarget.fromAutoScalingGroup(this.autoScalingGroup)];
  }
}

describe('ServiceDashboard', () => {
  test('shows CPU, memory, disk, network, status checks, capacity, alarms and recent errors for a group', () => {
    const stack = newStack();
    const group = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'G', 'orders-asg');
    const alarm = new cloudwatch.Alarm(stack, 'A', { metric: new cloudwatch.Metric({ namespace: 'X', metricName: 'Y' }), threshold: 1, evaluationPeriods: 1 });
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'L', '/orders/app');
    new ServiceDashboard(stack, 'Dash', {
      serviceName: 'orders', targets: [ComputeTarget.fromAutoScalingGroup(group)], agentMetrics: new FakeAgentMetrics(['/', '/data']), alarms: [alarm], logGroups: [logGroup],
    });
    const dashboard = body(stack);
    expect(titles(dashboard)).toEqual([
      '# orders', 'Alarms', 'CPU utilization', 'Memory used', 'Disk used',
      'Network (bytes)', 'Status checks failed', 'Group capacity', 'Recent errors',
    ]);
    const byTitle = (t: string) => dashboard.widgets.find((w: any) => w.properties.title === t);
    expect(byTitle('CPU utilization').properties.metrics).toEqual([['AWS/EC2', 'CPUUtilization', 'AutoScalingGroupName', 'orders-asg', { label: 'orders' }]]);
    expect(byTitle('Memory used').properties.metrics).toEqual([['CWAgent', 'mem_used_percent', 'AutoScalingGroupName', 'orders-asg', { label: 'orders' }]]);
    expect(byTitle('Disk used').properties.metrics).toHaveLength(2);
    expect(byTitle('Group capacity').properties.metrics.map((m: any[]) => m[1])).toEqual(['GroupInServiceInstances', 'GroupDesiredCapacity', 'GroupMinSize', 'GroupMaxSize']);
    expect(byTitle('Recent errors').properties.query).toBe(
      "SOURCE '/orders/app' | fields @timestamp, @log, @logStream, @message\n| filter @message like /(?i)(error|exception|fatal|panic)/\n| sort @timestamp desc\n| limit 100");
    expect(byTitle('Alarms').properties.alarms).toHaveLength(1);
  });

  test('recent errors of JSON logs select lines by their level field, not by the word in the text', () => {
    const stack = newStack();
    const group = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'G', 'orders-asg');
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'L', '/orders/app');
    const query = 'fields @timestamp, request_id, levelname, message\n| filter tolower(levelname) in ["error"]\n| sort @timestamp desc\n| limit 100';
    new ServiceDashboard(stack, 'Dash', { serviceName: 'orders', targets: [ComputeTarget.fromAutoScalingGroup(group)], logGroups: [logGroup], recentErrorsQuery: query });
    const widget = body(stack).widgets.find((w: any) => w.properties.title === 'Recent errors');
    expect(widget.properties.query).toBe(`SOURCE '/orders/app' | ${query}`);
    expect(widget.properties.query).not.toMatch(/@message like/);
  });

  test('per-instance lines for instances, and advice instead of memory without an agent', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    const instances = [0, 1].map(n => new ec2.Instance(stack, `I${n}`, {
      vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    }));
    new ServiceDashboard(stack, 'Dash', { serviceName: 'batch', targets: instances.map(i => ComputeTarget.fromInstance(i)) });
    const dashboard = body(stack);
    const cpu = dashboard.widgets.find((w: any) => w.properties.title === 'CPU utilization');
    expect(cpu.properties.metrics.map((m: any[]) => m[4].label)).toEqual(['batch #1', 'batch #2']);
    expect(JSON.stringify(dashboard)).toContain('No CloudWatch agent metrics for this service');
    expect(JSON.stringify(dashboard)).toContain('No log group is attached');
  });

  test.each([
    ['Linux', new AgentConfig({ metrics: [AgentPlugin.cpu(), AgentPlugin.disk()] })],
    ['Windows', new AgentConfig({ os: AgentOs.WINDOWS, metrics: [AgentPlugin.windowsLogicalDisk()] })],
  ])('draws only what the agent collects: no memory graph when a %s agent collects no memory', (_os, agent) => {
    const stack = newStack();
    const group = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'G', 'orders-asg');
    new ServiceDashboard(stack, 'Dash', { serviceName: 'orders', targets: [ComputeTarget.fromAutoScalingGroup(group)], agentMetrics: agent });
    const dashboard = body(stack);
    const memory = dashboard.widgets.find((w: any) => (w.properties.title ?? w.properties.markdown ?? '').includes('Memory used'));
    expect(memory.type).toBe('text');
    expect(memory.properties.markdown).toContain('does not collect memory in use');
    expect(dashboard.widgets.find((w: any) => w.properties.title === 'Disk used').type).toBe('metric');
  });

  test('alarms and log groups added later still appear', () => {
    const stack = newStack();
    const dash = new ServiceDashboard(stack, 'Dash', { serviceName: 's', targets: [groupTarget(stack, 'g')] });
    dash.addAlarms(new cloudwatch.Alarm(stack, 'A', { metric: new cloudwatch.Metric({ namespace: 'X', metricName: 'Y' }), threshold: 1, evaluationPeriods: 1 }));
    dash.addLogGroups(logs.LogGroup.fromLogGroupName(stack, 'L', 'late'));
    const text = JSON.stringify(body(stack));
    expect(text).toContain('"type":"alarm"');
    expect(text).toContain("SOURCE 'late'");
  });

  test.each([
    ['no target', [], {}, /Dash: targets must be one Auto Scaling group, or one or more instances, got \[\]/],
    ['a group with an instance', ['group', 'instance'], {}, /Dash: targets must be one Auto Scaling group, or one or more instances, got \["Auto Scaling group TestStack\/G","instance i-0123456789abcdef0"\]/],
    ['a malformed error pattern', ['group'], { errorPattern: 'error' }, /errorPattern must be a Logs Insights regular expression between slashes, got 'error'/],
  ])('fails on %s', (_what, kinds: string[], props: any, message) => {
    const stack = newStack();
    const targets = kinds.map(k => (k === 'group' ? groupTarget(stack, 'g') : ComputeTarget.fromInstanceId('i-0123456789abcdef0')));
    expect(() => new ServiceDashboard(stack, 'Dash', { serviceName: 's', ...props, targets })).toThrow(message);
  });

  test('fails at synth with more than 100 alarms and more than 50 log groups', () => {
    const stack = newStack();
    const dash = new ServiceDashboard(stack, 'Dash', { serviceName: 's', targets: [groupTarget(stack, 'g')] });
    for (let i = 0; i < 101; i++) dash.addAlarms(cloudwatch.Alarm.fromAlarmName(stack, `A${i}`, `alarm-${i}`));
    for (let i = 0; i < 51; i++) dash.addLogGroups(logs.LogGroup.fromLogGroupName(stack, `L${i}`, `group-${i}`));
    expect(() => Template.fromStack(stack)).toThrow(/alarms must be at most 100 \(one alarm status widget\), got 101[\s\S]*logGroups must be at most 50/);
  });

  test('passes the nag packs', () => {
    const stack = newStack();
    new ServiceDashboard(stack, 'Dash', { serviceName: 's', targets: [groupTarget(stack, 'g')] });
    expectNagClean(stack);
  });

  test('matches the golden snapshot', () => {
    const stack = newStack();
    new ServiceDashboard(stack, 'Dash', {
      serviceName: 'orders',
      dashboardName: 'orders',
      targets: [groupTarget(stack, 'orders-asg')],
      agentMetrics: new FakeAgentMetrics(),
      logGroups: [logs.LogGroup.fromLogGroupName(stack, 'L', '/orders/app')],
    });
    expect(stableTemplate(stack)).toMatchSnapshot();
  });
});

describe('DashboardBudget', () => {
  test('budgets each SEARCH as up to 500 series at view time', () => {
    const budget = new DashboardBudget();
    budget.graph(500);
    for (let i = 0; i < 4; i++) budget.searchGraph();
    expect(budget.metrics).toBe(504);
    expect(budget.worstCaseSeries).toBe(2500);
    expect(budget.check('D').searchWarnings).toEqual([]);
    budget.graph(1);
    expect(budget.worstCaseSeries).toBe(2501);
    expect(budget.check('D').searchWarnings).toEqual([
      'D holds 501 metrics and 4 SEARCH expression(s), each of which may return up to 500 series: up to 2501, '
      + "more than CloudWatch's limit of 2500 per dashboard. Narrow the searches, drop them, or split the dashboard",
    ]);
  });
});

describe('FleetOverviewDashboard', () => {
  test('draws memory only for services whose agent collects it', () => {
    const stack = newStack();
    new FleetOverviewDashboard(stack, 'Fleet', {
      services: [
        new FakeService(stack, 'api', new FakeAgentMetrics()),
        new FakeService(stack, 'batch', new AgentConfig({ metrics: [AgentPlugin.cpu(), AgentPlugin.disk()] })),
      ],
    });
    const memory = body(stack).widgets.find((w: any) => w.properties.title === 'Memory used');
    expect(memory.properties.metrics.map((m: any[]) => m[m.length - 1].label)).toEqual(['api']);
  });

  test('shows every service side by side, SEARCH only in graphs', () => {
    const stack = newStack();
    const agent = new FakeAgentMetrics();
    const fleet = new FleetOverviewDashboard(stack, 'Fleet', { services: [new FakeService(stack, 'api', agent)] });
    fleet.addService(new FakeService(stack, 'worker'));
    const dashboard = body(stack);
    expect(titles(dashboard)).toEqual([
      '# Fleet overview',
      'CPU utilization, every Auto Scaling group (search)', 'In-service instances, every Auto Scaling group (search)',
      'CPU utilization', 'Memory used', 'In-service instances',
    ]);
    const cpu = dashboard.widgets.find((w: any) => w.properties.title === 'CPU utilization');
    expect(cpu.properties.metrics.map((m: any[]) => m[3])).toEqual(['api-asg', 'worker-asg']);
    expect(JSON.stringify(dashboard)).toContain("SEARCH('{AWS/EC2,AutoScalingGroupName} MetricName=\\\"CPUUtilization\\\"', 'Average', 300)");
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('SEARCH graphs label their lines briefly instead of repeating the expression', () => {
    const stack = newStack();
    new FleetOverviewDashboard(stack, 'Fleet');
    const dashboard = body(stack);
    const searches = dashboard.widgets.filter((w: any) => /\(search\)$/.test(w.properties.title ?? ''));
    const labels = searches.map((w: any) => w.properties.metrics.map((m: any[]) => m[0].label));
    expect(labels).toEqual([['CPU'], ['In service']]);
    for (const w of searches) expect(w.properties.metrics[0][0].expression).toMatch(/^SEARCH\(/);
  });

  test('warns, acknowledgeably, when SEARCH series may bring the dashboard over 2,500 metrics', () => {
    const stack = newStack();
    const fleet = new FleetOverviewDashboard(stack, 'Fleet', { metricsPerGraph: 500 });
    for (let i = 0; i < 550; i++) fleet.addService(new FakeService(stack, `svc-${i}`, new FakeAgentMetrics()));
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/TestStack/Fleet', Match.stringLikeRegexp(
      'holds 1650 metrics and 2 SEARCH expression\\(s\\), each of which may return up to 500 series: up to 2650, more than CloudWatch\'s limit of 2500.*'
      + 'cdk-watchkeeper:FleetOverviewDashboard.searchSeries'));
    annotations.hasNoWarning('/TestStack/Fleet', Match.stringLikeRegexp('nearLimit'));

    const quiet = newStack();
    const noSearch = new FleetOverviewDashboard(quiet, 'Fleet', { metricsPerGraph: 500, accountWideSearch: false });
    for (let i = 0; i < 550; i++) noSearch.addService(new FakeService(quiet, `svc-${i}`, new FakeAgentMetrics()));
    Annotations.fromStack(quiet).hasNoWarning('/TestStack/Fleet', Match.stringLikeRegexp('SEARCH'));
  });

  test('spreads services over graphs of metricsPerGraph lines, and can leave out the search', () => {
    const stack = newStack();
    const fleet = new FleetOverviewDashboard(stack, 'Fleet', { metricsPerGraph: 10, accountWideSearch: false });
    for (let i = 0; i < 25; i++) fleet.addService(new FakeService(stack, `svc-${i}`));
    const dashboard = body(stack);
    expect(titles(dashboard).filter(t => t.startsWith('CPU utilization'))).toEqual(['CPU utilization (1/3)', 'CPU utilization (2/3)', 'CPU utilization (3/3)']);
    expect(JSON.stringify(dashboard)).not.toContain('SEARCH');
    expect(metricCount(dashboard)).toBe(50);
  });

  test('perServiceGraphs: false keeps only the search graphs and the alarm statuses', () => {
    const stack = newStack();
    const fleet = new FleetOverviewDashboard(stack, 'Fleet', { perServiceGraphs: false });
    for (let i = 0; i < 30; i++) fleet.addService(new FakeService(stack, `svc-${i}`, new FakeAgentMetrics()));
    const dashboard = body(stack);
    expect(titles(dashboard)).toEqual([
      '# Fleet overview',
      'CPU utilization, every Auto Scaling group (search)', 'In-service instances, every Auto Scaling group (search)',
    ]);
    expect(metricCount(dashboard)).toBe(2);
  });

  test('warns close to the 2,500-metric dashboard limit', () => {
    const stack = newStack();
    const fleet = new FleetOverviewDashboard(stack, 'Fleet', { metricsPerGraph: 500 });
    for (let i = 0; i < 700; i++) fleet.addService(new FakeService(stack, `svc-${i}`, new FakeAgentMetrics()));
    Annotations.fromStack(stack).hasWarning('/TestStack/Fleet', Match.stringLikeRegexp('holds 2102 metrics, close to CloudWatch\'s limit of 2500'));
  });

  test('fails beyond 2,500 metrics or 500 widgets per dashboard', () => {
    const app = new App();
    const stack = new Stack(app, 'Big');
    const fleet = new FleetOverviewDashboard(stack, 'Fleet', { metricsPerGraph: 500 });
    for (let i = 0; i < 900; i++) fleet.addService(new FakeService(stack, `svc-${i}`, new FakeAgentMetrics()));
    expect(() => app.synth()).toThrow(/would hold 2702 metrics, more than CloudWatch's limit of 2500 per dashboard: split it into several dashboards/);

    const stack2 = newStack();
    const wide = new FleetOverviewDashboard(stack2, 'Fleet', { metricsPerGraph: 1 });
    for (let i = 0; i < 300; i++) wide.addService(new FakeService(stack2, `svc-${i}`));
    expect(() => Template.fromStack(stack2)).toThrow(/would hold 603 widgets, more than CloudWatch's limit of 500/);
  });

  test.each([
    ['metricsPerGraph above the graph limit', { metricsPerGraph: 501 }, /metricsPerGraph must be a whole number between 1 and 500, got 501/],
    ['a dashboard name with spaces', { dashboardName: 'my fleet' }, /dashboardName must be letters, digits, - and _, got 'my fleet'/],
  ])('fails on %s', (_what, props, message) => {
    expect(() => new FleetOverviewDashboard(newStack(), 'Fleet', props)).toThrow(message);
  });

  test('fails on two services with the same name', () => {
    const stack = newStack();
    const fleet = new FleetOverviewDashboard(stack, 'Fleet');
    fleet.addService(new FakeService(stack, 'api'));
    expect(() => fleet.addService(new FakeService(new Stack(stack, 'Other'), 'api'))).toThrow(/services \(by serviceName\) must be free of duplicates, got 'api'/);
  });

  test('passes the nag packs', () => {
    const stack = newStack();
    new FleetOverviewDashboard(stack, 'Fleet', { services: [new FakeService(stack, 'api')] });
    expectNagClean(stack);
  });

  test('matches the golden snapshot', () => {
    const stack = newStack();
    new FleetOverviewDashboard(stack, 'Fleet', { dashboardName: 'fleet', services: [new FakeService(stack, 'api', new FakeAgentMetrics()), new FakeService(stack, 'worker')] });
    expect(stableTemplate(stack)).toMatchSnapshot();
  });
});
