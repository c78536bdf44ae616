import { Stack, aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_lambda as lambda } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AlertTopic, EventNotifications, InstanceState } from '../../src';
import { expectNagClean, newStack, stableTemplate } from '../helpers';

/** EventBridge matching for the subset the rules use: value lists and nested objects. */
function matches(pattern: any, event: any): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event?.[key];
    if (Array.isArray(expected)) {
      const values = Array.isArray(actual) ? actual : [actual];
      return values.some(v => expected.includes(v));
    }
    return typeof expected === 'object' && matches(expected, actual);
  });
}

/** Reads a JSONPath of the form EventBridge input paths use (`$.a.b-c[0].d`). */
function readPath(event: any, path: string): any {
  return path.replace(/^\$\.?/, '').split('.').filter(Boolean).reduce((value: any, part) => {
    const [, key, index] = /^([^[]+)(?:\[(\d+)\])?$/.exec(part)!;
    const child = value?.[key];
    return index === undefined ? child : child?.[Number(index)];
  }, event);
}

/**
 * What EventBridge hands the target: each <placeholder> replaced by the value at its path,
 * written as a JSON value where it stands alone in the template and pasted raw (unescaped)
 * where it sits inside a quoted string. A path the event lacks fails the emulation: no
 * message may depend on what EventBridge does with a missing value. The predefined
 * `<aws.events.event>` is the event without its detail, inserted as JSON
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html).
 */
function transform(transformer: { InputPathsMap: Record<string, string>; InputTemplate: string }, event: any): string {
  let out = '';
  let inString = false;
  const template = transformer.InputTemplate;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    const predefined = /^<aws\.events\.event>/.exec(template.slice(i));
    if (predefined) {
      // The event without its detail, as JSON, not escaped: only a whole JSON value may hold it.
      if (inString) throw new Error('<aws.events.event> inside a string');
      const { detail, ...envelope } = event;
      void detail;
      out += JSON.stringify(envelope);
      i += predefined[0].length - 1;
      continue;
    }
    const placeholder = /^<([A-Za-z0-9_-]+)>/.exec(template.slice(i));
    if (placeholder && placeholder[1] in transformer.InputPathsMap) {
      const path = transformer.InputPathsMap[placeholder[1]];
      const value = readPath(event, path);
      if (value === undefined) throw new Error(`${path} is not in the event`);
      out += inString ? (typeof value === 'string' ? value : JSON.stringify(value)) : JSON.stringify(value);
      i += placeholder[0].length - 1;
      continue;
    }
    if (c === '"' && template[i - 1] !== '\\') inString = !inString;
    out += c;
  }
  return out;
}

function rules(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule')).map(r => r.Properties);
}

function setup() {
  const stack = newStack();
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
  // CDK cannot import an instance; the rule only reads its id.
  const instance = { instanceId: 'i-0123456789abcdef0' } as unknown as ec2.IInstance;
  const group = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Group', 'orders-api');
  const hook = lambda.Function.fromFunctionArn(stack, 'Hook', 'arn:aws:lambda:us-east-1:123456789012:function:incident-hook');
  return { stack, alerts, instance, group, hook };
}

const stateChange = (id: string, state: string) => ({
  'source': 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', 'detail': { 'instance-id': id, state },
});

describe('EventNotifications', () => {
  test('instance state changes: stopped and terminated of the service instances, with a readable message', () => {
    const { stack, alerts, instance } = setup();
    new EventNotifications(stack, 'Events', { alertTopic: alerts, instances: [instance], scheduledMaintenance: false });
    const [rule] = rules(stack);
    expect(rule.EventPattern).toEqual({
      'source': ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      'detail': { 'instance-id': ['i-0123456789abcdef0'], 'state': ['stopped', 'terminated'] },
    });
    expect(matches(rule.EventPattern, stateChange('i-0123456789abcdef0', 'stopped'))).toBe(true);
    expect(matches(rule.EventPattern, stateChange('i-0123456789abcdef0', 'terminated'))).toBe(true);
    expect(matches(rule.EventPattern, stateChange('i-0123456789abcdef0', 'running'))).toBe(false);
    expect(matches(rule.EventPattern, stateChange('i-0fffffffffffffff0', 'stopped'))).toBe(false);
    const target = rule.Targets[0];
    expect(target.Arn).toEqual({ Ref: expect.stringMatching(/^Alerts/) });
    const message = transform(target.InputTransformer, {
      ...stateChange('i-0123456789abcdef0', 'stopped'), account: '123456789012', region: 'us-east-1', time: '2026-11-02T10:00:00Z',
    });
    expect(JSON.parse(message)).toEqual({
      notification: 'EC2 instance state change',
      instance: 'i-0123456789abcdef0',
      state: 'stopped',
      account: '123456789012',
      region: 'us-east-1',
      time: '2026-11-02T10:00:00Z',
    });
  });

  test('instances stopped on purpose (idle shutdown, schedules) notify only when terminated; the others on every state', () => {
    const { stack, alerts, instance } = setup();
    const idle = { instanceId: 'i-0aaaaaaaaaaaaaaa0' } as unknown as ec2.IInstance;
    const events = new EventNotifications(stack, 'Events', {
      alertTopic: alerts, instances: [instance, idle], plannedStopInstances: [idle], scheduledMaintenance: false,
    });
    const patterns = rules(stack).map(r => r.EventPattern);
    expect(patterns).toHaveLength(2);
    const notified = (id: string, state: string) => patterns.some(p => matches(p, stateChange(id, state)));
    expect(notified('i-0aaaaaaaaaaaaaaa0', 'stopped')).toBe(false);
    expect(notified('i-0aaaaaaaaaaaaaaa0', 'stopping')).toBe(false);
    expect(notified('i-0aaaaaaaaaaaaaaa0', 'terminated')).toBe(true);
    expect(notified('i-0123456789abcdef0', 'stopped')).toBe(true);
    expect(notified('i-0123456789abcdef0', 'terminated')).toBe(true);
    expect(events.instanceStateRule).toBeDefined();
    expect(events.plannedStopInstanceStateRule).toBeDefined();
  });

  test('no rule for planned-stop instances when only stop states were asked for', () => {
    const { stack, alerts, instance } = setup();
    const events = new EventNotifications(stack, 'Events', {
      alertTopic: alerts,
      instances: [instance],
      plannedStopInstances: [instance],
      instanceStates: [InstanceState.STOPPED],
      scheduledMaintenance: false,
    });
    expect(rules(stack)).toHaveLength(0);
    expect(events.plannedStopInstanceStateRule).toBeUndefined();
  });

  test('instance states are configurable', () => {
    const { stack, alerts, instance } = setup();
    new EventNotifications(stack, 'Events', {
      alertTopic: alerts, instances: [instance], instanceStates: [InstanceState.STOPPING], scheduledMaintenance: false,
    });
    expect(rules(stack)[0].EventPattern.detail.state).toEqual(['stopping']);
  });

  test('Auto Scaling launch and terminate failures of the service groups', () => {
    const { stack, alerts, group } = setup();
    new EventNotifications(stack, 'Events', { alertTopic: alerts, autoScalingGroups: [group], scheduledMaintenance: false });
    const [rule] = rules(stack);
    expect(rule.EventPattern).toEqual({
      'source': ['aws.autoscaling'],
      'detail-type': ['EC2 Instance Launch Unsuccessful', 'EC2 Instance Terminate Unsuccessful'],
      'detail': { AutoScalingGroupName: ['orders-api'] },
    });
    const event = (type: string, name: string) => ({ 'source': 'aws.autoscaling', 'detail-type': type, 'detail': { AutoScalingGroupName: name } });
    expect(matches(rule.EventPattern, event('EC2 Instance Launch Unsuccessful', 'orders-api'))).toBe(true);
    expect(matches(rule.EventPattern, event('EC2 Instance Terminate Unsuccessful', 'orders-api'))).toBe(true);
    expect(matches(rule.EventPattern, event('EC2 Instance Launch Successful', 'orders-api'))).toBe(false);
    expect(matches(rule.EventPattern, event('EC2 Instance Launch Unsuccessful', 'other'))).toBe(false);
    const failure = {
      ...event('EC2 Instance Launch Unsuccessful', 'orders-api'),
      account: '123456789012',
      region: 'us-east-1',
      time: '2026-11-02T10:00:00Z',
      detail: { AutoScalingGroupName: 'orders-api', StatusMessage: 'The "t3.micro" type is not supported', Cause: 'At 2026-11-02T09:59:00Z a user request\nupdated the group' },
    };
    expect(JSON.parse(transform(rule.Targets[0].InputTransformer, failure))).toMatchObject({
      notification: 'Auto Scaling failure',
      event: 'EC2 Instance Launch Unsuccessful',
      autoScalingGroup: 'orders-api',
      statusMessage: 'The "t3.micro" type is not supported',
      cause: failure.detail.Cause,
    });
  });

  test('AWS Health scheduled changes for EC2 by default, first page only', () => {
    const { stack, alerts } = setup();
    new EventNotifications(stack, 'Events', { alertTopic: alerts });
    const [rule] = rules(stack);
    expect(rule.EventPattern).toEqual({
      'source': ['aws.health'],
      'detail-type': ['AWS Health Event'],
      'detail': { service: ['EC2'], eventTypeCategory: ['scheduledChange'], page: ['1'] },
    });
    const health = (service: string, category: string, page = '1') => ({
      'source': 'aws.health', 'detail-type': 'AWS Health Event', 'detail': { service, eventTypeCategory: category, page },
    });
    expect(matches(rule.EventPattern, health('EC2', 'scheduledChange'))).toBe(true);
    expect(matches(rule.EventPattern, health('EC2', 'scheduledChange', '2'))).toBe(false);
    expect(matches(rule.EventPattern, health('EC2', 'issue'))).toBe(false);
    expect(matches(rule.EventPattern, health('RDS', 'scheduledChange'))).toBe(false);
  });

  describe('the AWS Health message, as EventBridge delivers it to SNS', () => {
    const arn = 'arn:aws:health:us-east-1::event/EC2/AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED/AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED_ABC123-DEF456';
    const description = 'EC2 has detected degradation of the underlying hardware hosting your instance.\n\n'
      + 'Your instance will be "retired" after the start time:\n\t* stop and start it to move it to healthy hardware.';
    const accountEvent = {
      'version': '0',
      'id': '121345678-1234-1234-1234-123456789012',
      'detail-type': 'AWS Health Event',
      'source': 'aws.health',
      'account': '123456789012',
      'time': '2026-11-02T10:00:00Z',
      'region': 'us-east-1',
      'resources': ['i-0123456789abcdef0'],
      'detail': {
        eventArn: arn,
        service: 'EC2',
        eventScopeCode: 'ACCOUNT_SPECIFIC',
        communicationId: '1234abc01232a4012345678-1',
        page: '1',
        totalPages: '1',
        eventTypeCode: 'AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED',
        eventTypeCategory: 'scheduledChange',
        startTime: 'Wed, 16 Dec 2026 09:00:00 GMT',
        eventDescription: [{ language: 'en_US', latestDescription: description }],
        affectedEntities: [{ entityValue: 'i-0123456789abcdef0' }],
      },
    };
    const publicEvent = {
      ...accountEvent,
      resources: [],
      detail: { ...accountEvent.detail, eventScopeCode: 'PUBLIC', affectedEntities: undefined, communicationId: 'abcdef-1' },
    };
    const message = (event: any) => {
      const { stack, alerts } = setup();
      new EventNotifications(stack, 'Events', { alertTopic: alerts });
      const [rule] = rules(stack);
      expect(matches(rule.EventPattern, event)).toBe(true);
      return transform(rule.Targets[0].InputTransformer, event);
    };

    test('is a JSON object, not a quoted string, with the multi-line description escaped intact', () => {
      const text = message(accountEvent);
      expect(text.startsWith('{')).toBe(true);
      const { detail, ...envelope } = accountEvent;
      void detail;
      expect(JSON.parse(text)).toEqual({
        notification: 'AWS Health scheduled change for EC2',
        eventTypeCode: 'AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED',
        startTime: 'Wed, 16 Dec 2026 09:00:00 GMT',
        description,
        console: `https://health.aws.amazon.com/health/home#/account/event-log?eventID=${arn}`,
        eventArn: arn,
        communicationId: '1234abc01232a4012345678-1',
        event: envelope,
        account: '123456789012',
        region: 'us-east-1',
        time: '2026-11-02T10:00:00Z',
      });
      expect(JSON.parse(text).event.resources).toEqual(['i-0123456789abcdef0']);
    });

    test('a public event without affectedEntities still makes a message', () => {
      const parsed = JSON.parse(message(publicEvent));
      expect(parsed.event.resources).toEqual([]);
      expect(parsed.communicationId).toBe('abcdef-1');
    });

    test('an event without resources (not required by the Health schema) still makes a message', () => {
      const { resources, ...withoutResources } = publicEvent;
      void resources;
      const parsed = JSON.parse(message(withoutResources));
      expect(parsed.event).not.toHaveProperty('resources');
      expect(parsed.description).toBe(description);
    });

    test('fails the emulation on a string template holding a multi-line value (negative control)', () => {
      const quoted = { InputPathsMap: { d: '$.detail.eventDescription[0].latestDescription' }, InputTemplate: '{"description": "<d>"}' };
      expect(() => JSON.parse(transform(quoted, accountEvent))).toThrow();
      expect(() => transform({ InputPathsMap: { e: '$.detail.affectedEntities[0].entityValue' }, InputTemplate: '"<e>"' }, publicEvent))
        .toThrow(/affectedEntities\[0\].entityValue is not in the event/);
    });
  });

  test('alarm state changes go to the Lambda hook, only for the given alarms', () => {
    const { stack, alerts, hook } = setup();
    const alarm = new cloudwatch.Alarm(stack, 'Alarm', {
      metric: new cloudwatch.Metric({ namespace: 'Orders/Api', metricName: 'ErrorCount' }), threshold: 1, evaluationPeriods: 1,
    });
    alarm.addAlarmAction(alerts.alarmAction);
    new EventNotifications(stack, 'Events', {
      alertTopic: alerts, alarmStateHook: hook, hookedAlarms: [alarm], scheduledMaintenance: false,
    });
    const [rule] = rules(stack);
    expect(rule.EventPattern).toEqual({
      'source': ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      'resources': [{ 'Fn::GetAtt': [expect.stringMatching(/^Alarm/), 'Arn'] }],
      'detail': { state: { value: ['ALARM', 'OK'] } },
    });
    const change = (value: string) => ({ 'source': 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change', 'detail': { state: { value } } });
    const { resources, ...withoutResources } = rule.EventPattern;
    void resources;
    expect(matches(withoutResources, change('ALARM'))).toBe(true);
    expect(matches(withoutResources, change('INSUFFICIENT_DATA'))).toBe(false);
    expect(rule.Targets).toEqual([expect.objectContaining({
      Arn: 'arn:aws:lambda:us-east-1:123456789012:function:incident-hook',
      RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 },
    })]);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com',
    });
  });

  test('events the hook cannot take after retries go to an encrypted, TLS-only dead-letter queue that alarms to the topic', () => {
    const { stack, alerts, hook } = setup();
    const events = new EventNotifications(stack, 'Events', { alertTopic: alerts, alarmStateHook: hook, scheduledMaintenance: false });
    events.onAlarmStateChange('Second', { handler: hook, states: [cloudwatch.AlarmState.INSUFFICIENT_DATA] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    const queueArn = { 'Fn::GetAtt': [expect.stringMatching(/^EventsHookDeadLetters/), 'Arn'] };
    for (const rule of rules(stack)) {
      expect(rule.Targets[0].DeadLetterConfig).toEqual({ Arn: queueArn });
    }
    const [policy] = Object.values(template.findResources('AWS::SQS::QueuePolicy')).map(p => p.Properties.PolicyDocument.Statement);
    expect(policy).toContainEqual(expect.objectContaining({
      Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
    expect(policy).toContainEqual(expect.objectContaining({
      Effect: 'Allow', Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' },
    }));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsHookDeadLetters'), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
    });
    expect(events.deadLetterQueue).toBeDefined();
    expect(events.deadLetterAlarm).toBeDefined();
  });

  test('notifications EventBridge cannot publish are retried, then kept in an encrypted, TLS-only dead-letter queue', () => {
    const { stack, alerts, instance, group } = setup();
    const events = new EventNotifications(stack, 'Events', { alertTopic: alerts, instances: [instance], autoScalingGroups: [group] });
    const template = Template.fromStack(stack);
    const topicRules = rules(stack);
    expect(topicRules).toHaveLength(3);
    const queueArn = { 'Fn::GetAtt': [expect.stringMatching(/^EventsDeliveryDeadLetters/), 'Arn'] };
    for (const rule of topicRules) {
      expect(rule.Targets[0].DeadLetterConfig).toEqual({ Arn: queueArn });
      expect(rule.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 });
    }
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    const [policy] = Object.values(template.findResources('AWS::SQS::QueuePolicy')).map(p => p.Properties.PolicyDocument.Statement);
    expect(policy).toContainEqual(expect.objectContaining({
      Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
    const sends = policy.filter((st: any) => st.Effect === 'Allow' && st.Action === 'sqs:SendMessage');
    expect(sends.map((st: any) => st.Principal)).toEqual(topicRules.map(() => ({ Service: 'events.amazonaws.com' })));
    expect(events.notificationDeadLetterQueue).toBeDefined();
  });

  test('an alarm on each topic rule\'s failed invocations and one on the dead-letter queue notify the topic', () => {
    const { stack, alerts, instance, group } = setup();
    const events = new EventNotifications(stack, 'Events', { alertTopic: alerts, instances: [instance], autoScalingGroups: [group] });
    const template = Template.fromStack(stack);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties);
    const ruleIds = Object.keys(template.findResources('AWS::Events::Rule')).sort();
    const failed = alarms.filter(a => a.Namespace === 'AWS/Events');
    expect(failed.map(a => a.MetricName)).toEqual(['FailedInvocations', 'FailedInvocations', 'FailedInvocations']);
    expect(failed.map(a => a.Dimensions[0].Value.Ref).sort()).toEqual(ruleIds);
    for (const a of failed) {
      expect(a).toMatchObject({ Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
      expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
    }
    expect(alarms.filter(a => a.Namespace === 'AWS/SQS')).toEqual([expect.objectContaining({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^EventsDeliveryDeadLetters/), 'QueueName'] } }],
      Threshold: 1,
    })]);
    expect(events.deliveryAlarms).toHaveLength(4);
  });

  test('no dead-letter queue without a hook', () => {
    const { stack, alerts, instance } = setup();
    const events = new EventNotifications(stack, 'Events', { alertTopic: alerts, instances: [instance] });
    Template.fromStack(stack).resourceCountIs('AWS::SQS::Queue', 1);
    expect(events.deadLetterQueue).toBeUndefined();
    expect(events.notificationDeadLetterQueue).toBeDefined();
  });

  test('onAlarmStateChange sends every alarm of the account when none are given', () => {
    const { stack, alerts, hook } = setup();
    const n = new EventNotifications(stack, 'Events', { alertTopic: alerts, scheduledMaintenance: false });
    n.onAlarmStateChange('Hook', { handler: hook, states: [cloudwatch.AlarmState.ALARM] });
    const [rule] = rules(stack);
    expect(rule.EventPattern.resources).toBeUndefined();
    expect(rule.EventPattern.detail).toEqual({ state: { value: ['ALARM'] } });
  });

  test('the topic key lets EventBridge publish', () => {
    const { stack, alerts, instance } = setup();
    new EventNotifications(stack, 'Events', { alertTopic: alerts, instances: [instance] });
    const key = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0];
    expect(key.Properties.KeyPolicy.Statement).toContainEqual({
      Sid: 'AllowEventBridgeToPublish',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
    });
    for (const rule of rules(stack)) {
      expect(rule.Targets[0].Arn).toEqual({ Ref: expect.stringMatching(/^Alerts/) });
    }
  });

  test.each([
    ['empty instance states', (n: EventNotifications, s: ReturnType<typeof setup>) => n.onInstanceStateChange('X', { instances: [s.instance], states: [] }), /states must be a non-empty list/],
    ['duplicate states', (n: EventNotifications, s: ReturnType<typeof setup>) => n.onInstanceStateChange('X', { instances: [s.instance], states: [InstanceState.STOPPED, InstanceState.STOPPED] }), /states must be free of duplicates, got 'stopped'/],
    ['no groups', (n: EventNotifications) => n.onAutoScalingFailure('X', { autoScalingGroups: [] }), /autoScalingGroups must be a non-empty list/],
    ['no instances', (n: EventNotifications) => n.onInstanceStateChange('X', { instances: [] }), /instances must be a non-empty list/],
  ])('fails on %s', (_name, call, message) => {
    const s = setup();
    const n = new EventNotifications(s.stack, 'Events', { alertTopic: s.alerts });
    expect(() => call(n, s)).toThrow(message);
  });

  test('fails on hooked alarms without a hook', () => {
    const { stack, alerts } = setup();
    const alarm = cloudwatch.Alarm.fromAlarmArn(stack, 'A', 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:x');
    expect(() => new EventNotifications(stack, 'Events', { alertTopic: alerts, hookedAlarms: [alarm] })).toThrow(/hookedAlarms must be given only with alarmStateHook/);
  });

  test('passes the nag packs with every rule', () => {
    const { stack, alerts, instance, group, hook } = setup();
    new EventNotifications(stack, 'Events', { alertTopic: alerts, instances: [instance], autoScalingGroups: [group], alarmStateHook: hook });
    expectNagClean(stack);
  });

  test('matches the golden snapshot', () => {
    const { stack, alerts, instance, group, hook } = setup();
    new EventNotifications(stack, 'Events', { alertTopic: alerts, instances: [instance], autoScalingGroups: [group], alarmStateHook: hook });
    expect(stableTemplate(stack)).toMatchSnapshot();
  });
});
