import { App, Duration, Size, Stack, aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_events as events, aws_logs as logs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AlertTopic, IdleShutdown, IdleShutdownProps, MonitoredService, ServiceCompute } from '../../src';
import { expectNagClean, importedVpc, newAlertTopic, newStack, stableTemplate, TEST_ENV } from '../helpers';

function setup(props: Partial<IdleShutdownProps> = {}): { stack: Stack; idle: IdleShutdown; alerts: AlertTopic } {
  const stack = newStack();
  const alerts = newAlertTopic(stack);
  const idle = new IdleShutdown(stack, 'IdleShutdown', { alertTopic: alerts, ...props });
  return { stack, idle, alerts };
}

function statements(stack: Stack): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('IdleShutdown', () => {
  test('runs hourly on Node.js 24 with one reserved slot, an encrypted dead-letter queue and its own log group', () => {
    const { stack } = setup();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 300,
      ReservedConcurrentExecutions: 1,
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IdleShutdownDeadLetters'), 'Arn'] } },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^IdleShutdownLogs') } },
      Environment: {
        Variables: Match.objectLike({
          OPT_IN_TAG_KEY: 'watchkeeper:idle-shutdown',
          OPT_IN_TAG_VALUE: 'TestStack', // the stack's own: another stack's IdleShutdown leaves these instances alone
          PROTECTION_TAG_KEY: 'watchkeeper:keep-running',
          CPU_PEAK_PERCENT: '5',
          // Compute Optimizer's 5 MB a day, pro rata for the hour
          NETWORK_BYTES: '208333',
          LOOKBACK_MINUTES: '60',
          PERIOD_MINUTES: '5',
          DRY_RUN: 'false',
          TOPIC_ARN: { Ref: Match.stringLikeRegexp('^Alerts') },
        }),
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    // alarms are turned on again by the scheduled runs (once OK), not on the state change
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 90, KmsKeyId: Match.anyValue() }, DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('its own failures alarm to the topic: a failed run, and runs waiting in its dead-letter queue', () => {
    const { stack, idle } = setup();
    const template = Template.fromStack(stack);
    expect(idle.alarms).toHaveLength(2);
    const topic = { Ref: Match.stringLikeRegexp('^Alerts') };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^IdleShutdownFunction') } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IdleShutdownDeadLetters'), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      AlarmActions: [topic],
      AlarmDescription: Match.stringLikeRegexp('failed after Lambda\'s retries and wait in its dead-letter queue'),
    });
    expect(stack.resolve(idle.deadLetterQueue.queueArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^IdleShutdownDeadLetters/), 'Arn'] });
  });

  test('grants exactly what the function does', () => {
    const { stack } = setup();
    expect(statements(stack)).toEqual([
      {
        Sid: 'ReadInstances',
        Effect: 'Allow',
        Action: 'ec2:DescribeInstances',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
      },
      { Sid: 'ReadMetrics', Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' },
      // composite alarms are returned only to a caller allowed DescribeAlarms on *
      { Sid: 'ReadAlarms', Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: '*' },
      {
        Sid: 'StopOptedInInstances',
        Effect: 'Allow',
        Action: 'ec2:StopInstances',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:us-east-1:123456789012:instance/*']] },
        Condition: { StringEquals: { 'aws:ResourceTag/watchkeeper:idle-shutdown': 'TestStack' } },
      },
      {
        Sid: 'MarkSilencedInstances',
        Effect: 'Allow',
        Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:us-east-1:123456789012:instance/*']] },
        Condition: {
          'StringEquals': { 'aws:ResourceTag/watchkeeper:idle-shutdown': 'TestStack' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['watchkeeper:liveness-silenced'] },
        },
      },
      { Sid: 'Report', Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: expect.stringMatching(/^Alerts/) } },
      { Sid: 'Log', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^IdleShutdownLogs/), 'Arn'] } },
      { Sid: 'DeadLetters', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^IdleShutdownDeadLetters/), 'Arn'] } },
      {
        Sid: 'EncryptReportsAndDeadLetters',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: [{ 'Fn::GetAtt': [expect.stringMatching(/^IdleShutdownDeadLetterKey/), 'Arn'] }, { 'Fn::GetAtt': [expect.stringMatching(/^AlertsKey/), 'Arn'] }],
      },
    ]);
  });

  test('takes its thresholds, window, tags, schedule, dry run and retention', () => {
    const { stack } = setup({
      cpuPeakPercent: 10,
      networkTrafficPerDay: Size.mebibytes(80),
      lookback: Duration.hours(3),
      optInTagKey: 'cost:stop-when-idle',
      optInTagValue: 'true',
      protectionTagKey: 'cost:never-stop',
      dryRun: true,
      logRetention: logs.RetentionDays.ONE_WEEK,
      schedule: events.Schedule.cron({ minute: '0', hour: '18-23', weekDay: 'MON-FRI' }),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CPU_PEAK_PERCENT: '10',
          NETWORK_BYTES: String(Math.floor(80 * 1024 * 1024 / 8)), // 3 hours are an eighth of a day
          LOOKBACK_MINUTES: '180',
          OPT_IN_TAG_KEY: 'cost:stop-when-idle',
          OPT_IN_TAG_VALUE: 'true',
          PROTECTION_TAG_KEY: 'cost:never-stop',
          DRY_RUN: 'true',
        }),
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 18-23 ? * MON-FRI *)' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test('optIn and protect tag every instance under a construct', () => {
    const { stack, idle } = setup();
    const vpc = importedVpc(stack);
    const instance = new ec2.Instance(stack, 'Worker', {
      vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    idle.optIn(instance);
    const other = new ec2.Instance(stack, 'Db', {
      vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    idle.optIn(other);
    idle.protect(other);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::Instance', {
      Tags: Match.arrayWith([{ Key: 'watchkeeper:idle-shutdown', Value: 'TestStack' }]),
    });
    template.hasResourceProperties('AWS::EC2::Instance', {
      Tags: Match.arrayWith([{ Key: 'watchkeeper:keep-running', Value: 'true' }]),
    });
  });

  test('MonitoredService opts its single instance in, and refuses a group', () => {
    const { stack, idle, alerts } = setup();
    const vpc = importedVpc(stack);
    new MonitoredService(stack, 'Worker', { vpc, alertTopic: alerts, compute: ServiceCompute.newInstance(), idleShutdown: idle });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::Instance', {
      Tags: Match.arrayWith([{ Key: 'watchkeeper:idle-shutdown', Value: 'TestStack' }]),
    });
    expect(() => new MonitoredService(stack, 'Api', { vpc, alertTopic: alerts, idleShutdown: idle }))
      .toThrow(/idleShutdown must be given only for single instances \(a group replaces stopped instances: use scaleOnBusinessHours\), got 'an Auto Scaling group'/);
  });

  test('tags an instance with the names its service gave its liveness alarms', () => {
    const { stack, idle, alerts } = setup();
    new MonitoredService(stack, 'Worker', { vpc: importedVpc(stack), alertTopic: alerts, compute: ServiceCompute.newInstance(), idleShutdown: idle });
    const instance = Object.values(Template.fromStack(stack).findResources('AWS::EC2::Instance'))[0] as any;
    const tags = instance.Properties.Tags.filter((t: any) => /^watchkeeper:liveness-alarm-\d+$/.test(t.Key)).map((t: any) => t.Value);
    expect(tags).toEqual(['TestStack-Worker-SystemStatusCheck', 'TestStack-Worker-InstanceStatusCheck']);
  });

  test('knows the liveness alarms of a service by construction: the instance names them, and only they may be switched', () => {
    const { stack, idle, alerts } = setup();
    const vpc = importedVpc(stack);
    const worker = new MonitoredService(stack, 'Worker', {
      vpc,
      alertTopic: alerts,
      compute: ServiceCompute.newInstance(),
      idleShutdown: idle,
      // CloudFormation-generated names: idle shutdown must fix a name for the tags to carry.
      alarms: { livenessSuppressor: cloudwatch.Alarm.fromAlarmName(stack, 'Maintenance', 'maintenance-window'), generatedAlarmNames: true },
    });
    const liveness = worker.alarmSets.flatMap(s => s.livenessAlarms);
    // the status-check alarms and the composite notifiers that page for them
    const template = Template.fromStack(stack);
    const cfnNames = liveness.map(a => stack.resolve((a.node.defaultChild as any).alarmName) as string);
    expect(liveness.map(a => a.node.defaultChild!.constructor.name).sort()).toEqual(['CfnAlarm', 'CfnAlarm', 'CfnCompositeAlarm', 'CfnCompositeAlarm']);
    // metric alarms get a fixed name; CDK already names composite alarms at synth time
    for (const name of cfnNames) expect(name).toMatch(/^(TestStack-)?TestStackWorkerAlarms\w+$/);
    expect(cfnNames.filter(n => n.startsWith('TestStack-'))).toHaveLength(2);
    const instance = Object.values(template.findResources('AWS::EC2::Instance'))[0] as any;
    const tags = Object.fromEntries(instance.Properties.Tags.map((t: any) => [t.Key, t.Value]));
    expect(cfnNames.map((_, i) => tags[`watchkeeper:liveness-alarm-${i + 1}`])).toEqual(cfnNames);
    // the stack deploys all four with their actions on: turned off before a stop without reading them first
    expect(tags['watchkeeper:liveness-managed']).toBe('1 2 3 4');
    const alarmStatements = Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))
      .filter(([id]) => id.startsWith('IdleShutdownAlarmPolicy1'))
      .flatMap(([, p]: [string, any]) => p.Properties.PolicyDocument.Statement);
    expect(alarmStatements).toEqual(cfnNames.map((name, i) => ({
      Sid: `SilenceLivenessAlarms${i + 1}`,
      Effect: 'Allow',
      Action: ['cloudwatch:DisableAlarmActions', 'cloudwatch:EnableAlarmActions'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:us-east-1:123456789012:alarm:${name}`]] },
    })));
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: Match.stringLikeRegexp('^IdleShutdownRole') }], Description: Match.stringLikeRegexp('liveness alarms') });
    expectNagClean(stack);
  });

  test('keeps an alarm name given by the user, and spreads many alarms over managed policies of 40', () => {
    const { stack, idle } = setup();
    const vpc = importedVpc(stack);
    const alarms = Array.from({ length: 45 }, (_, i) => cloudwatch.Alarm.fromAlarmName(stack, `A${i}`, `named-${i}`));
    for (let i = 0; i < 3; i++) {
      const instance = new ec2.Instance(stack, `W${i}`, { vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023() });
      idle.optIn(instance, { livenessAlarms: alarms.slice(i * 15, i * 15 + 15) });
    }
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::Instance', { Tags: Match.arrayWith([{ Key: 'watchkeeper:liveness-alarm-1', Value: 'named-15' }]) });
    // imported alarms are not known to be on: they are read before a stop
    for (const i of Object.values<any>(template.findResources('AWS::EC2::Instance'))) {
      expect(i.Properties.Tags.map((t: any) => t.Key)).not.toContain('watchkeeper:liveness-managed');
    }
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    expect(Object.keys(policies).filter(k => k.startsWith('IdleShutdownAlarmPolicy')).map(k => policies[k].Properties.PolicyDocument.Statement.length))
      .toEqual([40, 5]);
  });

  test('fails on more liveness alarms than an instance can name in its tags', () => {
    const { stack, idle } = setup();
    const alarms = Array.from({ length: 21 }, (_, i) => cloudwatch.Alarm.fromAlarmName(stack, `A${i}`, `named-${i}`));
    expect(() => idle.optIn(stack, { livenessAlarms: alarms })).toThrow(/livenessAlarms must be at most 20 alarms per instance/);
  });

  test.each<[string, Partial<IdleShutdownProps>, RegExp]>([
    ['a daily network allowance under a byte a minute', { networkTrafficPerDay: Size.bytes(100) }, /networkTrafficPerDay \(bytes\) must be between 1440 and/],
    ['a CPU threshold above 100', { cpuPeakPercent: 120 }, /cpuPeakPercent must be between 0.1 and 100, got 120/],
    ['a window shorter than 15 minutes', { lookback: Duration.minutes(10) }, /lookback \(minutes\) must be a whole number between 15 and 1440, got 10/],
    ['a window that is not whole periods', { lookback: Duration.minutes(22) }, /lookback must be a multiple of 5 minutes, got '22 minutes'/],
    ['an aws: tag key', { optInTagKey: 'aws:idle' }, /optInTagKey must be a tag key of 1 to 128 characters not starting with aws:/],
    ['the same opt-in and protection tag', { protectionTagKey: 'watchkeeper:idle-shutdown' }, /protectionTagKey must be different from optInTagKey/],
    ['infinite log retention', { logRetention: logs.RetentionDays.INFINITE }, /logRetention must be a finite retention/],
  ])('fails on %s', (_name, props, message) => {
    expect(() => setup(props)).toThrow(message);
  });

  test('fails when two IdleShutdowns of an app have the same opt-in tag in one account and Region (each would act on the other\'s instances)', () => {
    const app = new App();
    const build = (id: string, props: Partial<IdleShutdownProps> = {}, env = TEST_ENV) => {
      const stack = new Stack(app, id, { env });
      return new IdleShutdown(stack, 'IdleShutdown', { alertTopic: newAlertTopic(stack), ...props });
    };
    // by default each takes its stack's name as the opt-in value
    const a = build('A');
    build('B');
    expect(a.optInTagValue).toBe('A');
    expect(a.node.validate()).toEqual([]);
    // the same value in another Region is another set of instances
    const c = build('C', { optInTagValue: 'enabled' });
    build('Ireland', { optInTagValue: 'enabled' }, { ...TEST_ENV, region: 'eu-west-1' });
    expect(c.node.validate()).toEqual([]);
    build('D', { optInTagValue: 'enabled' });
    expect(c.node.validate()).toEqual([expect.stringMatching(
      /^C\/IdleShutdown: optInTagValue must be different from the opt-in tag of D\/IdleShutdown in the same account and Region .*got 'watchkeeper:idle-shutdown=enabled'$/)]);
    expect(() => app.synth()).toThrow(/optInTagValue must be different/);
  });

  test('fails on a second function in the same stack', () => {
    const { stack, alerts } = setup();
    expect(() => new IdleShutdown(stack, 'Again', { alertTopic: alerts }))
      .toThrow(/scope must be the only IdleShutdown of stack TestStack \(one function serves every service; opt instances in with optIn\), got 'TestStack\/IdleShutdown'/);
  });

  test('passes the nag packs by default and configured', () => {
    expectNagClean(setup().stack);
    expectNagClean(setup({ dryRun: true, cpuPeakPercent: 2, optInTagKey: 'team:idle' }).stack);
  });

  test('matches the golden snapshot', () => {
    expect(stableTemplate(setup().stack)).toMatchSnapshot();
  });
});
