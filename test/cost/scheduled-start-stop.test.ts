import { Duration, Stack, aws_cloudwatch as cloudwatch, aws_kms as kms } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AlertTopic, MonitoredService, ScheduledStartStop, ScheduledStartStopProps, ServiceCompute } from '../../src';
import { expectNagClean, newStack, stableTemplate } from '../helpers';
import { importedVpc } from '../service/fake-agent-metrics';

const OFFICE = { start: 'cron(0 8 ? * MON-FRI *)', stop: 'cron(0 19 ? * MON-FRI *)', timeZone: 'Europe/Berlin' };

function setup(props: Partial<ScheduledStartStopProps> = {}, withAlarms = true): { stack: Stack; worker: MonitoredService } {
  const stack = newStack();
  const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
  const worker = new MonitoredService(stack, 'Worker', { vpc: importedVpc(stack), alertTopic, compute: ServiceCompute.newInstance() });
  new ScheduledStartStop(stack, 'OfficeHours', {
    instances: worker.instances,
    alertTopic,
    livenessAlarms: withAlarms ? worker.alarmSets.flatMap(s => s.livenessAlarms) : undefined,
    ...OFFICE,
    ...props,
  });
  return { stack, worker };
}

describe('ScheduledStartStop', () => {
  test('the scheduler calls EC2 directly, in the time zone, with retries', () => {
    const { stack } = setup({}, false);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 8 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:::aws-sdk:ec2:startInstances']] },
        Input: { 'Fn::Join': ['', ['{"InstanceIds":["', { Ref: Match.stringLikeRegexp('^WorkerInstance') }, '"]}']] },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      },
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 19 ? * MON-FRI *)',
      Target: Match.objectLike({ Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:::aws-sdk:ec2:stopInstances']] } }),
    });
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('an invocation that fails after the retries goes to an encrypted, TLS-only dead-letter queue that alarms to the topic', () => {
    const { stack } = setup();
    const template = Template.fromStack(stack);
    const queue = { 'Fn::GetAtt': [Match.stringLikeRegexp('^OfficeHoursDeadLetters'), 'Arn'] };
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(2);
    for (const s of schedules as any[]) {
      expect(s.Properties.Target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/^OfficeHoursDeadLetters/), 'Arn'] } });
    }
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    // the scheduler sends dead letters with the schedule's role
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Sid: 'DeadLetters', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queue }]) },
      Roles: [{ Ref: Match.stringLikeRegexp('^OfficeHoursRole') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OfficeHoursDeadLetters'), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
    });
  });

  test('its role may start and stop those instances only, and touches no alarm (the mute rules do)', () => {
    const { stack, worker } = setup();
    const alarms = worker.alarmSets.flatMap(s => s.livenessAlarms);
    expect(alarms.length).toBeGreaterThan(0);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } })],
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'StartStop',
            Effect: 'Allow',
            Action: ['ec2:StartInstances', 'ec2:StopInstances'],
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:us-east-1:123456789012:instance/', { Ref: Match.stringLikeRegexp('^WorkerInstance') }]] },
          },
          Match.objectLike({ Sid: 'DeadLetters', Action: 'sqs:SendMessage' }),
        ],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^OfficeHoursRole') }],
    });
  });

  test('planned downtime never pages: a mute rule per stop window, and one from an hour before each start to 15 minutes after it, in the time zone', () => {
    const { stack, worker } = setup();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    const rules = Object.values(template.findResources('AWS::CloudWatch::AlarmMuteRule')).map((r: any) => r.Properties);
    // Weeknights: 19:00 to 08:00 is 13 h; Friday to Monday 61 h. Around each start: from the
    // hour Berlin's clock goes back in October (that night outlasts 13 h) to 15 min after it.
    expect(rules.map(r => r.Rule.Schedule)).toEqual([
      { Expression: 'cron(0 19 * * MON-THU)', Duration: 'PT13H', Timezone: 'Europe/Berlin' },
      { Expression: 'cron(0 19 * * FRI)', Duration: 'P2DT13H', Timezone: 'Europe/Berlin' },
      { Expression: 'cron(0 7 * * MON-FRI)', Duration: 'PT1H15M', Timezone: 'Europe/Berlin' },
    ]);
    // Exactly the liveness alarms of the stopped instance.
    const liveness = worker.alarmSets.flatMap(s => s.livenessAlarms).map(a => stack.resolve(a.alarmName));
    for (const r of rules) expect(r.MuteTargets.AlarmNames).toEqual(liveness);
    expect(liveness.length).toBeGreaterThan(1);
  });

  test('takes another delay after the start, and an hour list of starts', () => {
    const { stack } = setup({ alarmsOnDelay: Duration.minutes(30), start: 'cron(0 8,13 ? * MON-FRI *)', stop: 'cron(0 12,19 ? * MON-FRI *)' });
    const schedules = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::AlarmMuteRule')).map((r: any) => r.Properties.Rule.Schedule);
    expect(schedules.map((x: any) => [x.Expression, x.Duration])).toEqual([
      ['cron(0 19 * * MON-THU)', 'PT13H'],
      ['cron(0 19 * * FRI)', 'P2DT13H'],
      ['cron(0 7 * * MON-FRI)', 'PT1H30M'],
      // The lunch stop (12:00 to 13:00) lies inside the window around the 13:00 start: one rule.
      ['cron(0 12 * * MON-FRI)', 'PT1H30M'],
    ]);
  });

  test('splits more than 100 liveness alarms over several mute rules (100 names each, CloudWatch\'s limit)', () => {
    const stack = newStack();
    const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const worker = new MonitoredService(stack, 'Worker', { vpc: importedVpc(stack), alertTopic, compute: ServiceCompute.newInstance() });
    const alarms = Array.from({ length: 150 }, (_, i) => cloudwatch.Alarm.fromAlarmName(stack, `Imported${i}`, `liveness-${i}`));
    const schedule = new ScheduledStartStop(stack, 'OfficeHours', { instances: worker.instances, alertTopic, livenessAlarms: alarms, ...OFFICE });
    const rules = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::AlarmMuteRule')).map((r: any) => r.Properties);
    expect(schedule.muteRules).toHaveLength(6);
    expect(rules.map(r => [r.Rule.Schedule.Expression, r.MuteTargets.AlarmNames.length])).toEqual([
      ['cron(0 19 * * MON-THU)', 100], ['cron(0 19 * * MON-THU)', 50], ['cron(0 19 * * FRI)', 100], ['cron(0 19 * * FRI)', 50],
      ['cron(0 7 * * MON-FRI)', 100], ['cron(0 7 * * MON-FRI)', 50],
    ]);
  });

  test('may create grants on a customer managed EBS key, for EC2 only, so that encrypted instances start', () => {
    const stack = newStack();
    const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const worker = new MonitoredService(stack, 'Worker', { vpc: importedVpc(stack), alertTopic, compute: ServiceCompute.newInstance() });
    const ebsKey = new kms.Key(stack, 'EbsKey', { enableKeyRotation: true });
    new ScheduledStartStop(stack, 'OfficeHours', { instances: worker.instances, alertTopic, ebsKey, ...OFFICE });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'StartWithEncryptedVolumes',
          Effect: 'Allow',
          Action: 'kms:CreateGrant',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EbsKey'), 'Arn'] },
          Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' }, StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } },
        }]),
      },
    });
    expectNagClean(stack);
  });

  test.each<[string, Partial<ScheduledStartStopProps>, RegExp]>([
    ['a cron expression with five fields', { start: 'cron(0 8 * * 1-5)' }, /start must be a scheduler expression: cron\(minutes hours day-of-month month day-of-week year\) or rate\(value unit\), got 'cron\(0 8 \* \* 1-5\)'/],
    ['a rate of zero', { stop: 'rate(0 hours)' }, /stop must be a scheduler expression/],
    ['the same start and stop', { stop: OFFICE.start }, /stop must be different from start/],
    ['an unknown time zone', { timeZone: 'Europe/Gotham' }, /timeZone must be an IANA time zone such as Europe\/Berlin or America\/New_York, got 'Europe\/Gotham'/],
    ['a UTC offset instead of a zone', { timeZone: '+02:00' }, /timeZone must be an IANA time zone/],
    ['no instances', { instances: [] }, /instances must be a non-empty list, got \[\]/],
    ['a delay shorter than the alarms look back', { alarmsOnDelay: Duration.minutes(2) }, /alarmsOnDelay must be whole minutes from 6 \(the longest alarm evaluation window plus 3 minutes/],
    ['a rate stop with liveness alarms (no window to mute)', { stop: 'rate(1 day)' }, /stop must be a weekly cron expression when liveness alarms are given, so each stop window can be muted: not a cron expression/],
    ['a stop on a day of the month', { stop: 'cron(0 19 1 * ? *)' }, /stop must be a weekly cron expression .*day-of-month, month and year must be \? or \*/],
    ['a stop every 15 minutes', { stop: 'cron(0/15 19 ? * MON-FRI *)' }, /stop must be a weekly cron expression .*no \/, L, W or #/],
  ])('fails on %s', (_name, props, message) => {
    expect(() => setup(props)).toThrow(message);
  });

  test('accepts UTC and rate expressions', () => {
    const { stack } = setup({ timeZone: 'UTC', start: 'rate(12 hours)', stop: 'rate(1 day)' }, false);
    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(12 hours)', ScheduleExpressionTimezone: 'UTC' });
  });

  test('passes the nag packs', () => {
    expectNagClean(setup().stack);
  });

  test('matches the golden snapshot', () => {
    expect(stableTemplate(setup().stack)).toMatchSnapshot();
  });
});
