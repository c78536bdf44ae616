import { App, Stack, aws_ec2 as ec2, aws_iam as iam, aws_logs as logs } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import {
  AlertTopic, AppMetrics, AppMetricsTransport, CostReport, MonitoredService, ServiceCompute, TelemetryAccess,
} from '../../src';
import { TEST_ENV } from '../helpers';
import { importedVpc } from '../service/fake-agent-metrics';

const SECONDS_PER_MONTH = 30 * 24 * 3600;
const line = (report: CostReport, item: string) => report._report().estimate.lines.find(l => l.item === item);

function stackWithReport(env: { account: string; region: string } | undefined = TEST_ENV, props: ConstructorParameters<typeof CostReport>[2] = {}) {
  const app = new App();
  const stack = new Stack(app, 'S', { env });
  const report = new CostReport(stack, 'CostReport', props);
  return { app, stack, report };
}

const requestMetrics = (transport: AppMetricsTransport) => ({
  namespace: 'Orders/Api', metricNames: ['RequestCount', 'ResponseTime'], dimensions: ['Method', 'Route', 'StatusCode'], series: 600, transport,
});

describe('AppMetrics', () => {
  test('prices the app\'s PutMetricData calls: one call per request at 10 requests a second is about $260 a month', () => {
    const { stack, report } = stackWithReport();
    new AppMetrics(stack, 'Api', requestMetrics(AppMetricsTransport.putMetricData(10)));
    const requests = 10 * SECONDS_PER_MONTH;
    expect(line(report, 'PutMetricData requests (application)')).toMatchObject({ quantity: requests, monthlyUsd: Math.round(requests / 1000 * 0.01 * 100) / 100 });
    expect(line(report, 'PutMetricData requests (application)')!.monthlyUsd).toBeGreaterThan(250);
    expect(line(report, 'Custom metrics (application)')).toMatchObject({ quantity: 600, monthlyUsd: 180 });
  });

  test('EMF costs log ingestion instead of requests, and the report compares the two ways for the same traffic', () => {
    const { stack, report } = stackWithReport();
    new AppMetrics(stack, 'Api', requestMetrics(AppMetricsTransport.embeddedMetricFormat(10, 400)));
    const gb = 10 * SECONDS_PER_MONTH * 400 / 1e9;
    expect(line(report, 'EMF events (log ingestion)')).toMatchObject({ monthlyUsd: Math.round(gb * 0.5 * 100) / 100 });
    expect(line(report, 'PutMetricData requests (application)')).toBeUndefined();
    const notes = report._report().estimate.notes;
    expect(notes.find(n => n.startsWith('Orders/Api: the same traffic through PutMetricData'))).toMatch(/would cost \$259\.20\/month instead of \$5\.18/);
    expect(report.renderTable()).toContain('Note: Orders/Api: the same traffic through PutMetricData');
  });

  test('warns when PutMetricData is granted for a namespace no AppMetrics declares', () => {
    const { app, stack } = stackWithReport();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const access = new TelemetryAccess(stack, 'Access');
    access.grantPutMetricData(role, 'Orders/Api');
    access.grantPutMetricData(role, 'Orders/Declared');
    new AppMetrics(stack, 'Declared', { ...requestMetrics(AppMetricsTransport.putMetricData(1)), namespace: 'Orders/Declared' });
    app.synth();
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('CostReport.appMetricsUndeclared'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toMatch(/into Orders\/Api \(PutMetricData is granted\)/);
  });

  test('metric() names every dimension the app publishes, and fails on fewer or other ones', () => {
    const stack = new Stack();
    const m = new AppMetrics(stack, 'Api', requestMetrics(AppMetricsTransport.putMetricData(1)));
    const metric = m.metric('ResponseTime', { Method: 'GET', Route: '/orders/{id}', StatusCode: '200' }, { statistic: 'p99' });
    expect(metric.dimensions).toEqual({ Method: 'GET', Route: '/orders/{id}', StatusCode: '200' });
    expect(() => m.metric('RequestCount', { Route: '/orders/{id}' }))
      .toThrow(/dimensionValues must be a value for every dimension the application publishes \(Method, Route, StatusCode\) and no other, got 'Route'/);
    expect(() => m.metric('Latency', { Method: 'GET', Route: '/', StatusCode: '200' })).toThrow(/metricName must be one of RequestCount, ResponseTime/);
  });
});

describe('CostReport', () => {
  test('prices EC2 detailed monitoring as custom metrics, and a group from its usual to its maximum size', () => {
    const { stack, report } = stackWithReport();
    const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const vpc = importedVpc(stack);
    new MonitoredService(stack, 'Api', {
      vpc, alertTopic, compute: ServiceCompute.newAutoScalingGroup({ minCapacity: 2, maxCapacity: 6 }), alarms: { enabled: false }, dashboard: false,
    });
    new MonitoredService(stack, 'Worker', {
      vpc,
      alertTopic,
      compute: ServiceCompute.newInstance({ instanceType: new ec2.InstanceType('t3.small'), detailedMonitoring: false }),
      alarms: { enabled: false },
      dashboard: false,
    });
    const detailed = line(report, 'EC2 detailed monitoring')!;
    expect(detailed).toMatchObject({ quantity: 2, monthlyUsd: 2 * 7 * 0.3, monthlyUsdMax: 6 * 7 * 0.3 });
    const { estimate } = report._report();
    expect(estimate.totalMonthlyUsdMax).toBeGreaterThan(estimate.totalMonthlyUsd);
    expect(report.renderTable()).toMatch(/\$4\.20–\$12\.60/);
  });

  test('prices the Logs Insights queries the dashboards run on every load', () => {
    const { stack, report } = stackWithReport(TEST_ENV, { defaultLogGbPerMonth: 73, dashboardLoadsPerMonth: 1000 });
    const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const group = new logs.LogGroup(stack, 'AppLogs', { retention: logs.RetentionDays.ONE_MONTH });
    new MonitoredService(stack, 'Api', { vpc: importedVpc(stack), alertTopic, logGroups: [group], alarms: { enabled: false } });
    // 73 GB a month is 0.3 GB in the dashboard's 3 hours; 1,000 loads scan 300 GB.
    expect(line(report, 'Logs Insights (dashboard widgets)')).toMatchObject({ quantity: 300, monthlyUsd: 1.5 });
  });

  test('says that an environment-agnostic stack is priced at us-east-1', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const report = new CostReport(stack, 'CostReport');
    new AppMetrics(stack, 'Api', requestMetrics(AppMetricsTransport.putMetricData(1)));
    app.synth();
    expect(report.renderTable()).toContain('environment-agnostic stack: priced at us-east-1');
    expect(report._report().estimate.notes[0]).toMatch(/environment-agnostic stack .*priced at us-east-1/);
    Annotations.fromStack(stack).hasInfo('/S/CostReport', Match.stringLikeRegexp('environment-agnostic: the cost report prices it at us-east-1'));
  });
});
