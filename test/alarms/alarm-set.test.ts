import { Duration, Stack, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  AlarmRouting, AlarmSet, AlarmSetProps, AlarmSeverity, AlertTopic, AnomalyDirection,
  MetricsInsightsAggregation, MetricsInsightsQuery,
} from '../../src';
import { expectNagClean, newStack, stableTemplate } from '../helpers';

const cpu = new cloudwatch.Metric({ namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensionsMap: { InstanceId: 'i-0123456789abcdef0' } });

function build(props: Partial<AlarmSetProps> = {}, stack: Stack = newStack()) {
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'], failedDeliveryAlarm: false });
  const set = new AlarmSet(stack, 'Fleet', { routing: AlarmRouting.toTopic(alerts), ...props });
  return { stack, alerts, set, template: () => Template.fromStack(stack) };
}

const TOPIC = { Ref: Match.stringLikeRegexp('^Alerts') };

describe('AlarmRouting', () => {
  test('routes each severity to its topics; warning and info fall back', () => {
    const stack = newStack();
    const pager = new AlertTopic(stack, 'Pager', { emails: ['p@example.com'] });
    const team = new AlertTopic(stack, 'Team', { emails: ['t@example.com'] });
    expect(new AlarmRouting({ critical: [pager] }).topicsFor(AlarmSeverity.INFO)).toEqual([pager]);
    const routing = new AlarmRouting({ critical: [pager, team], warning: [team] });
    expect(routing.topicsFor(AlarmSeverity.CRITICAL)).toEqual([pager, team]);
    expect(routing.topicsFor(AlarmSeverity.WARNING)).toEqual([team]);
    expect(routing.topicsFor(AlarmSeverity.INFO)).toEqual([team]);
  });

  test('OK and insufficient-data notifications as configured', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['a@example.com'], failedDeliveryAlarm: false });
    const set = new AlarmSet(stack, 'Set', { routing: new AlarmRouting({ critical: [alerts], notifyOnOk: false, notifyOnInsufficientData: true }) });
    set.addAlarm('Cpu', cpu, { threshold: 90 });
    const props = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))[0].Properties;
    expect(props.OKActions).toBeUndefined();
    expect(props.InsufficientDataActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
  });

  test('fails without a critical topic', () => {
    expect(() => new AlarmRouting({ critical: [] })).toThrow(/critical must be a list of at least one alert topic, got \[\]/);
  });
});

describe('AlarmSet', () => {
  test('composite alarms nest AND, OR and NOT, with an actions suppressor', () => {
    const { set, template } = build({ alarmNamePrefix: 'shop' });
    const high = set.addAlarm('CpuHigh', cpu, { threshold: 90 });
    const errors = set.addAlarm('Errors', new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Errors' }), { threshold: 10 });
    const maintenance = set.addAlarm('Maintenance', new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Maintenance' }), { threshold: 1, severity: AlarmSeverity.INFO });
    const composite = set.addCompositeAlarm('Degraded', {
      rule: cloudwatch.AlarmRule.allOf(
        cloudwatch.AlarmRule.anyOf(
          cloudwatch.AlarmRule.fromAlarm(high, cloudwatch.AlarmState.ALARM),
          cloudwatch.AlarmRule.fromAlarm(errors, cloudwatch.AlarmState.ALARM),
        ),
        cloudwatch.AlarmRule.not(cloudwatch.AlarmRule.fromAlarm(maintenance, cloudwatch.AlarmState.ALARM)),
      ),
      actionsSuppressor: maintenance,
      actionsSuppressorExtensionPeriod: Duration.minutes(15),
      description: 'The shop is slow and failing. Page the on-call.',
    });
    expect(set.alarms).toContain(composite);
    const props = Object.values(template().findResources('AWS::CloudWatch::CompositeAlarm'))[0].Properties;
    const rule = props.AlarmRule['Fn::Join'][1].filter((p: unknown) => typeof p === 'string').join('#');
    expect(rule).toBe('((ALARM("#") OR ALARM("#")) AND (NOT (ALARM("#"))))');
    expect(props).toEqual(expect.objectContaining({
      AlarmName: 'shop-Degraded',
      AlarmDescription: 'The shop is slow and failing. Page the on-call.',
      ActionsSuppressor: { 'Fn::GetAtt': [expect.stringMatching(/^FleetMaintenance/), 'Arn'] },
      ActionsSuppressorWaitPeriod: 60,
      ActionsSuppressorExtensionPeriod: 900,
      AlarmActions: [{ Ref: expect.stringMatching(/^Alerts/) }],
    }));
  });

  test.each([
    [AnomalyDirection.ABOVE, 'GreaterThanUpperThreshold'],
    [AnomalyDirection.BELOW, 'LessThanLowerThreshold'],
    [AnomalyDirection.OUTSIDE, 'LessThanLowerOrGreaterThanUpperThreshold'],
  ])('anomaly alarm %s the band', (direction, operator) => {
    const { set, template } = build();
    set.addAnomalyAlarm('CpuAnomaly', cpu, { direction, bandWidth: 3, severity: AlarmSeverity.INFO });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: operator,
      ThresholdMetricId: 'expr_1',
      TreatMissingData: 'notBreaching',
      EvaluationPeriods: 3,
      Metrics: Match.arrayWith([
        Match.objectLike({ Id: 'expr_1', Expression: 'ANOMALY_DETECTION_BAND(m0, 3)' }),
        Match.objectLike({ Id: 'm0', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'CPUUtilization' }) }) }),
      ]),
      AlarmActions: [TOPIC],
    });
  });

  test('fleet-wide alarm on a Metrics Insights query', () => {
    const { set, template } = build();
    set.addMetricsInsightsAlarm('AnyStatusCheckFailed', {
      query: MetricsInsightsQuery.aggregate({
        aggregation: MetricsInsightsAggregation.MAX,
        namespace: 'AWS/EC2',
        metricName: 'StatusCheckFailed',
        schemaDimensions: ['InstanceId'],
      }),
      threshold: 1,
      period: Duration.minutes(1),
      evaluationPeriods: 2,
      severity: AlarmSeverity.CRITICAL,
    });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [{ Id: 'expr_1', Expression: 'SELECT MAX(StatusCheckFailed) FROM SCHEMA("AWS/EC2", InstanceId)', Period: 60, ReturnData: true, Label: 'AnyStatusCheckFailed' }],
      Threshold: 1,
      EvaluationPeriods: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [TOPIC],
    });
  });

  test('Metrics Insights queries quote names and filter by dimension', () => {
    const q = MetricsInsightsQuery.aggregate({
      aggregation: MetricsInsightsAggregation.AVG,
      namespace: 'CWAgent',
      metricName: 'Memory % Committed Bytes In Use',
      schemaDimensions: ['InstanceId', 'AutoScalingGroupName'],
      where: { AutoScalingGroupName: 'web' },
    });
    expect(q.sql).toBe('SELECT AVG("Memory % Committed Bytes In Use") FROM SCHEMA("CWAgent", InstanceId, AutoScalingGroupName) WHERE AutoScalingGroupName = \'web\'');
    expect(MetricsInsightsQuery.aggregate({ aggregation: MetricsInsightsAggregation.SUM, namespace: 'AWS/EC2', metricName: 'StatusCheckFailed' }).sql)
      .toBe('SELECT SUM(StatusCheckFailed) FROM "AWS/EC2"');
    expect(MetricsInsightsQuery.custom(' SELECT MAX(CPUUtilization) FROM "AWS/EC2" ').sql).toBe('SELECT MAX(CPUUtilization) FROM "AWS/EC2"');
  });

  test.each([
    ['a query with SEARCH()', () => MetricsInsightsQuery.custom('SELECT SEARCH(\'{AWS/EC2,InstanceId} CPUUtilization\', \'Average\')'), /free of SEARCH\(\)/],
    ['a query that is not SELECT', () => MetricsInsightsQuery.custom('SEARCH(\'{AWS/EC2} CPU\', \'Average\', 300)'), /starting with SELECT/],
    ['a where value with a quote', () => MetricsInsightsQuery.aggregate({ aggregation: MetricsInsightsAggregation.MAX, namespace: 'AWS/EC2', metricName: 'CPUUtilization', where: { AutoScalingGroupName: 'o\'neil' } }), /free of single quotes/],
  ])('fails on %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('fails on a Metrics Insights alarm that looks back more than 3 hours', () => {
    const { set } = build();
    expect(() => set.addMetricsInsightsAlarm('Slow', {
      query: MetricsInsightsQuery.custom('SELECT MAX(CPUUtilization) FROM "AWS/EC2"'), threshold: 1, period: Duration.hours(1), evaluationPeriods: 4,
    })).toThrow(/Fleet: Slow: evaluation window \(period x evaluationPeriods\) must be at most 3 hours for a Metrics Insights alarm.*got '14400 seconds'/);
  });

  test('fails on a non-positive anomaly band', () => {
    const { set } = build();
    expect(() => set.addAnomalyAlarm('A', cpu, { bandWidth: 0 })).toThrow(/bandWidth must be a positive number of standard deviations, got 0/);
  });

  test('custom liveness alarms breach on missing data and are listed for planned downtime', () => {
    const { set, template } = build();
    const heartbeat = set.addAlarm('Heartbeat', new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Heartbeat', statistic: 'SampleCount' }), {
      threshold: 1, comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD, liveness: true, severity: AlarmSeverity.CRITICAL,
    });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Heartbeat', TreatMissingData: 'breaching' });
    expect(set.livenessAlarms).toEqual([heartbeat]);
  });

  test('generated descriptions name the metric, threshold and evaluation', () => {
    const { set, template } = build({ runbookUrl: 'https://wiki.example.com/fleet' });
    set.addAlarm('Cpu', cpu, { threshold: 80, evaluationPeriods: 5, datapointsToAlarm: 3 });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: 'AWS/EC2/CPUUtilization is at or above 80 in 3 of 5 periods. Find out why, and fix or raise the threshold. Runbook: https://wiki.example.com/fleet',
    });
  });

  test('passes the nag packs with composites, anomaly and Metrics Insights alarms', () => {
    const { set, stack } = build({ alarmNamePrefix: 'fleet', tags: { team: 'ops' } });
    const a = set.addAlarm('Cpu', cpu, { threshold: 90 });
    set.addAnomalyAlarm('CpuAnomaly', cpu);
    set.addMetricsInsightsAlarm('Worst', { query: MetricsInsightsQuery.custom('SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)'), threshold: 95 });
    set.addCompositeAlarm('Both', { rule: cloudwatch.AlarmRule.allOf(cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM)) });
    expectNagClean(stack);
  });

  test('matches the golden snapshot', () => {
    const { set, stack } = build({ alarmNamePrefix: 'fleet' });
    const a = set.addAlarm('Cpu', cpu, { threshold: 90 });
    set.addAnomalyAlarm('CpuAnomaly', cpu, { direction: AnomalyDirection.ABOVE });
    set.addMetricsInsightsAlarm('Worst', { query: MetricsInsightsQuery.custom('SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)'), threshold: 95 });
    set.addCompositeAlarm('Both', { rule: cloudwatch.AlarmRule.anyOf(cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM)) });
    expect(stableTemplate(stack)).toMatchSnapshot();
  });
});
