import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  AlarmRouting, AlarmSet, AlarmSetProps, AlarmWarmUp, AlertTopic, AppLogGroup, MetricsInsightsAggregation, MetricsInsightsQuery,
} from '../../src';
import { derivedWarmUpMinutes, isMultiTimeSeriesQuery, publicationDelayMinutes, queryNamespaces } from '../../src/core/private/warm-up.pure';
import { newStack } from '../helpers';

function build(props: Partial<AlarmSetProps> = {}, routingWarmUp?: AlarmWarmUp) {
  const stack = newStack();
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'], failedDeliveryAlarm: false });
  const routing = new AlarmRouting({ critical: [alerts], warmUp: routingWarmUp });
  const set = new AlarmSet(stack, 'Set', { routing, ...props });
  return { stack, alerts, routing, set };
}

const metric = (namespace: string, periodMinutes: number) =>
  new cloudwatch.Metric({ namespace, metricName: 'M', dimensionsMap: { InstanceId: 'i-0123456789abcdef0' }, period: Duration.minutes(periodMinutes) });

/** WarmUpConfiguration of each alarm, by logical ID prefix. */
function warmUps(stack: ReturnType<typeof newStack>): Record<string, unknown> {
  const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
  return Object.fromEntries(Object.entries(alarms).map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r.Properties.WarmUpConfiguration]));
}

describe('AlarmWarmUp', () => {
  test.each<[string, string, number, number, number]>([
    // namespace, period (min), evaluation periods, expected: window + publication delay
    ['EC2 basic monitoring (5 min): readable up to 10 min late', 'AWS/EC2', 5, 3, 15 + 10],
    ['EC2 detailed monitoring (1 min): 3 min', 'AWS/EC2', 1, 3, 3 + 3],
    ['agent metric, 1 min x 10', 'CWAgent', 1, 10, 10 + 3],
    ['log metric filter, 5 min x 1', 'Orders/Api', 5, 1, 5 + 3],
  ])('derives the warm-up from the evaluation window and the publication delay: %s', (_name, namespace, period, periods, expected) => {
    const { stack, set } = build();
    set.addAlarm('A', metric(namespace, period), { threshold: 1, evaluationPeriods: periods });
    expect(warmUps(stack).SetA).toEqual({ WarmUpPeriodDurationInMinutes: expected });
    expect(derivedWarmUpMinutes({ periodSeconds: period * 60, evaluationPeriods: periods, namespaces: [namespace] })).toBe(expected);
  });

  test('caps the derived warm-up at CloudWatch\'s 2,880 minutes (a one-day period over 7 days)', () => {
    const { stack, set } = build();
    set.addAlarm('Weekly', metric('CWAgent', 24 * 60), { threshold: 1, evaluationPeriods: 7 });
    expect(warmUps(stack).SetWeekly).toEqual({ WarmUpPeriodDurationInMinutes: 2880 });
  });

  test('a set\'s warm-up beats the routing\'s, which beats the derived one; none() leaves it off', () => {
    const routed = build({}, AlarmWarmUp.of(Duration.minutes(45)));
    routed.set.addAlarm('A', metric('CWAgent', 1), { threshold: 1 });
    expect(warmUps(routed.stack).SetA).toEqual({ WarmUpPeriodDurationInMinutes: 45 });

    const hour = AlarmWarmUp.of(Duration.hours(1), { onlyStartEvaluatingAfterWarmUpPeriodEnds: true });
    const own = build({ warmUp: hour }, AlarmWarmUp.of(Duration.minutes(45)));
    own.set.addAlarm('A', metric('CWAgent', 1), { threshold: 1 });
    expect(warmUps(own.stack).SetA).toEqual({ WarmUpPeriodDurationInMinutes: 60, OnlyStartEvaluatingAfterWarmUpPeriodEnds: true });

    const off = build({ warmUp: AlarmWarmUp.none() });
    off.set.addAlarm('A', metric('CWAgent', 1), { threshold: 1 });
    expect(warmUps(off.stack).SetA).toBeUndefined();
  });

  test.each([
    ['0 minutes', Duration.minutes(0)],
    ['3 days, over CloudWatch\'s 2 days', Duration.days(3)],
    ['90 seconds, not whole minutes', Duration.seconds(90)],
  ])('fails at synth for a warm-up CloudWatch rejects: %s', (_name, duration) => {
    expect(() => AlarmWarmUp.of(duration)).toThrow(/AlarmWarmUp: duration must be whole minutes between 1 and 2880 \(2 days\)/);
  });

  test('leaves warm-up off multi-time-series Metrics Insights alarms (GROUP BY) and on single-series ones', () => {
    const { stack, set } = build();
    const query = (groupBy: boolean) => MetricsInsightsQuery.aggregate({
      aggregation: MetricsInsightsAggregation.MAX,
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      schemaDimensions: ['InstanceId'],
      where: { 'tag.fleet': 'web' },
      groupBy: groupBy ? ['InstanceId'] : undefined,
    });
    set.addMetricsInsightsAlarm('PerInstance', { query: query(true), threshold: 95 });
    set.addMetricsInsightsAlarm('Fleet', { query: query(false), threshold: 95 });
    const w = warmUps(stack);
    expect(w.SetPerInstance).toBeUndefined();
    expect(w.SetFleet).toEqual({ WarmUpPeriodDurationInMinutes: 15 + 10 });
  });

  test('composite alarms get no warm-up (CloudFormation has none for them); their members do', () => {
    const { stack, set } = build();
    const a = set.addAlarm('A', metric('CWAgent', 1), { threshold: 1 });
    set.addCompositeAlarm('Both', { rule: cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM) });
    const composite = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::CompositeAlarm'))[0];
    expect(composite.Properties.WarmUpConfiguration).toBeUndefined();
    expect(warmUps(stack).SetA).toEqual({ WarmUpPeriodDurationInMinutes: 6 });
  });

  test('alarms made outside an alarm set (log groups, topics) get the routing\'s warm-up too', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const routing = new AlarmRouting({ critical: [alerts], warmUp: AlarmWarmUp.of(Duration.minutes(20)) });
    new AppLogGroup(stack, 'Logs').addNoLogsAlarm('Silent', { routing });
    const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
    const logAlarm = Object.entries(alarms).find(([id]) => id.startsWith('LogsSilent'))![1];
    expect(logAlarm.Properties.WarmUpConfiguration).toEqual({ WarmUpPeriodDurationInMinutes: 20 });
    // The topic's own failed-delivery alarm has no routing warm-up: it is derived.
    const failed = Object.entries(alarms).find(([id]) => id.startsWith('AlertsAlarmsFailedDelivery'))![1];
    expect(failed.Properties.WarmUpConfiguration).toEqual({ WarmUpPeriodDurationInMinutes: 5 + 3 });
  });
});

describe('warm-up derivation (pure)', () => {
  test('publication delay: 10 minutes for EC2 basic monitoring, 3 otherwise', () => {
    expect(publicationDelayMinutes('AWS/EC2', 300)).toBe(10);
    expect(publicationDelayMinutes('AWS/EC2', 60)).toBe(3);
    expect(publicationDelayMinutes('AWS/AutoScaling', 300)).toBe(3);
  });

  test('reads the namespace of a Metrics Insights query and tells multi-series queries apart', () => {
    expect(queryNamespaces('SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)')).toEqual(['AWS/EC2']);
    expect(queryNamespaces('SELECT AVG(mem_used_percent) FROM "CWAgent" GROUP BY InstanceId ORDER BY AVG() DESC')).toEqual(['CWAgent']);
    expect(isMultiTimeSeriesQuery('SELECT AVG(x) FROM "CWAgent" GROUP BY InstanceId ORDER BY AVG() DESC')).toBe(true);
    expect(isMultiTimeSeriesQuery('SELECT AVG(x) FROM "CWAgent"')).toBe(false);
  });
});
