import { Duration, RemovalPolicy, aws_iam as iam, aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AlertTopic, AppLogGroup } from '../../src';
import { expectNagClean, nagFindings, newStack, stableTemplate } from '../helpers';

function role(stack: import('aws-cdk-lib').Stack, id = 'AppRole'): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
}

describe('AppLogGroup', () => {
  test('creates a group with 3 months retention, retained on deletion, encrypted with the shared key', () => {
    const stack = newStack();
    new AppLogGroup(stack, 'ApiLogs', { logGroupName: '/orders/api' });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: '/orders/api',
        RetentionInDays: 90,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WatchkeeperLogGroupKey'), 'Arn'] },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('key policy lets CloudWatch Logs of this account and Region use the key for log groups only', () => {
    const stack = newStack();
    new AppLogGroup(stack, 'ApiLogs');
    const key = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0];
    const statement = key.Properties.KeyPolicy.Statement.find((s: any) => s.Sid === 'AllowCloudWatchLogsToUseTheKey');
    expect(statement).toEqual({
      Sid: 'AllowCloudWatchLogsToUseTheKey',
      Effect: 'Allow',
      Principal: { Service: 'logs.us-east-1.amazonaws.com' },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Resource: '*',
      Condition: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:log-group:*']],
          },
        },
      },
    });
  });

  test('log groups of one stack share one key', () => {
    const stack = newStack();
    new AppLogGroup(stack, 'A');
    new AppLogGroup(stack, 'B');
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 1);
    Template.fromStack(stack).resourceCountIs('AWS::Logs::LogGroup', 2);
  });

  test('takes a key, retention and removal policy from the user', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const group = new AppLogGroup(stack, 'ApiLogs', {
      encryptionKey: key, retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY,
    });
    expect(group.encryptionKey).toBe(key);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyKey'), 'Arn'] } },
      DeletionPolicy: 'Delete',
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchLogsToUseTheKey' })]) },
    });
  });

  test('warns when an imported key cannot be extended', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    new AppLogGroup(stack, 'ApiLogs', { encryptionKey: key });
    Annotations.fromStack(stack).hasWarning('/TestStack/ApiLogs', Match.stringLikeRegexp('cdk-watchkeeper:AppLogGroup.unverifiedKey'));
  });

  test.each([
    [{ retention: logs.RetentionDays.INFINITE }, /retention must be a finite retention .*got 'INFINITE'/],
    [{ logGroupName: 'has space' }, /logGroupName must be a log group name/],
  ])('fails on bad input %#', (props, message) => {
    const stack = newStack();
    expect(() => new AppLogGroup(stack, 'ApiLogs', props)).toThrow(message);
  });

  test('grantWrite allows creating streams and putting events into this group only, in a managed policy', () => {
    const stack = newStack();
    const group = new AppLogGroup(stack, 'ApiLogs');
    const r = role(stack);
    const grant = group.grantWrite(r);
    expect(grant.success).toBe(true);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiLogs'), 'Arn'] },
        }],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^AppRole') }],
    });
  });

  test('grants to the same role share one managed policy; an imported role is attached by name', () => {
    const stack = newStack();
    const group = new AppLogGroup(stack, 'ApiLogs');
    const r = role(stack);
    group.grantWrite(r);
    group.grantWrite(r);
    const imported = iam.Role.fromRoleName(stack, 'Imported', 'legacy-app');
    group.grantWrite(imported);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 2);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: ['legacy-app'] });
  });

  test('no-logs alarm fires after 15 silent minutes and treats missing data as breaching', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const group = new AppLogGroup(stack, 'ApiLogs', { logGroupName: '/orders/api' });
    group.addNoLogsAlarm('NoLogs', { alertTopic: alerts });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Logs',
      MetricName: 'IncomingLogEvents',
      Dimensions: [{ Name: 'LogGroupName', Value: { Ref: Match.stringLikeRegexp('^ApiLogs') } }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
    });
  });

  test('with active hours, mute rules silence the no-logs alarm every night and on weekends, in the time zone', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const group = new AppLogGroup(stack, 'Logs');
    const alarm = group.addNoLogsAlarm('NoLogs', { alertTopic: alerts, activeHours: { timeZone: 'Europe/Berlin', startHour: 7, endHour: 20 } });
    const rules = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::AlarmMuteRule')).map(r => r.Properties);
    const alarmName = { Ref: stack.getLogicalId(alarm.node.defaultChild as any) };
    expect(rules.map(r => r.Rule.Schedule)).toEqual([
      { Expression: 'cron(0 20 * * *)', Duration: 'PT11H', Timezone: 'Europe/Berlin' },
      { Expression: 'cron(0 7 * * SAT,SUN)', Duration: 'PT13H', Timezone: 'Europe/Berlin' },
    ]);
    for (const r of rules) expect(r.MuteTargets).toEqual({ AlarmNames: [alarmName] });
  });

  test('active hours every day mute only the nights; without active hours there is no mute rule', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const group = new AppLogGroup(stack, 'Logs');
    group.addNoLogsAlarm('NoLogs', { alertTopic: alerts, activeHours: { timeZone: 'UTC', weekdaysOnly: false } });
    group.addNoLogsAlarm('AlwaysWatched', { alertTopic: alerts });
    const rules = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::AlarmMuteRule')).map(r => r.Properties);
    expect(rules.map(r => r.Rule.Schedule)).toEqual([{ Expression: 'cron(0 18 * * *)', Duration: 'PT14H', Timezone: 'UTC' }]);
  });

  test('fails on active hours that end before they start or name no time zone', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const group = new AppLogGroup(stack, 'Logs');
    expect(() => group.addNoLogsAlarm('A', { alertTopic: alerts, activeHours: { timeZone: 'UTC', startHour: 18, endHour: 8 } }))
      .toThrow(/activeHours.endHour must be after startHour \(18\)/);
    expect(() => group.addNoLogsAlarm('B', { alertTopic: alerts, activeHours: { timeZone: 'CET+1' } })).toThrow(/activeHours.timeZone must be an IANA time zone/);
  });

  test('fails on a silence that is not a multiple of 5 minutes', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const group = new AppLogGroup(stack, 'ApiLogs');
    expect(() => group.addNoLogsAlarm('NoLogs', { alertTopic: alerts, silence: Duration.minutes(7) }))
      .toThrow(/silence \(in 5-minute steps\) must be a whole number between 1 and 288, got 1.4/);
  });

  test('passes the nag packs with the shared key and with a key the user brings', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const group = new AppLogGroup(stack, 'ApiLogs');
    group.grantWrite(role(stack));
    group.addNoLogsAlarm('NoLogs', { alertTopic: alerts });
    new AppLogGroup(stack, 'Own', { encryptionKey: new kms.Key(stack, 'MyKey', { enableKeyRotation: true }) });
    expectNagClean(stack);
  });

  test('nag gate reports an unencrypted log group (negative control)', () => {
    const stack = newStack();
    new logs.LogGroup(stack, 'Plain', { retention: logs.RetentionDays.ONE_DAY });
    expect(nagFindings(stack)).toContain('NIST.800.53.R5-CloudWatchLogGroupEncrypted at TestStack/Plain/Resource');
  });

  test('matches the golden snapshot', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const group = new AppLogGroup(stack, 'ApiLogs', { logGroupName: '/orders/api' });
    group.grantWrite(role(stack));
    group.addNoLogsAlarm('NoLogs', { alertTopic: alerts });
    expect(stableTemplate(stack)).toMatchSnapshot();
  });
});
