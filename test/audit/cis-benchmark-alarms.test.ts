import { Stack, aws_logs as logs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AlertTopic, CisBenchmarkAlarms, CisControl } from '../../src';
import { expectNagClean, newStack, stableTemplate } from '../helpers';
import { matchesFilterPattern } from '../helpers/filter-pattern';

function setup(controls?: CisControl[]) {
  const stack = newStack();
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['security@example.com'] });
  const trailLogs = logs.LogGroup.fromLogGroupName(stack, 'TrailLogs', 'org-trail-logs');
  const cis = new CisBenchmarkAlarms(stack, 'Cis', { logGroup: trailLogs, alertTopic: alerts, controls });
  return { stack, alerts, cis };
}

function patternOf(stack: Stack, metricName: string): string {
  const filters = Object.values(Template.fromStack(stack).findResources('AWS::Logs::MetricFilter'))
    .filter(f => f.Properties.MetricTransformations[0].MetricName === metricName);
  expect(filters).toHaveLength(1);
  return filters[0].Properties.FilterPattern;
}

const ct = (o: object) => JSON.stringify({
  eventVersion: '1.08',
  eventSource: 'ec2.amazonaws.com',
  eventName: 'DescribeInstances',
  eventType: 'AwsApiCall',
  userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/dev/alice' },
  sourceIPAddress: '203.0.113.10',
  awsRegion: 'us-east-1',
  ...o,
});

/** Per control: events that must match, events that must not. */
const CASES: Array<[CisControl, string, object[], object[]]> = [
  [CisControl.UNAUTHORIZED_API_CALLS, 'UnauthorizedAPICalls',
    [{ errorCode: 'AccessDenied' }, { errorCode: 'Client.UnauthorizedOperation' }, { errorCode: 'AccessDeniedException' }],
    [{}, { errorCode: 'ThrottlingException' }, { errorCode: 'AccessDenied', eventName: 'HeadBucket' },
      { errorCode: 'AccessDenied', sourceIPAddress: 'delivery.logs.amazonaws.com' }]],
  [CisControl.CONSOLE_SIGN_IN_WITHOUT_MFA, 'ConsoleSignInWithoutMfa',
    [{ eventName: 'ConsoleLogin', userIdentity: { type: 'IAMUser' }, additionalEventData: { MFAUsed: 'No' }, responseElements: { ConsoleLogin: 'Success' } }],
    [{ eventName: 'ConsoleLogin', userIdentity: { type: 'IAMUser' }, additionalEventData: { MFAUsed: 'Yes' }, responseElements: { ConsoleLogin: 'Success' } },
      { eventName: 'ConsoleLogin', userIdentity: { type: 'IAMUser' }, additionalEventData: { MFAUsed: 'No' }, responseElements: { ConsoleLogin: 'Failure' } },
      { eventName: 'ConsoleLogin', userIdentity: { type: 'AssumedRole' }, additionalEventData: { MFAUsed: 'No' }, responseElements: { ConsoleLogin: 'Success' } }]],
  [CisControl.ROOT_ACCOUNT_USAGE, 'RootAccountUsage',
    [{ userIdentity: { type: 'Root' }, eventName: 'ConsoleLogin' }],
    [{ userIdentity: { type: 'Root', invokedBy: 'support.amazonaws.com' } }, { userIdentity: { type: 'Root' }, eventType: 'AwsServiceEvent' }, {}]],
  [CisControl.IAM_POLICY_CHANGES, 'IAMPolicyChanges',
    [{ eventName: 'PutRolePolicy' }, { eventName: 'AttachUserPolicy' }, { eventName: 'CreatePolicyVersion' }, { eventName: 'DetachGroupPolicy' }],
    [{ eventName: 'GetPolicy' }, { eventName: 'ListRolePolicies' }]],
  [CisControl.CLOUDTRAIL_CONFIG_CHANGES, 'CloudTrailConfigChanges',
    [{ eventName: 'StopLogging' }, { eventName: 'DeleteTrail' }, { eventName: 'UpdateTrail' }],
    [{ eventName: 'DescribeTrails' }, { eventName: 'LookupEvents' }]],
  [CisControl.CONSOLE_AUTHENTICATION_FAILURES, 'ConsoleAuthenticationFailures',
    [{ eventName: 'ConsoleLogin', errorMessage: 'Failed authentication' }],
    [{ eventName: 'ConsoleLogin' }, { eventName: 'ConsoleLogin', errorMessage: 'Something else' }]],
  [CisControl.DISABLE_OR_DELETE_KMS_KEYS, 'DisableOrDeleteKmsKeys',
    [{ eventSource: 'kms.amazonaws.com', eventName: 'DisableKey' }, { eventSource: 'kms.amazonaws.com', eventName: 'ScheduleKeyDeletion' }],
    [{ eventSource: 'kms.amazonaws.com', eventName: 'EnableKey' }, { eventSource: 'ec2.amazonaws.com', eventName: 'DisableKey' }]],
  [CisControl.S3_BUCKET_POLICY_CHANGES, 'S3BucketPolicyChanges',
    [{ eventSource: 's3.amazonaws.com', eventName: 'PutBucketPolicy' }, { eventSource: 's3.amazonaws.com', eventName: 'DeleteBucketCors' },
      { eventSource: 's3.amazonaws.com', eventName: 'PutBucketAcl' }],
    [{ eventSource: 's3.amazonaws.com', eventName: 'GetBucketPolicy' }, { eventSource: 's3.amazonaws.com', eventName: 'PutObject' }]],
  [CisControl.AWS_CONFIG_CHANGES, 'AWSConfigChanges',
    [{ eventSource: 'config.amazonaws.com', eventName: 'StopConfigurationRecorder' }, { eventSource: 'config.amazonaws.com', eventName: 'DeleteDeliveryChannel' }],
    [{ eventSource: 'config.amazonaws.com', eventName: 'StartConfigurationRecorder' }]],
  [CisControl.SECURITY_GROUP_CHANGES, 'SecurityGroupChanges',
    [{ eventName: 'AuthorizeSecurityGroupIngress' }, { eventName: 'DeleteSecurityGroup' }],
    [{ eventName: 'DescribeSecurityGroups' }]],
  [CisControl.NACL_CHANGES, 'NACLChanges',
    [{ eventName: 'CreateNetworkAclEntry' }, { eventName: 'ReplaceNetworkAclAssociation' }],
    [{ eventName: 'DescribeNetworkAcls' }]],
  [CisControl.NETWORK_GATEWAY_CHANGES, 'NetworkGatewayChanges',
    [{ eventName: 'AttachInternetGateway' }, { eventName: 'DeleteCustomerGateway' }],
    [{ eventName: 'DescribeInternetGateways' }]],
  [CisControl.ROUTE_TABLE_CHANGES, 'RouteTableChanges',
    [{ eventName: 'CreateRoute' }, { eventName: 'DisassociateRouteTable' }],
    [{ eventName: 'DescribeRouteTables' }, { eventSource: 'iam.amazonaws.com', eventName: 'CreateRoute' }]],
  [CisControl.VPC_CHANGES, 'VPCChanges',
    [{ eventName: 'CreateVpc' }, { eventName: 'ModifyVpcAttribute' }, { eventName: 'AcceptVpcPeeringConnection' }],
    [{ eventName: 'DescribeVpcs' }]],
  [CisControl.ORGANIZATIONS_CHANGES, 'OrganizationsChanges',
    [{ eventSource: 'organizations.amazonaws.com', eventName: 'CreateAccount' }, { eventSource: 'organizations.amazonaws.com', eventName: 'LeaveOrganization' }],
    [{ eventSource: 'organizations.amazonaws.com', eventName: 'ListAccounts' }, { eventName: 'CreateAccount' }]],
];

describe('CisBenchmarkAlarms', () => {
  test('covers every control by default: one filter and one alarm each', () => {
    const { stack, cis } = setup();
    const template = Template.fromStack(stack);
    expect(CASES.map(c => c[0]).sort()).toEqual(Object.values(CisControl).sort());
    template.resourceCountIs('AWS::Logs::MetricFilter', 15);
    // 15 CIS alarms plus the topic's failed-delivery alarm
    template.resourceCountIs('AWS::CloudWatch::Alarm', 16);
    expect(cis.alarms).toHaveLength(15);
  });

  test.each(CASES)('%s matches its events and nothing else', (control, metricName, yes, no) => {
    const { stack, cis } = setup([control]);
    const pattern = patternOf(stack, metricName);
    for (const e of yes) expect([e, matchesFilterPattern(pattern, ct(e))]).toEqual([e, true]);
    for (const e of no) expect([e, matchesFilterPattern(pattern, ct(e))]).toEqual([e, false]);
    expect(cis.alarmFor(control)).toBeDefined();
  });

  test('each alarm fires on one event in 5 minutes, notifies the topic, and is quiet without events', () => {
    const { stack } = setup([CisControl.ROOT_ACCOUNT_USAGE]);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: 'org-trail-logs',
      MetricTransformations: [{ MetricNamespace: 'CISBenchmark', MetricName: 'RootAccountUsage', MetricValue: '1' }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CISBenchmark',
      MetricName: 'RootAccountUsage',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
    });
  });

  test.each([
    [{ controls: [] }, /controls must be a non-empty list/],
    [{ controls: [CisControl.VPC_CHANGES, CisControl.VPC_CHANGES] }, /controls must be free of duplicates, got 'VPC_CHANGES'/],
    [{ metricNamespace: 'AWS/CloudTrail' }, /metricNamespace must be .*not starting with AWS\//],
  ])('fails on bad props %#', (props, message) => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['security@example.com'] });
    const trailLogs = logs.LogGroup.fromLogGroupName(stack, 'TrailLogs', 'org-trail-logs');
    expect(() => new CisBenchmarkAlarms(stack, 'Cis', { logGroup: trailLogs, alertTopic: alerts, ...props })).toThrow(message);
  });

  test('passes the nag packs on an existing trail log group', () => {
    const { stack } = setup();
    expectNagClean(stack);
  });

  test('matches the golden snapshot', () => {
    const { stack } = setup();
    expect(stableTemplate(stack)).toMatchSnapshot();
  });
});
