// The alarm engine over hand-made templates: actions on transitions only, actions enabled or
// not, contributors, mute rules, warm-up.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Acting_Alarm_Changes.html
import { readAlarms, readMuteRules, topicRecipients } from '../../src/rehearsal/alarm-model.pure';
import { AlarmEngine, Transition } from '../../src/rehearsal/alarms.pure';
import { MetricStore } from '../../src/rehearsal/store.pure';
import { RehearsalStack } from '../../src/rehearsal/template.pure';

const TOPIC = { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'pager', Subscription: [{ Protocol: 'email', Endpoint: 'oncall@example.com' }] } };
const alarm = (props: Record<string, unknown>) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    Namespace: 'Shop',
    MetricName: 'Errors',
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
    AlarmActions: [{ Ref: 'Pager' }],
    OKActions: [{ Ref: 'Pager' }],
    ...props,
  },
});

function engine(resources: Record<string, unknown>, wants: Array<[string, string]> = [['Shop', 'Errors']]) {
  const stack: RehearsalStack = { stackName: 'Shop', template: { Resources: { Pager: TOPIC, ...resources } as any }, severities: {}, paths: {} };
  const store = new MetricStore(120);
  for (const [ns, name] of wants) store.want(ns, name);
  const alarms = readAlarms(stack, topicRecipients(stack));
  const e = new AlarmEngine(alarms, readMuteRules(stack), store, 0);
  const run = (from: number, to: number, publish: (minute: number) => void) => {
    const out: Transition[] = [];
    for (let m = from; m < to; m++) {
      publish(m);
      out.push(...e.step(m));
    }
    return out;
  };
  return { e, store, run };
}

const summary = (ts: Transition[]) => ts.map(t => `${t.minute} ${t.contributor ?? t.alarm.name} ${t.to} ${t.actions.map(a => a.kind).join('+') || `(${t.silencedBy ?? 'no action'})`}`);

describe('AlarmEngine', () => {
  test('runs actions on state transitions only: an error burst of 20 minutes notifies ALARM once and OK once', () => {
    const { store, run } = engine({ Errors: alarm({ AlarmName: 'errors' }) });
    const out = run(0, 60, m => { if (m >= 10 && m < 30) store.open('Shop', 'Errors', {}, { delay: 1 })!.put(m, 3); });
    // OK only once the last breaching datapoint has left the evaluation range (the page's note on
    // alarms that "re-evaluate the last set of data points" after the metric stops).
    expect(summary(out)).toEqual(['0 errors OK sns', '12 errors ALARM sns', '33 errors OK sns']);
  });

  test('a transition while actions are disabled is silent, and enabling the actions later sends nothing', () => {
    const { e, store, run } = engine({ Errors: alarm({ AlarmName: 'errors' }) });
    run(0, 5, () => undefined);
    e.setActionsEnabled(['errors'], false);
    const silent = run(5, 30, m => store.open('Shop', 'Errors', {}, { delay: 1 })!.put(m, 3));
    e.setActionsEnabled(['errors'], true);
    const later = run(30, 60, m => store.open('Shop', 'Errors', {}, { delay: 1 })!.put(m, 3));
    expect(summary(silent)).toEqual(['7 errors ALARM (actions disabled)']);
    expect(later).toEqual([]);
    expect(e.stateOf('errors')).toBe('ALARM');
  });

  test('ActionsEnabled false in the template keeps the alarm silent', () => {
    const { store, run } = engine({ Errors: alarm({ AlarmName: 'errors', ActionsEnabled: false }) });
    const out = run(0, 20, m => { if (m >= 10) store.open('Shop', 'Errors', {}, { delay: 1 })!.put(m, 3); });
    expect(summary(out).filter(s => s.includes('ALARM'))).toEqual(['12 errors ALARM (actions disabled)']);
  });

  test('a contributor that stops publishing goes to OK and runs its OK actions; EC2 actions run per contributor only', () => {
    const { store, run } = engine({
      Fleet: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: 'fleet-status',
          EvaluationPeriods: 2,
          DatapointsToAlarm: 2,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          Metrics: [{
            Id: 'q',
            Period: 60,
            ReturnData: true,
            Expression: 'SELECT MAX(StatusCheckFailed) FROM SCHEMA("AWS/EC2", InstanceId) GROUP BY InstanceId',
          }],
          AlarmActions: ['arn:aws:automate:us-east-1:ec2:recover', { Ref: 'Pager' }],
          OKActions: [{ Ref: 'Pager' }],
        },
      },
    }, [['AWS/EC2', 'StatusCheckFailed']]);
    const out = run(0, 40, m => {
      store.open('AWS/EC2', 'StatusCheckFailed', { InstanceId: 'i-ok' }, { delay: 0 })!.put(m, 0);
      if (m < 20) store.open('AWS/EC2', 'StatusCheckFailed', { InstanceId: 'i-bad' }, { delay: 0 })!.put(m, m >= 5 ? 1 : 0);
    });
    expect(summary(out)).toEqual([
      '0 fleet-status OK sns',
      '7 InstanceId=i-bad ALARM ec2+sns', '7 fleet-status ALARM sns',
      // i-bad is terminated at minute 20: once the query no longer returns it, it goes to OK
      expect.stringMatching(/^2\d InstanceId=i-bad OK sns$/), expect.stringMatching(/^2\d fleet-status OK sns$/),
    ]);
  });

  // alarm-mute-rules-behaviour, "Alarm actions are muted when a mute rule is active": back to OK
  // before the window ends, nothing runs when it ends.
  test('a mute rule mutes the actions while the alarm keeps changing state', () => {
    const { store, run } = engine({
      Errors: alarm({ AlarmName: 'errors' }),
      Mute: { Type: 'AWS::CloudWatch::AlarmMuteRule', Properties: { Rule: { Schedule: { Expression: 'cron(10 0 * * *)', Duration: 'PT30M' } }, MuteTargets: { AlarmNames: ['errors'] } } },
    });
    const out = run(0, 70, m => { if (m >= 15 && m < 30) store.open('Shop', 'Errors', {}, { delay: 1 })!.put(m, 3); });
    expect(summary(out)).toEqual(['0 errors OK sns', '17 errors ALARM (muted by a mute rule)', '33 errors OK (muted by a mute rule)']);
  });

  // alarm-mute-rules-behaviour, "Alarm action muted when mute rule is active and re-triggered
  // after mute window": still in the state it was muted in when the window ends, it acts then.
  test('an alarm still in the state it was muted in when the mute ends runs that state\'s actions then', () => {
    const { store, run } = engine({
      Errors: alarm({ AlarmName: 'errors' }),
      Mute: { Type: 'AWS::CloudWatch::AlarmMuteRule', Properties: { Rule: { Schedule: { Expression: 'cron(10 0 * * *)', Duration: 'PT30M' } }, MuteTargets: { AlarmNames: ['errors'] } } },
    });
    const out = run(0, 70, m => { if (m >= 15 && m < 50) store.open('Shop', 'Errors', {}, { delay: 1 })!.put(m, 3); });
    expect(summary(out)).toEqual(['0 errors OK sns', '17 errors ALARM (muted by a mute rule)', '40 errors ALARM sns', '53 errors OK sns']);
    expect(out.find(t => t.minute === 40)?.afterMute).toBe(true);
  });

  test('warm-up: the alarm stays INSUFFICIENT_DATA without actions, then acts on leaving it', () => {
    const { e, store, run } = engine({ Errors: alarm({ AlarmName: 'errors', WarmUpConfiguration: { WarmUpPeriodDurationInMinutes: 10 } }) });
    e.deployed(['errors'], 0, true);
    const out = run(0, 20, m => store.open('Shop', 'Errors', {}, { delay: 1 })!.put(m, 3));
    expect(summary(out)).toEqual(['10 errors ALARM sns']);
  });
});
