import { aws_cloudwatch as cloudwatch, aws_iam as iam, aws_logs as logs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AppLogGroup, TelemetryAccess } from '../../src';
import { expectNagClean, newStack, stableTemplate } from '../helpers';

function setup() {
  const stack = newStack();
  const group = new AppLogGroup(stack, 'ApiLogs', { logGroupName: '/orders/api' });
  const alarm = new cloudwatch.Alarm(stack, 'Alarm', {
    metric: new cloudwatch.Metric({ namespace: 'Orders/Api', metricName: 'ErrorCount' }), threshold: 1, evaluationPeriods: 1,
  });
  const dashboard = new cloudwatch.Dashboard(stack, 'Dashboard', { dashboardName: 'orders' });
  const app = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  const people = new iam.Role(stack, 'OnCall', { assumedBy: new iam.AccountRootPrincipal() });
  return { stack, group, alarm, dashboard, app, people };
}

function policyOf(stack: import('aws-cdk-lib').Stack, roleId: string): any[] {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))
    .filter(p => JSON.stringify(p.Properties.Roles).includes(roleId));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

describe('TelemetryAccess', () => {
  test('grantPutMetricData allows only the namespace, in a managed policy', () => {
    const { stack, app } = setup();
    const access = new TelemetryAccess(stack, 'Access');
    access.grantPutMetricData(app, 'Orders/Api');
    expect(policyOf(stack, 'AppRole')).toEqual([{
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'Orders/Api' } },
    }]);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('fails on an AWS namespace', () => {
    const { stack, app } = setup();
    const access = new TelemetryAccess(stack, 'Access');
    expect(() => access.grantPutMetricData(app, 'AWS/EC2')).toThrow(/namespace must be .*not starting with AWS\//);
  });

  test('grantRead: the dashboards, alarms and log groups, and only what AWS cannot scope on *', () => {
    const { stack, group, alarm, dashboard, people } = setup();
    const access = new TelemetryAccess(stack, 'Access', { logGroups: [group.logGroup], alarms: [alarm], dashboards: [dashboard] });
    access.grantRead(people);
    expect(policyOf(stack, 'OnCall')).toEqual([
      {
        Effect: 'Allow',
        Action: 'cloudwatch:GetDashboard',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch::123456789012:dashboard/', { Ref: expect.stringMatching(/^Dashboard/) }]] },
      },
      {
        Effect: 'Allow',
        Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Alarm/), 'Arn'] },
      },
      { Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } },
      {
        Effect: 'Allow',
        Action: ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:GetQueryResults', 'logs:GetLogGroupFields'],
        // The group's ARN as CloudFormation gives it (`…:*`) and as the Service Authorization Reference writes it.
        Resource: [
          { 'Fn::GetAtt': [expect.stringMatching(/^ApiLogs/), 'Arn'] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:log-group:', { Ref: expect.stringMatching(/^ApiLogs/) }]] },
        ],
      },
      {
        Effect: 'Allow',
        Action: 'logs:DescribeQueryDefinitions',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
      },
    ]);
  });

  test('grantRead with log groups only grants no CloudWatch action', () => {
    const { stack, people } = setup();
    const access = new TelemetryAccess(stack, 'Access');
    access.addLogGroup(logs.LogGroup.fromLogGroupName(stack, 'Imported', '/legacy/app'));
    access.grantRead(people);
    const actions = policyOf(stack, 'OnCall').flatMap(s => [].concat(s.Action));
    expect(actions.filter((a: string) => a.startsWith('cloudwatch:'))).toEqual([]);
  });

  test('fails when there is nothing to read', () => {
    const { stack, people } = setup();
    expect(() => new TelemetryAccess(stack, 'Access').grantRead(people)).toThrow(/logs, alarms or dashboards must be given before grantRead|logGroups, alarms or dashboards must be given before grantRead/);
  });

  test('acknowledges only the wildcard findings AWS forces, with reasons; the gate stays clean', () => {
    const { stack, group, alarm, dashboard, app, people } = setup();
    const access = new TelemetryAccess(stack, 'Access');
    access.addLogGroup(group.logGroup);
    access.addAlarm(alarm);
    access.addDashboard(dashboard);
    access.grantPutMetricData(app, 'Orders/Api');
    access.grantRead(people);
    alarm.addAlarmAction({ bind: () => ({ alarmActionArn: 'arn:aws:sns:us-east-1:123456789012:ops' }) });
    expectNagClean(stack);
  });

  test('matches the golden snapshot', () => {
    const { stack, group, alarm, dashboard, app, people } = setup();
    const access = new TelemetryAccess(stack, 'Access', { logGroups: [group.logGroup], alarms: [alarm], dashboards: [dashboard] });
    access.grantPutMetricData(app, 'Orders/Api');
    access.grantRead(people);
    expect(stableTemplate(stack)).toMatchSnapshot();
  });
});
