import { App, Duration, Fn, Stack, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cw_actions, aws_sns as sns } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AgentConfig, AlarmRouting, AlarmSet, AlertTopic, MetricsInsightsQuery } from '../../src';
import { alarmProblems, validateAlarm } from '../../src/core/private/alarm-validation';
import { newStack } from '../helpers';

const metric = (name = 'CPUUtilization') => new cloudwatch.Metric({ namespace: 'AWS/EC2', metricName: name, dimensionsMap: { InstanceId: 'i-0123456789abcdef0' } });

function raw(stack: Stack, props: Partial<cloudwatch.CfnAlarmProps> = {}): cloudwatch.CfnAlarm {
  return new cloudwatch.CfnAlarm(stack, 'Raw', {
    namespace: 'AWS/EC2',
    metricName: 'CPUUtilization',
    statistic: 'Average',
    period: 300,
    evaluationPeriods: 3,
    comparisonOperator: 'GreaterThanThreshold',
    threshold: 90,
    alarmActions: ['arn:aws:sns:us-east-1:123456789012:ops'],
    ...props,
  });
}

function set(stack: Stack): AlarmSet {
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['a@example.com'], failedDeliveryAlarm: false });
  return new AlarmSet(stack, 'Set', { routing: AlarmRouting.toTopic(alerts) });
}

describe('alarm validation', () => {
  test('a valid alarm has no problems, L1 or L2', () => {
    const stack = newStack();
    expect(alarmProblems(raw(stack))).toEqual([]);
    const alarm = metric().createAlarm(stack, 'L2', { threshold: 1, evaluationPeriods: 1 });
    expect(alarmProblems(alarm)).toEqual([]);
  });

  test('fails on SEARCH() in the alarm math', () => {
    const stack = newStack();
    const alarm = raw(stack, {
      namespace: undefined,
      metricName: undefined,
      statistic: undefined,
      period: undefined,
      metrics: [{ id: 'e1', expression: 'MAX(SEARCH(\'{AWS/EC2,InstanceId} CPUUtilization\', \'Average\', 300))', returnData: true }],
    });
    expect(() => validateAlarm(alarm)).toThrow(/TestStack\/Raw: metric expression must be free of SEARCH\(\).*got 'MAX\(SEARCH/);
  });

  test('fails on more than 10 metrics in the alarm math', () => {
    const stack = newStack();
    const metrics: cloudwatch.CfnAlarm.MetricDataQueryProperty[] = Array.from({ length: 11 }, (_, i) => ({
      id: `m${i}`,
      returnData: false,
      metricStat: { metric: { namespace: 'AWS/EC2', metricName: `Metric${i}` }, period: 60, stat: 'Sum' },
    }));
    const alarm = raw(stack, {
      namespace: undefined,
      metricName: undefined,
      statistic: undefined,
      period: undefined,
      metrics: [...metrics, { id: 'total', expression: 'SUM(METRICS())', returnData: true }],
    });
    expect(() => validateAlarm(alarm)).toThrow(/TestStack\/Raw: metrics must be at most 10 metrics in an alarm's math, got '11 metrics'/);
  });

  test('fails on a period that is not 10, 20, 30 s or a multiple of 60', () => {
    const stack = newStack();
    expect(() => validateAlarm(raw(stack, { period: 90 })))
      .toThrow(/Raw: period must be 10, 20 or 30 seconds or a multiple of 60 seconds, got '90 seconds'/);
    expect(alarmProblems(raw(newStack(), { period: 30 }))).toEqual([]);
  });

  test('fails on more datapoints than evaluation periods', () => {
    const stack = newStack();
    expect(() => set(stack).addAlarm('Cpu', metric(), { threshold: 1, evaluationPeriods: 2, datapointsToAlarm: 5 }))
      .toThrow(/Set\/Cpu: datapointsToAlarm must be at most evaluationPeriods \(2\), got 5/);
  });

  test('fails on an evaluation window over one day when the period is under an hour', () => {
    const stack = newStack();
    expect(() => set(stack).addAlarm('Cpu', metric().with({ period: Duration.minutes(5) }), { threshold: 1, evaluationPeriods: 289 }))
      .toThrow(/Set\/Cpu: evaluation window \(period x evaluationPeriods\) must be at most one day when the period is shorter than an hour \(86400 seconds\), got '300 x 289 = 86700 seconds'/);
  });

  test('fails on an evaluation window over seven days with hourly periods', () => {
    const stack = newStack();
    expect(alarmProblems(raw(stack, { period: 3600, evaluationPeriods: 168 }))).toEqual([]);
    expect(() => validateAlarm(raw(newStack(), { period: 3600, evaluationPeriods: 169 })))
      .toThrow(/must be at most seven days \(604800 seconds\), got '3600 x 169 = 608400 seconds'/);
  });

  test('fails on evaluation periods below 1', () => {
    expect(() => validateAlarm(raw(newStack(), { evaluationPeriods: 0 }))).toThrow(/evaluationPeriods must be a whole number of at least 1, got 0/);
  });

  test('fails at synth on more than 5 actions in one state, even when added later', () => {
    const stack = newStack();
    const alarms = set(stack);
    const alarm = alarms.addAlarm('Cpu', metric(), { threshold: 1 });
    for (let i = 0; i < 5; i++) {
      alarm.addAlarmAction(new cw_actions.SnsAction(sns.Topic.fromTopicArn(stack, `T${i}`, `arn:aws:sns:us-east-1:123456789012:t${i}`)));
    }
    expect(() => Template.fromStack(stack)).toThrow(/Set\/Cpu: alarmActions must be at most 5 actions per alarm state, got '6 actions'/);
  });

  test('fails on an alarm name longer than 255 characters', () => {
    expect(() => set(newStack()).addAlarm('Cpu', metric(), { threshold: 1, alarmName: 'x'.repeat(256) }))
      .toThrow(/Set\/Cpu: alarmName must be between 1 and 255 characters long, got '256 characters'/);
  });

  test('fails on control characters in an alarm name', () => {
    expect(() => set(newStack()).addAlarm('Cpu', metric(), { threshold: 1, alarmName: 'web\ncpu' }))
      .toThrow(/Set\/Cpu: alarmName must be free of control characters/);
  });

  test('fails on a description longer than 1024 characters', () => {
    expect(() => set(newStack()).addAlarm('Cpu', metric(), { threshold: 1, description: 'd'.repeat(1025) }))
      .toThrow(/alarmDescription must be at most 1024 characters long, got '1025 characters'/);
  });

  test('fails on an EC2 action on a metric-math alarm', () => {
    const stack = newStack();
    const math = new cloudwatch.MathExpression({ expression: 'm1 * 2', usingMetrics: { m1: metric('StatusCheckFailed_System') } });
    expect(() => set(stack).addAlarm('Recover', math, { threshold: 1, actions: [new cw_actions.Ec2Action(cw_actions.Ec2InstanceAction.RECOVER)] }))
      .toThrow(/Set\/Recover: alarmActions must be free of EC2 actions .* on an alarm based on metric math/);
  });

  test('fails on a grouped Metrics Insights query without ORDER BY, also on an L1 alarm', () => {
    const stack = newStack();
    const alarm = raw(stack, {
      namespace: undefined,
      metricName: undefined,
      statistic: undefined,
      period: undefined,
      metrics: [{ id: 'q', expression: 'SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) WHERE tag.fleet = \'shop\' GROUP BY InstanceId', period: 300, returnData: true }],
    });
    expect(() => validateAlarm(alarm)).toThrow(/TestStack\/Raw: metric expression must be a query with ORDER BY when it has GROUP BY .*got 'SELECT MAX/);
  });

  test('fails on EC2 recover on any metric but StatusCheckFailed_System', () => {
    const stack = newStack();
    const recover = new cw_actions.Ec2Action(cw_actions.Ec2InstanceAction.RECOVER);
    expect(() => set(stack).addAlarm('Combined', metric('StatusCheckFailed'), { threshold: 1, actions: [recover] }))
      .toThrow(/Set\/Combined: alarmActions must be free of the EC2 recover action unless the alarm watches StatusCheckFailed_System .*got 'StatusCheckFailed'/);
    expect(() => set(newStack()).addMetricsInsightsAlarm('Fleet', {
      query: MetricsInsightsQuery.custom('SELECT MAX(StatusCheckFailed) FROM SCHEMA("AWS/EC2", InstanceId) WHERE InstanceType = \'m5.large\' GROUP BY InstanceId ORDER BY MAX() DESC'),
      threshold: 1,
      actions: [recover],
    })).toThrow(/Set\/Fleet: alarmActions must be free of the EC2 recover action unless the alarm watches StatusCheckFailed_System/);
    expect(alarmProblems(set(newStack()).addAlarm('System', metric('StatusCheckFailed_System'), { threshold: 1, actions: [recover] }))).toEqual([]);
  });

  test('finds EC2 actions in an environment-agnostic stack, where the Region is a reference', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const math = new cloudwatch.MathExpression({ expression: 'm1 * 2', usingMetrics: { m1: metric('StatusCheckFailed_System') } });
    expect(() => set(stack).addAlarm('Recover', math, { threshold: 1, actions: [new cw_actions.Ec2Action(cw_actions.Ec2InstanceAction.RECOVER)] }))
      .toThrow(/Agnostic\/Set\/Recover: alarmActions must be free of EC2 actions .* on an alarm based on metric math/);
    const swf = raw(new Stack(new App(), 'Swf'), {
      namespace: undefined,
      metricName: undefined,
      statistic: undefined,
      period: undefined,
      metrics: [{ id: 'e1', expression: 'm1 * 2', returnData: true }, { id: 'm1', returnData: false, metricStat: { metric: { namespace: 'AWS/EC2', metricName: 'StatusCheckFailed_System' }, period: 60, stat: 'Maximum' } }],
      alarmActions: [Fn.sub('arn:${AWS::Partition}:swf:${AWS::Region}:${AWS::AccountId}:action/actions/AWS_EC2.InstanceId.Reboot/1.0')],
    });
    expect(() => validateAlarm(swf)).toThrow(/alarmActions must be free of EC2 actions/);
  });

  test('fails on a composite alarm rule longer than 10240 characters', () => {
    const stack = newStack();
    const alarm = metric().createAlarm(stack, 'A', { threshold: 1, evaluationPeriods: 1 });
    const rule = cloudwatch.AlarmRule.anyOf(...Array.from({ length: 400 }, () => cloudwatch.AlarmRule.fromAlarm(alarm, cloudwatch.AlarmState.ALARM)));
    const composite = new cloudwatch.CfnCompositeAlarm(stack, 'Huge', { alarmRule: rule.renderAlarmRule() });
    expect(() => validateAlarm(composite)).toThrow(/TestStack\/Huge: alarmRule must be at most 10240 characters long, got 'at least \d+ characters'/);
  });

  test('fails on something that is not an alarm', () => {
    const stack = newStack();
    expect(() => validateAlarm(new sns.Topic(stack, 'Topic'))).toThrow(/Topic: alarm must be a CloudWatch alarm or composite alarm/);
  });
});

describe('WatchkeeperValidationError', () => {
  test('every bad input raises one error type with a stable code per rule and the usual message form', () => {
    const cases: Array<[() => unknown, string, RegExp]> = [
      [() => new AlertTopic(newStack(), 'Alerts', { emails: ['x'] }), 'AlertTopic.emails', /^TestStack\/Alerts: emails must be .*, got 'x'$/],
      [() => new AgentConfig({ namespace: 'AWS/Mine' }), 'AgentConfig.namespace', /^AgentConfig: namespace must be .*, got 'AWS\/Mine'$/],
      [() => MetricsInsightsQuery.custom('SELECT p99(CPUUtilization) FROM "AWS/EC2"'), 'MetricsInsightsQuery.query', /^MetricsInsightsQuery: query /],
    ];
    for (const [make, code, message] of cases) {
      let caught: any;
      try { make(); } catch (e) { caught = e; }
      expect(caught?.name).toBe('WatchkeeperValidationError');
      expect(caught?.code).toBe(code);
      expect(caught?.message).toMatch(message);
    }
  });
});
