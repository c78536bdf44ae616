import { Stack } from 'aws-cdk-lib';
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
          Match.objectLike({ Sid: 'SwitchLivenessAlarms', Action: ['cloudwatch:DisableAlarmActions', 'cloudwatch:EnableAlarmActions'] }),
        ],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^OfficeHoursRole') }],
    });
  });

  test('planned downtime never pages: liveness alarms go off at the stop time and on at the start time', () => {
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
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: OFFICE.start,
      Target: Match.objectLike({ Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:::aws-sdk:cloudwatch:enableAlarmActions']] } }),
    });
  });

  test.each<[string, Partial<ScheduledStartStopProps>, RegExp]>([
    ['a cron expression with five fields', { start: 'cron(0 8 * * 1-5)' }, /start must be a scheduler expression: cron\(minutes hours day-of-month month day-of-week year\) or rate\(value unit\), got 'cron\(0 8 \* \* 1-5\)'/],
    ['a rate of zero', { stop: 'rate(0 hours)' }, /stop must be a scheduler expression/],
    ['the same start and stop', { stop: OFFICE.start }, /stop must be different from start/],
    ['an unknown time zone', { timeZone: 'Europe/Gotham' }, /timeZone must be an IANA time zone such as Europe\/Berlin or America\/New_York, got 'Europe\/Gotham'/],
    ['a UTC offset instead of a zone', { timeZone: '+02:00' }, /timeZone must be an IANA time zone/],
    ['no instances', { instances: [] }, /instances must be a non-empty list, got \[\]/],
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
