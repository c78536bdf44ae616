import { Duration, Stack, aws_kms as kms } from 'aws-cdk-lib';
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
    expect(schedules).toHaveLength(4);
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

  test('its role may start and stop those instances only, and switch those alarms only', () => {
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
          Match.objectLike({ Sid: 'SwitchLivenessAlarms', Action: ['cloudwatch:DisableAlarmActions', 'cloudwatch:EnableAlarmActions'] }),
        ],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^OfficeHoursRole') }],
    });
  });

  test('planned downtime never pages: alarms go off at the stop time and on again only 15 minutes after the start, once OK', () => {
    const { stack } = setup();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Scheduler::Schedule', 4);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: OFFICE.stop,
      Target: Match.objectLike({
        Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:::aws-sdk:cloudwatch:disableAlarmActions']] },
        Input: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['{"AlarmNames":["'])] }),
      }),
    });
    // At the start the liveness alarms are still in ALARM from the night (missing data is
    // breaching): with actions on, the first healthy datapoint would send OK to everyone.
    const on = Object.values(template.findResources('AWS::Scheduler::Schedule'))
      .filter((r: any) => JSON.stringify(r.Properties.Target.Arn).includes('enableAlarmActions'));
    expect(on.map((r: any) => r.Properties.ScheduleExpression)).toEqual(['cron(15 8 ? * MON-FRI *)']);
    expect(on.map((r: any) => r.Properties.ScheduleExpressionTimezone)).toEqual(['Europe/Berlin']);
  });

  test.each([
    ['cron(50 7 ? * MON-FRI *)', 'cron(5 8 ? * MON-FRI *)'],
    ['cron(0 8,13 ? * MON-FRI *)', 'cron(15 8,13 ? * MON-FRI *)'],
    ['cron(45 6-9 ? * * *)', 'cron(0 7-10 ? * * *)'],
    ['cron(0 * ? * * *)', 'cron(15 * ? * * *)'],
  ])('turns the alarms on 15 minutes after a start of %s: %s', (start, expected) => {
    const { stack } = setup({ start });
    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: expected,
      Target: Match.objectLike({ Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:::aws-sdk:cloudwatch:enableAlarmActions']] } }),
    });
  });

  test('takes another delay, or an explicit expression for a start that cannot be shifted', () => {
    const { stack } = setup({ alarmsOnDelay: Duration.minutes(30) });
    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(30 8 ? * MON-FRI *)' });
    const other = setup({ start: 'rate(12 hours)', stop: 'rate(1 day)', alarmsOn: 'rate(6 hours)' }).stack;
    Template.fromStack(other).hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(6 hours)' });
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
    ['a rate start without alarmsOn', { start: 'rate(12 hours)' }, /alarmsOn must be given when start \(rate\(12 hours\)\) cannot be shifted by 15 minutes/],
    ['a start the delay pushes past midnight', { start: 'cron(50 23 ? * MON-FRI *)' }, /alarmsOn must be given when start/],
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
