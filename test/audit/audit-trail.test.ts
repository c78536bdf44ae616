import { Duration, Stack, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AlertTopic, AuditTrail, CisControl } from '../../src';
import { expectNagClean, nagFindings, newStack, stableTemplate } from '../helpers';

function setup(props: Partial<import('../../src').AuditTrailProps> = {}) {
  const stack = newStack();
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['security@example.com'] });
  const audit = new AuditTrail(stack, 'Audit', { alertTopic: alerts, trailName: 'account-audit', ...props });
  return { stack, alerts, audit };
}

function bucketPolicy(stack: Stack, bucketPrefix: string): any[] {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy'))
    .filter(p => JSON.stringify(p.Properties.Bucket).includes(bucketPrefix));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

const TRAIL_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:us-east-1:123456789012:trail/account-audit']] };

describe('AuditTrail', () => {
  test('a multi-Region trail with log file validation, KMS encryption, all management events and CloudWatch Logs delivery', () => {
    const { stack } = setup();
    Template.fromStack(stack).hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'account-audit',
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditKey'), 'Arn'] },
      S3BucketName: { Ref: Match.stringLikeRegexp('^AuditBucket') },
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditLogGroup'), 'Arn'] },
      CloudWatchLogsRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditLogsRole'), 'Arn'] },
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }],
    });
  });

  test('the trail waits for its bucket policy and log delivery policy', () => {
    const { stack } = setup();
    const trail = Object.values(Template.fromStack(stack).findResources('AWS::CloudTrail::Trail'))[0];
    expect(trail.DependsOn).toEqual(expect.arrayContaining([
      expect.stringMatching(/^AuditBucketPolicy/), expect.stringMatching(/^AuditLogsPolicy/),
    ]));
  });

  test('the bucket: KMS, versioned, public access blocked, access logged, lifecycle, retained', () => {
    const { stack } = setup();
    Template.fromStack(stack).hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditKey'), 'Arn'] } },
          }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^AuditAccessLogsBucket') }, LogFilePrefix: 'audit-trail-bucket/' },
        LifecycleConfiguration: {
          Rules: [{
            Id: 'ArchiveLargeLogFiles',
            Status: 'Enabled',
            ObjectSizeGreaterThan: 131072,
            Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
          }, {
            Id: 'ExpireLogFiles',
            Status: 'Enabled',
            ExpirationInDays: 365,
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          }],
        },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('only log files above 128 KB are archived (S3 and Glacier Instant Retrieval would not move or would overbill smaller ones); all expire', () => {
    const { stack } = setup();
    const bucket = Object.values(Template.fromStack(stack).findResources('AWS::S3::Bucket'))
      .find(b => b.Properties.LifecycleConfiguration?.Rules.some((r: any) => r.Transitions))!;
    const rules: any[] = bucket.Properties.LifecycleConfiguration.Rules;
    for (const rule of rules.filter(r => r.Transitions)) expect(rule.ObjectSizeGreaterThan).toBeGreaterThanOrEqual(128 * 1024);
    expect(rules.filter(r => r.ExpirationInDays === 365 && r.ObjectSizeGreaterThan === undefined)).toHaveLength(1);
    expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
  });

  test.each([
    [s3.ObjectLockMode.GOVERNANCE, 'GOVERNANCE'],
    [s3.ObjectLockMode.COMPLIANCE, 'COMPLIANCE'],
  ])('S3 Object Lock on the trail bucket in %s mode', (mode, cfnMode) => {
    const { stack } = setup({ objectLockMode: mode, objectLockRetention: Duration.days(180) });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: cfnMode, Days: 180 } } },
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  test('bucket policy: TLS only, CloudTrail may check the ACL and write its prefix, for this trail only', () => {
    const { stack } = setup();
    const statements = bucketPolicy(stack, 'AuditBucket');
    expect(statements).toContainEqual(expect.objectContaining({
      Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
    expect(statements).toContainEqual({
      Sid: 'AWSCloudTrailAclCheck',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AuditBucket/), 'Arn'] },
      Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
    });
    expect(statements).toContainEqual({
      Sid: 'AWSCloudTrailWrite',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^AuditBucket/), 'Arn'] }, '/AWSLogs/123456789012/*']] },
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': TRAIL_ARN } },
    });
  });

  test('access-log bucket: SSE-S3, TLS only, S3 logging service may write the prefix for the trail bucket only', () => {
    const { stack } = setup();
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    const statements = bucketPolicy(stack, 'AuditAccessLogsBucket');
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements).toContainEqual({
      Sid: 'S3ServerAccessLogsOfTheAuditTrailBucket',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^AuditAccessLogsBucket/), 'Arn'] }, '/audit-trail-bucket/*']] },
      Condition: {
        ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [expect.stringMatching(/^AuditBucket/), 'Arn'] } },
        StringEquals: { 'aws:SourceAccount': '123456789012' },
      },
    });
  });

  test('key policy: rotation, CloudTrail encrypts only for this trail, CloudWatch Logs may use it', () => {
    const { stack } = setup();
    const key = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))
      .find(k => JSON.stringify(k).includes('cloudtrail.amazonaws.com'))!;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const statements = key.Properties.KeyPolicy.Statement;
    expect(statements).toContainEqual({
      Sid: 'AllowCloudTrailToEncryptLogs',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceArn': TRAIL_ARN },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:*:123456789012:trail/*']] } },
      },
    });
    expect(statements).toContainEqual(expect.objectContaining({ Sid: 'AllowCloudTrailToDescribeKey', Action: 'kms:DescribeKey' }));
    expect(statements).toContainEqual(expect.objectContaining({
      Sid: 'AllowCloudWatchLogsToUseTheKey', Principal: { Service: 'logs.us-east-1.amazonaws.com' },
    }));
  });

  test('log delivery role: trusted by CloudTrail as documented (no condition), writes its log group only through a managed policy', () => {
    const { stack } = setup();
    const template = Template.fromStack(stack);
    const roles = Object.values(template.findResources('AWS::IAM::Role'))
      .filter(r => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('cloudtrail.amazonaws.com'));
    expect(roles).toHaveLength(1);
    expect(roles[0].Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
    }]);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditLogGroup'), 'Arn'] },
        }],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^AuditLogsRole') }],
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
  });

  test('the CIS filters read the trail log group and alarm to the topic', () => {
    const { stack, audit } = setup({ cisControls: [CisControl.ROOT_ACCOUNT_USAGE, CisControl.VPC_CHANGES] });
    expect(audit.cisAlarms.alarms).toHaveLength(2);
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^AuditLogGroup') },
      MetricTransformations: [Match.objectLike({ MetricName: 'RootAccountUsage' })],
    });
  });

  test('alarms to the topic when the log group receives no event for an hour (delivery broke, CIS alarms blind)', () => {
    const { stack } = setup();
    const alarm = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))
      .map(r => r.Properties).find(p => /delivered no event/.test(JSON.stringify(p.AlarmDescription)))!;
    expect(alarm).toMatchObject({
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: expect.stringMatching(/^Alerts/) }],
    });
    // An hour without events is a 0, not a missing datapoint that waits for a wider range.
    const byId = Object.fromEntries(alarm.Metrics.map((m: any) => [m.Id, m]));
    expect(Object.values<any>(byId).find(m => m.Expression).Expression).toBe('FILL(events, 0)');
    expect(byId.events.MetricStat).toEqual({
      Metric: { Namespace: 'AWS/Logs', MetricName: 'IncomingLogEvents', Dimensions: [{ Name: 'LogGroupName', Value: { Ref: expect.stringMatching(/^AuditLogGroup/) } }] },
      Period: 3600,
      Stat: 'Sum',
    });
  });

  test('the delivery check period is configurable', () => {
    const { stack, audit } = setup({ deliveryCheckPeriod: Duration.hours(6) });
    expect(audit.deliveryAlarm).toBeDefined();
    const periods = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))
      .flatMap(r => r.Properties.Metrics ?? []).filter((m: any) => m.MetricStat?.Metric.MetricName === 'IncomingLogEvents').map((m: any) => m.MetricStat.Period);
    expect(periods).toEqual([21600]);
  });

  test('a generated trail name is stable and valid', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['security@example.com'] });
    new AuditTrail(stack, 'Audit', { alertTopic: alerts });
    const trail = Object.values(Template.fromStack(stack).findResources('AWS::CloudTrail::Trail'))[0];
    expect(trail.Properties.TrailName).toMatch(/^TestStackAudit[A-F0-9]{8}$/);
  });

  test('uses the access-log bucket and key the user brings; warns when the bucket policy cannot be extended', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['security@example.com'] });
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const logsBucket = s3.Bucket.fromBucketName(stack, 'Central', 'central-access-logs');
    const audit = new AuditTrail(stack, 'Audit', { alertTopic: alerts, encryptionKey: key, accessLogsBucket: logsBucket, trailName: 'x-trail' });
    expect(audit.encryptionKey).toBe(key);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { DestinationBucketName: 'central-access-logs' } });
    Annotations.fromStack(stack).hasWarning('/TestStack/Audit', Match.stringLikeRegexp('cdk-watchkeeper:AuditTrail.accessLogsBucketPolicy'));
  });

  test.each([
    [{ trailName: 'a b' }, /trailName must be 3-128 letters/],
    [{ archiveAfter: Duration.days(400) }, /expireAfter must be longer than archiveAfter \(400 days\), got '365 days'/],
    [{ expireAfter: Duration.hours(12) }, /expireAfter \(days\) must be a whole number/],
    [{ objectLockMode: s3.ObjectLockMode.GOVERNANCE }, /objectLockRetention must be set with objectLockMode/],
    [{ objectLockRetention: Duration.days(30) }, /objectLockMode must be set with objectLockRetention/],
    [{ objectLockMode: s3.ObjectLockMode.COMPLIANCE, objectLockRetention: Duration.hours(36) }, /objectLockRetention \(days\) must be a whole number/],
    [{ objectLockMode: s3.ObjectLockMode.COMPLIANCE, objectLockRetention: Duration.days(400) }, /objectLockRetention must be at most expireAfter \(365 days\), got '400 days'/],
    [{ deliveryCheckPeriod: Duration.seconds(90) }, /deliveryCheckPeriod \(minutes\) must be a whole number/],
    [{ deliveryCheckPeriod: Duration.days(2) }, /deliveryCheckPeriod \(minutes\) must be .*1440/],
  ])('fails on bad props %#', (props, message) => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['security@example.com'] });
    expect(() => new AuditTrail(stack, 'Audit', { alertTopic: alerts, ...props })).toThrow(message);
  });

  test('passes the nag packs, trail bucket included, acknowledging only replication and the access-log bucket limits', () => {
    const { stack } = setup();
    expectNagClean(stack);
  });

  test('passes the nag packs with a key the user brings', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['security@example.com'] });
    new AuditTrail(stack, 'Audit', { alertTopic: alerts, encryptionKey: new kms.Key(stack, 'MyKey', { enableKeyRotation: true }) });
    expectNagClean(stack);
  });

  test('nag gate reports a plain bucket (negative control)', () => {
    const stack = newStack();
    new s3.Bucket(stack, 'Plain');
    expect(nagFindings(stack)).toEqual(expect.arrayContaining([
      'AwsSolutions-S1 at TestStack/Plain/Resource',
      'NIST.800.53.R5-S3BucketReplicationEnabled at TestStack/Plain/Resource',
      'PCI.DSS.321-S3DefaultEncryptionKMS at TestStack/Plain/Resource',
    ]));
  });

  test('matches the golden snapshot', () => {
    const { stack } = setup();
    expect(stableTemplate(stack)).toMatchSnapshot();
  });
});
