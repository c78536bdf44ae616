import { Stack, aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_lambda as lambda } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AlarmStateValue, AlertTopic, EventNotifications, InstanceState } from '../../src';
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
    expect(target.InputTransformer.InputPathsMap).toEqual({
      'detail-instance-id': '$.detail.instance-id', 'detail-state': '$.detail.state', 'account': '$.account', 'region': '$.region', 'time': '$.time',
    });
    expect(target.InputTransformer.InputTemplate).toBe(
      '"EC2 instance <detail-instance-id> is now <detail-state> (account <account>, Region <region>, at <time>)."');
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
    expect(rule.Targets[0].InputTransformer.InputTemplate).toBe(
      '"<detail-type> in Auto Scaling group <detail-AutoScalingGroupName>: <detail-StatusMessage> (cause: <detail-Cause>; account <account>, Region <region>, at <time>)."');
  });

  test('AWS Health scheduled changes for EC2 by default', () => {
    const { stack, alerts } = setup();
    new EventNotifications(stack, 'Events', { alertTopic: alerts });
    const [rule] = rules(stack);
    expect(rule.EventPattern).toEqual({
      'source': ['aws.health'],
      'detail-type': ['AWS Health Event'],
      'detail': { service: ['EC2'], eventTypeCategory: ['scheduledChange'] },
    });
    const health = (service: string, category: string) => ({
      'source': 'aws.health', 'detail-type': 'AWS Health Event', 'detail': { service, eventTypeCategory: category },
    });
    expect(matches(rule.EventPattern, health('EC2', 'scheduledChange'))).toBe(true);
    expect(matches(rule.EventPattern, health('EC2', 'issue'))).toBe(false);
    expect(matches(rule.EventPattern, health('RDS', 'scheduledChange'))).toBe(false);
    expect(rule.Targets[0].InputTransformer.InputPathsMap).toMatchObject({
      'detail-eventTypeCode': '$.detail.eventTypeCode',
      'detail-affectedEntities-0--entityValue': '$.detail.affectedEntities[0].entityValue',
      'detail-eventDescription-0--latestDescription': '$.detail.eventDescription[0].latestDescription',
    });
    // Only string fields are inserted: an array (like $.resources) would break the quoted message.
    expect(Object.values(rule.Targets[0].InputTransformer.InputPathsMap)).not.toContain('$.resources');
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

  test('onAlarmStateChange sends every alarm of the account when none are given', () => {
    const { stack, alerts, hook } = setup();
    const n = new EventNotifications(stack, 'Events', { alertTopic: alerts, scheduledMaintenance: false });
    n.onAlarmStateChange('Hook', { handler: hook, states: [AlarmStateValue.ALARM] });
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
