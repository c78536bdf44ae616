import { App, Stack, aws_kms as kms, aws_lambda as lambda, aws_sns as sns, aws_sqs as sqs, aws_events as events } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AlertTopic } from '../../src';
import { TEST_ENV, expectNagClean, nagFindings, newStack, stableTemplate } from '../helpers';

function keyStatements(template: Template): any[] {
  const keys = template.findResources('AWS::KMS::Key');
  expect(Object.keys(keys)).toHaveLength(1);
  return Object.values(keys)[0].Properties.KeyPolicy.Statement;
}

function someFunction(stack: Stack): lambda.IFunction {
  return lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:us-east-1:123456789012:function:pager');
}

describe('AlertTopic', () => {
  test('encrypts the topic with a rotated customer managed key', () => {
    const stack = newStack();
    new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlertsKey'), 'Arn'] },
    });
  });

  test('key policy lets CloudWatch alarms of this account and EventBridge use the key', () => {
    const stack = newStack();
    new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const statements = keyStatements(Template.fromStack(stack));

    const cloudwatch = statements.find(s => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(cloudwatch).toEqual({
      Sid: 'AllowCloudWatchAlarmsToPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:us-east-1:123456789012:alarm:*']] } },
      },
    });
    const eventbridge = statements.find(s => s.Principal?.Service === 'events.amazonaws.com');
    expect(eventbridge).toEqual({
      Sid: 'AllowEventBridgeToPublish',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
    });
  });

  test('topic policy denies publishing without TLS', () => {
    const stack = newStack();
    new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Action: 'sns:Publish',
          Principal: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('topic policy lets CloudWatch alarms of this account publish (it replaces the default policy)', () => {
    const stack = newStack();
    new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const policies = Template.fromStack(stack).findResources('AWS::SNS::TopicPolicy');
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements.find(s => s.Principal?.Service === 'cloudwatch.amazonaws.com')).toEqual({
      Sid: 'AllowCloudWatchAlarmsToPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: expect.stringMatching(/^Alerts/) },
      Condition: {
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        // composite alarms have alarm: ARNs as well, so this covers both kinds
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:us-east-1:123456789012:alarm:*']] } },
      },
    });
  });

  test('subscribes a real Lambda function and a real queue, in this stack and in another', () => {
    const app = new App();
    const stack = new Stack(app, 'Alarms', { env: TEST_ENV });
    const other = new Stack(app, 'Consumers', { env: TEST_ENV });
    const fnProps = { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=()=>{}') };
    const local = new lambda.Function(stack, 'Pager', fnProps);
    const remote = new lambda.Function(other, 'Pager', fnProps);
    const localQueue = new sqs.Queue(stack, 'Queue', { enforceSSL: true });
    const remoteQueue = new sqs.Queue(other, 'Queue', { enforceSSL: true });
    const alerts = new AlertTopic(stack, 'Alerts', { lambdaFunctions: [local], queues: [localQueue] });
    alerts.addLambdaSubscription(remote);
    alerts.addSqsSubscription(remoteQueue);
    const second = new AlertTopic(stack, 'Second', { lambdaFunctions: [local] });
    expect(second.topicArn).toBeDefined();

    const here = Template.fromStack(stack);
    here.resourceCountIs('AWS::SNS::Subscription', 3);
    here.resourceCountIs('AWS::Lambda::Permission', 2);
    const there = Template.fromStack(other);
    there.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
    there.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sqs' });
    there.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'sns.amazonaws.com' });
  });

  test('subscribes email, SMS, HTTPS, Lambda and SQS endpoints from props', () => {
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'Queue', { enforceSSL: true });
    new AlertTopic(stack, 'Alerts', {
      emails: ['oncall@example.com'],
      smsNumbers: ['+14155550100'],
      httpsEndpoints: ['https://hooks.example.com/alerts'],
      lambdaFunctions: [someFunction(stack)],
      queues: [queue],
    });
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::SNS::Subscription', 5);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sms', Endpoint: '+14155550100' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', Endpoint: 'https://hooks.example.com/alerts' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda', Endpoint: 'arn:aws:lambda:us-east-1:123456789012:function:pager',
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs', Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('Queue'), 'Arn'] },
    });
  });

  test('addXxx methods add subscriptions after construction', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts');
    alerts.addEmailSubscription('ops@example.com');
    alerts.addSmsSubscription('+447700900123');
    alerts.addHttpsSubscription('https://example.com/hook');
    alerts.addLambdaSubscription(someFunction(stack));
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Subscription', 4);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('no subscription'))).toHaveLength(0);
  });

  test.each([
    ['emails', { emails: ['not-an-email'] }, /emails must be an email address like name@example.com, got 'not-an-email'/],
    ['emails', { emails: ['a b@example.com'] }, /emails must be an email address/],
    ['smsNumbers', { smsNumbers: ['4155550100'] }, /smsNumbers must be a phone number in E.164 form like \+14155550100, got '4155550100'/],
    ['smsNumbers', { smsNumbers: ['+1 415 555 0100'] }, /smsNumbers must be a phone number in E.164 form/],
    ['httpsEndpoints', { httpsEndpoints: ['http://example.com/hook'] }, /httpsEndpoints must be an https:\/\/ URL \(notifications must not travel in clear text\), got 'http:\/\/example.com\/hook'/],
    ['httpsEndpoints', { httpsEndpoints: ['ftp://example.com'] }, /httpsEndpoints must be an https:\/\/ URL, got 'ftp:\/\/example.com'/],
  ])('fails on a malformed %s', (_prop, props, message) => {
    const stack = newStack();
    expect(() => new AlertTopic(stack, 'Alerts', props)).toThrow(message);
  });

  test('fails with the construct path in the message', () => {
    const stack = newStack();
    expect(() => new AlertTopic(stack, 'Alerts', { emails: ['x'] })).toThrow(/^TestStack\/Alerts: emails/);
  });

  test('alarms on failed deliveries and notifies the topic itself', () => {
    const stack = newStack();
    new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfNotificationsFailed',
      Dimensions: [{ Name: 'TopicName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('Alerts'), 'TopicName'] } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('Alerts') }],
    });
  });

  test('failed-delivery alarm can be disabled or sent elsewhere', () => {
    const stack = newStack();
    new AlertTopic(stack, 'Quiet', { emails: ['a@example.com'], failedDeliveryAlarm: false });
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);

    const stack2 = newStack();
    const backup = new AlertTopic(stack2, 'Backup', { emails: ['b@example.com'], failedDeliveryAlarm: false });
    new AlertTopic(stack2, 'Main', { emails: ['a@example.com'], failedDeliveryAlarmAction: backup.alarmAction });
    Template.fromStack(stack2).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: Match.stringLikeRegexp('Backup') }],
    });
  });

  test('warns when nobody is subscribed', () => {
    const stack = newStack();
    new AlertTopic(stack, 'Alerts');
    Annotations.fromStack(stack).hasWarning('/TestStack/Alerts', Match.stringLikeRegexp('no subscription.*cdk-watchkeeper:AlertTopic.noSubscription'));
  });

  test('extends the policy of a key the user brings', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const alerts = new AlertTopic(stack, 'Alerts', { encryptionKey: key, emails: ['a@example.com'] });
    const template = Template.fromStack(stack);
    expect(alerts.encryptionKey).toBe(key);
    const services = keyStatements(template).map(s => s.Principal?.Service).filter(Boolean);
    expect(services).toEqual(['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
  });

  test('fromTopic warns unless the key is known and extendable', () => {
    const stack = newStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Existing', 'arn:aws:sns:us-east-1:123456789012:ops');
    const imported = AlertTopic.fromTopic(stack, 'Imported', { topic });
    expect(imported.topicArn).toBe('arn:aws:sns:us-east-1:123456789012:ops');
    Annotations.fromStack(stack).hasWarning('/TestStack/Imported', Match.stringLikeRegexp('alias/aws/sns'));
    Annotations.fromStack(stack).hasWarning('/TestStack/Imported',
      Match.stringLikeRegexp('cloudwatch.amazonaws.com.*sns:Publish.*arn:aws:cloudwatch:us-east-1:123456789012:alarm:\\*.*AlertTopic.unverifiedTopicPolicy'));

    const importedKey = kms.Key.fromKeyArn(stack, 'ImportedKey', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    AlertTopic.fromTopic(stack, 'WithImportedKey', { topic, encryptionKey: importedKey });
    Annotations.fromStack(stack).hasWarning('/TestStack/WithImportedKey', Match.stringLikeRegexp('cdk-watchkeeper:AlertTopic.unverifiedKey'));
  });

  test('fromTopic extends the policy of a topic of this app so alarms can publish', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'TopicKey', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'Topic', { masterKey: key, enforceSSL: true });
    AlertTopic.fromTopic(stack, 'Imported', { topic, encryptionKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchAlarmsToPublish', Action: 'sns:Publish' })]) },
    });
  });

  test('fromTopic with a key of this app grants CloudWatch and EventBridge and does not warn', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'TopicKey', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'Topic', { masterKey: key, enforceSSL: true });
    AlertTopic.fromTopic(stack, 'Imported', { topic, encryptionKey: key });
    const services = keyStatements(Template.fromStack(stack)).map(s => s.Principal?.Service).filter(Boolean);
    expect(services).toEqual(['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
    expect(Annotations.fromStack(stack).findWarning('/TestStack/Imported', Match.anyValue())).toHaveLength(0);
  });

  test('alarm action and event target publish to the topic', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['a@example.com'] });
    new events.Rule(stack, 'Rule', {
      eventPattern: { source: ['aws.ec2'] },
      targets: [alerts.eventTarget(events.RuleTargetInput.fromText('instance changed'))],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('Alerts') }, Input: '"instance changed"' })],
    });
    expect(alerts.alarmAction).toBeDefined();
  });

  test('topic policy admits EventBridge rules of this account and Region only', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['a@example.com'] });
    for (const id of ['One', 'Two']) {
      new events.Rule(stack, id, { eventPattern: { source: ['aws.ec2'] }, targets: [alerts.eventTarget()] });
    }
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::SNS::TopicPolicy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((st: any) => st.Principal?.Service === 'events.amazonaws.com');
    expect(statements).toEqual([{
      Sid: 'AllowEventBridgeRulesToPublish',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: expect.stringMatching(/^Alerts/) },
      Condition: {
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:123456789012:rule/*']] } },
      },
    }]);
  });

  test('grantPublish allows sns:Publish on the topic and use of its key', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['a@example.com'] });
    const fn = new lambda.Function(stack, 'Publisher', {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=()=>{}'),
    });
    alerts.grantPublish(fn);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sns:Publish', Resource: { Ref: Match.stringLikeRegexp('Alerts') } }),
          Match.objectLike({ Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
  });

  test('metric accessors use the topic dimension', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['a@example.com'] });
    const m = alerts.metricNumberOfMessagesPublished();
    expect(m.namespace).toBe('AWS/SNS');
    expect(m.metricName).toBe('NumberOfMessagesPublished');
    expect(m.period.toSeconds()).toBe(300);
    expect(Object.keys(m.dimensions ?? {})).toEqual(['TopicName']);
    expect(alerts.metricNumberOfNotificationsDelivered().metricName).toBe('NumberOfNotificationsDelivered');
  });

  test('passes the nag packs in its default configuration with no acknowledgements', () => {
    const stack = newStack();
    new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    expectNagClean(stack);
  });

  test('passes the nag packs with a key the user brings and with an existing topic', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    new AlertTopic(stack, 'Alerts', { encryptionKey: key, smsNumbers: ['+14155550100'] });
    const topic = new sns.Topic(stack, 'Existing', { masterKey: key, enforceSSL: true });
    AlertTopic.fromTopic(stack, 'Imported', { topic, encryptionKey: key });
    expectNagClean(stack);
  });

  test('nag gate reports a plain SNS topic (negative control)', () => {
    const stack = newStack();
    new sns.Topic(stack, 'Plain');
    const findings = nagFindings(stack);
    expect(findings).toEqual(expect.arrayContaining([
      'AwsSolutions-SNS3 at TestStack/Plain/Resource',
      'NIST.800.53.R5-SNSEncryptedKMS at TestStack/Plain/Resource',
      'HIPAA.Security-SNSEncryptedKMS at TestStack/Plain/Resource',
      'PCI.DSS.321-SNSEncryptedKMS at TestStack/Plain/Resource',
    ]));
  });

  test('matches the golden snapshot', () => {
    const stack = newStack();
    new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'], httpsEndpoints: ['https://hooks.example.com/a'] });
    expect(stableTemplate(stack)).toMatchSnapshot();
  });
});
