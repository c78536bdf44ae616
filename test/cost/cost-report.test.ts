import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, Stage, aws_cloudwatch as cloudwatch, aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AlertTopic, CisBenchmarkAlarms, CostReport, JsonLogMetrics } from '../../src';
import { registerUsage } from '../../src/private/usage-registry';
import { TEST_ENV } from '../helpers';

const cpu = (period = Duration.minutes(5)) => new cloudwatch.Metric({ namespace: 'AWS/EC2', metricName: 'CPUUtilization', period });

function appWithReport(props: ConstructorParameters<typeof CostReport>[2] = {}) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-report-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Monitoring', { env: TEST_ENV });
  const report = new CostReport(stack, 'CostReport', props);
  return { app, stack, report, outdir };
}

describe('CostReport', () => {
  test('counts alarms by kind, composites, dashboards and keys', () => {
    const { app, stack, report } = appWithReport();
    const a = cpu().createAlarm(stack, 'Standard', { threshold: 80, evaluationPeriods: 1 });
    cpu(Duration.seconds(10)).createAlarm(stack, 'HighRes', { threshold: 80, evaluationPeriods: 3 });
    new cloudwatch.MathExpression({ expression: 'm1 + m2', usingMetrics: { m1: cpu(), m2: cpu() } })
      .createAlarm(stack, 'Math', { threshold: 1, evaluationPeriods: 1 });
    new cloudwatch.MathExpression({ expression: 'SELECT AVG(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)', usingMetrics: {}, period: Duration.minutes(5) })
      .createAlarm(stack, 'Insights', { threshold: 1, evaluationPeriods: 1 });
    new cloudwatch.CfnAlarm(stack, 'Anomaly', {
      comparisonOperator: 'GreaterThanUpperThreshold',
      evaluationPeriods: 1,
      thresholdMetricId: 'band',
      metrics: [
        { id: 'm1', metricStat: { metric: { namespace: 'AWS/EC2', metricName: 'CPUUtilization' }, period: 300, stat: 'Average' } },
        { id: 'band', expression: 'ANOMALY_DETECTION_BAND(m1, 2)' },
      ],
    });
    new cloudwatch.CompositeAlarm(stack, 'Composite', { alarmRule: cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM) });
    new cloudwatch.Dashboard(stack, 'Dashboard');
    new kms.Key(stack, 'Key', { enableKeyRotation: true });
    app.synth();

    const table = report.renderTable();
    expect(table).toMatch(/Standard-resolution alarms\s+3\s+alarm metrics\s+\$0\.30/);
    expect(table).toMatch(/High-resolution alarms\s+1\s+alarm metrics\s+\$0\.30/);
    expect(table).toMatch(/Anomaly-detection alarms\s+1\s+alarms\s+\$0\.30/);
    expect(table).toMatch(/Metrics Insights query alarms\s+10\s+metrics analysed\s+\$1\.00/);
    expect(table).toMatch(/Composite alarms\s+1\s+alarms\s+\$0\.50/);
    expect(table).toMatch(/Dashboards\s+1\s+dashboards\s+\$3\.00/);
    expect(table).toMatch(/KMS keys\s+1\s+keys\s+\$1\.00/);
    expect(report.totalMonthlyUsd()).toBe(6.4);
  });

  test('adds what constructs declare and the log volumes you expect', () => {
    const { app, stack, report } = appWithReport({ metricsInsightsSeriesPerAlarm: 50 });
    registerUsage(stack, () => ({ customMetricSeries: 20, getMetricDataMetrics: 100_000, lambdaInvocations: 720 }));
    const group = new logs.LogGroup(stack, 'App', { retention: logs.RetentionDays.THREE_MONTHS });
    report.addLogVolume({ logGroup: group, gbPerMonth: 10 });
    report.addLogVolume({ logGroup: logs.LogGroup.fromLogGroupName(stack, 'Other', 'other'), gbPerMonth: 1 });
    app.synth();
    const table = report.renderTable();
    expect(table).toMatch(/Custom metrics \(CloudWatch Agent\)\s+20\s+series\s+\$6\.00/);
    expect(table).toMatch(/GetMetricData \(idle shutdown\)\s+100,000\s+metrics requested\s+\$1\.00/);
    expect(table).toMatch(/Log ingestion\s+11\s+GB\/month\s+\$5\.50/);
    // 10 GB x 90/30 months + 1 GB x 30/30 months
    expect(table).toMatch(/Log storage\s+31\s+GB\s+\$0\.93/);
  });

  test('counts the series metric filters publish (JSON log metrics, CIS filters): once per name and dimension set', () => {
    const { app, stack, report } = appWithReport({ defaultLogGbPerMonth: 0 });
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const group = new logs.LogGroup(stack, 'Trail', { retention: logs.RetentionDays.ONE_MONTH });
    new CisBenchmarkAlarms(stack, 'Cis', { logGroup: group, alertTopic: alerts });
    const appLogs = new logs.LogGroup(stack, 'AppLogs', { retention: logs.RetentionDays.ONE_MONTH });
    const metrics = new JsonLogMetrics(stack, 'Metrics', { logGroup: appLogs, namespace: 'Orders/Api', alertTopic: alerts });
    metrics.addErrorCount('Errors');
    metrics.addLatency('Latency', { dimensions: { Endpoint: 'path' } });
    // The same metric from a second group is the same series.
    new logs.MetricFilter(stack, 'Again', {
      logGroup: appLogs, metricNamespace: 'CISBenchmark', metricName: 'RootAccountUsage', filterPattern: logs.FilterPattern.allEvents(),
    });
    app.synth();
    const filters = stack.node.findAll().filter(c => c instanceof logs.CfnMetricFilter).length;
    expect(filters).toBe(18);
    const table = report.renderTable();
    // 15 CIS controls + error count + latency by endpoint
    expect(table).toMatch(/Custom metrics \(log metric filters\)\s+17\s+series\s+\$5\.10/);
  });

  test('prices a log alarm\'s query by the data it scans, next to the metric-filter alternative', () => {
    const { app, stack, report } = appWithReport();
    const group = new logs.LogGroup(stack, 'App', { retention: logs.RetentionDays.ONE_MONTH });
    report.addLogVolume({ logGroup: group, gbPerMonth: 10 });
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'], failedDeliveryAlarm: false });
    new JsonLogMetrics(stack, 'Metrics', { logGroup: group, namespace: 'Orders/Api', alertTopic: alerts }).addErrorLogAlarm('Errors');
    app.synth();
    // Every 5 minutes it reads 7 minutes of the group (5 + 2 of ingestion delay): 1.4 x 10 GB a month.
    const line = report._report().estimate.lines.find(l => l.item === 'Log alarm queries (Logs Insights)')!;
    expect(line).toEqual({
      item: 'Log alarm queries (Logs Insights)',
      quantity: 14,
      unit: 'GB scanned',
      monthlyUsd: 0.07,
      note: '1 log alarm(s), from the volumes you declared; a metric filter and alarm instead: $0.40',
    });
  });

  test('log metrics continue the agent metrics\' price tiers', () => {
    const { app, stack, report } = appWithReport();
    registerUsage(stack, () => ({ customMetricSeries: 9_999 }));
    const group = new logs.LogGroup(stack, 'G');
    new logs.MetricFilter(stack, 'A', { logGroup: group, metricNamespace: 'N', metricName: 'A', filterPattern: logs.FilterPattern.allEvents() });
    new logs.MetricFilter(stack, 'B', { logGroup: group, metricNamespace: 'N', metricName: 'B', filterPattern: logs.FilterPattern.allEvents() });
    report.addLogVolume({ logGroup: group, gbPerMonth: 1 });
    app.synth();
    // one series at $0.30, the next in the $0.10 tier
    expect(report.renderTable()).toMatch(/Custom metrics \(log metric filters\)\s+2\s+series\s+\$0\.40/);
  });

  test('warns about log groups without an expected volume, and prices the default volume for them', () => {
    const { app, stack } = appWithReport();
    new logs.LogGroup(stack, 'Silent', { retention: logs.RetentionDays.ONE_WEEK });
    app.synth();
    Annotations.fromStack(stack).hasWarning('/Monitoring/CostReport',
      Match.stringLikeRegexp('1 log group\\(s\\) have no expected volume.*Monitoring/Silent/Resource.*cdk-watchkeeper:CostReport.logVolumeMissing'));

    const withDefault = appWithReport({ defaultLogGbPerMonth: 2 });
    const declared = new logs.LogGroup(withDefault.stack, 'Declared', { retention: logs.RetentionDays.ONE_MONTH });
    new logs.LogGroup(withDefault.stack, 'Assumed', { retention: logs.RetentionDays.TWO_MONTHS });
    withDefault.report.addLogVolume({ logGroup: declared, gbPerMonth: 10 });
    withDefault.app.synth();
    Annotations.fromStack(withDefault.stack).hasNoWarning('*', Match.stringLikeRegexp('logVolumeMissing'));
    const table = withDefault.report.renderTable();
    expect(table).toMatch(/Log ingestion\s+12\s+GB\/month\s+\$6\.00/);
    // 10 GB x 30/30 + 2 GB x 60/30
    expect(table).toMatch(/Log storage\s+14\s+GB\s+\$0\.42/);
  });

  test('prices a high-resolution anomaly-detection alarm as three high-resolution metrics', () => {
    const { app, stack, report } = appWithReport();
    new cloudwatch.CfnAlarm(stack, 'FastAnomaly', {
      comparisonOperator: 'GreaterThanUpperThreshold',
      evaluationPeriods: 3,
      thresholdMetricId: 'band',
      metrics: [
        { id: 'm1', metricStat: { metric: { namespace: 'Orders/Api', metricName: 'Latency' }, period: 10, stat: 'p99' } },
        { id: 'band', expression: 'ANOMALY_DETECTION_BAND(m1, 2)' },
      ],
    });
    app.synth();
    expect(report.renderTable()).toMatch(/High-resolution anomaly-detection alarms\s+1\s+alarms\s+\$0\.90/);
    expect(report.totalMonthlyUsd()).toBe(0.9);
  });

  test('fails on a negative default log volume', () => {
    expect(() => new CostReport(new Stack(new App(), 'S'), 'R', { defaultLogGbPerMonth: -1 })).toThrow(/defaultLogGbPerMonth/);
  });

  test('writes JSON and a table into the cloud assembly and adds an info annotation', () => {
    const { app, stack, outdir } = appWithReport({ title: 'Example' });
    cpu().createAlarm(stack, 'Standard', { threshold: 80, evaluationPeriods: 1 });
    app.synth();
    const json = JSON.parse(fs.readFileSync(path.join(outdir, 'watchkeeper-cost-report.json'), 'utf8'));
    expect(json).toMatchObject({ title: 'Example', region: 'us-east-1', pricesRegion: 'us-east-1', totalMonthlyUsd: 0.1 });
    expect(fs.readFileSync(path.join(outdir, 'watchkeeper-cost-report.txt'), 'utf8')).toMatch(/^Example — estimated CloudWatch cost per month/);
    Annotations.fromStack(stack).hasInfo('/Monitoring/CostReport', Match.stringLikeRegexp('Estimated monitoring cost: \\$0\\.10/month'));
  });

  test('two reports of one app without a file name write distinct files (the second no longer overwrites the first)', () => {
    const { app, stack, outdir } = appWithReport();
    cpu().createAlarm(stack, 'Standard', { threshold: 80, evaluationPeriods: 1 });
    const second = new Stack(app, 'Second', { env: TEST_ENV });
    cpu().createAlarm(second, 'A', { threshold: 80, evaluationPeriods: 1 });
    cpu().createAlarm(second, 'B', { threshold: 80, evaluationPeriods: 1 });
    new CostReport(second, 'CostReport');
    app.synth();
    const total = (file: string) => JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8')).totalMonthlyUsd;
    expect(total('watchkeeper-cost-report-Monitoring-CostReport.json')).toBeCloseTo(0.1);
    expect(total('watchkeeper-cost-report-Second-CostReport.json')).toBeCloseTo(0.2);
    expect(fs.existsSync(path.join(outdir, 'watchkeeper-cost-report.json'))).toBe(false);
    Annotations.fromStack(second).hasInfo('/Second/CostReport', Match.stringLikeRegexp('written to watchkeeper-cost-report-Second-CostReport.json'));
  });

  test('keeps the default file name for the one report of a cloud assembly: a stage writes into a directory of its own', () => {
    const { app, outdir } = appWithReport();
    new CostReport(new Stack(new Stage(app, 'Prod'), 'Monitoring', { env: TEST_ENV }), 'CostReport');
    app.synth();
    expect(fs.existsSync(path.join(outdir, 'watchkeeper-cost-report.json'))).toBe(true);
    expect(fs.existsSync(path.join(outdir, 'assembly-Prod', 'watchkeeper-cost-report.json'))).toBe(true);
  });

  test('fails at synth on two reports of one app given the same file name', () => {
    const { app } = appWithReport({ fileName: 'costs' });
    new CostReport(new Stack(app, 'Second', { env: TEST_ENV }), 'CostReport', { fileName: 'costs' });
    expect(() => app.synth()).toThrow(/fileName must be unique among the cost reports of one cloud assembly.*Monitoring\/CostReport, Second\/CostReport.*got 'costs'/s);
  });

  test('uses us-east-1 prices for other Regions and says so', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-central-1' } });
    const report = new CostReport(stack, 'CostReport');
    cpu().createAlarm(stack, 'Standard', { threshold: 80, evaluationPeriods: 1 });
    app.synth();
    expect(report.renderTable()).toContain('no price table for eu-central-1');
  });

  test.each([
    [{ metricsInsightsSeriesPerAlarm: 0 }, /metricsInsightsSeriesPerAlarm must be between 1 and 10000000, got 0/],
    [{ fileName: '../escape' }, /fileName must be a file name of letters, digits, dots, dashes and underscores, got '..\/escape'/],
  ])('fails on bad input %p', (props, message) => {
    expect(() => new CostReport(new Stack(new App(), 'S'), 'R', props)).toThrow(message);
  });

  test('fails on a negative log volume', () => {
    const stack = new Stack(new App(), 'S');
    const report = new CostReport(stack, 'R');
    expect(() => report.addLogVolume({ logGroup: logs.LogGroup.fromLogGroupName(stack, 'G', 'g'), gbPerMonth: -1 }))
      .toThrow(/gbPerMonth must be between 0 and 1000000000, got -1/);
  });
});
