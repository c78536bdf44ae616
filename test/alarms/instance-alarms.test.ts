import { Duration, Stack, aws_cloudwatch as cloudwatch, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AgentConfig, AlarmRouting, AlarmSeverity, AlertTopic, InstanceAlarms, InstanceAlarmsProps } from '../../src';
import { expectNagClean, FakeAgentMetrics, newAlertTopic, newStack, stableTemplate } from '../helpers';

const ID = 'i-0123456789abcdef0';

function build(props: Partial<InstanceAlarmsProps> = {}, stack: Stack = newStack()) {
  const alerts = newAlertTopic(stack, { failedDeliveryAlarm: false });
  const alarms = new InstanceAlarms(stack, 'Web', { instanceId: ID, routing: AlarmRouting.toTopic(alerts), ...props });
  return { stack, alerts, alarms, template: () => Template.fromStack(stack) };
}

/** The one alarm on a metric name, with its properties. */
function alarmOn(template: Template, metricName: string): any {
  const found = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName } }));
  expect(found).toHaveLength(1);
  return found[0].Properties;
}

const TOPIC = { Ref: expect.stringMatching(/^Alerts/) };
const TOPIC_MATCH = { Ref: Match.stringLikeRegexp('^Alerts') };

describe('InstanceAlarms', () => {
  test('agent alarms of a group member read the series the agent publishes for it, with its group', () => {
    const { template } = build({ agent: new AgentConfig(), autoScalingGroupName: 'orders-api' });
    expect(alarmOn(template(), 'mem_used_percent').Dimensions).toEqual([
      { Name: 'AutoScalingGroupName', Value: 'orders-api' }, { Name: 'InstanceId', Value: ID },
    ]);
    const standalone = build({ agent: new AgentConfig() });
    expect(alarmOn(standalone.template(), 'mem_used_percent').Dimensions).toEqual([{ Name: 'InstanceId', Value: ID }]);
  });

  test('system status check recovers the instance and notifies, missing data is breaching', () => {
    const { template } = build();
    expect(alarmOn(template(), 'StatusCheckFailed_System')).toEqual(expect.objectContaining({
      Namespace: 'AWS/EC2',
      Dimensions: [{ Name: 'InstanceId', Value: ID }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Period: 60,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'breaching',
      AlarmActions: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':automate:us-east-1:ec2:recover']] }, TOPIC],
      OKActions: [TOPIC],
    }));
  });

  test('a member of an Auto Scaling group is never recovered: its group replaces it', () => {
    const system = alarmOn(build({ autoScalingGroupName: 'orders-api' }).template(), 'StatusCheckFailed_System');
    expect(system.AlarmActions).toEqual([TOPIC]);
    expect(system.AlarmDescription).toMatch(/Its Auto Scaling group replaces it once the group marks it unhealthy/);
  });

  test('fails on recover for a member of an Auto Scaling group', () => {
    expect(() => build({ autoScalingGroupName: 'orders-api', systemStatusCheck: { recover: true } }))
      .toThrow(/Web: systemStatusCheck.recover must be false or unset for a member of an Auto Scaling group .*got true/);
  });

  test('instance status check notifies, and reboots only when asked', () => {
    const plain = alarmOn(build().template(), 'StatusCheckFailed_Instance');
    expect(plain).toEqual(expect.objectContaining({
      Statistic: 'Maximum',
      Threshold: 1,
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'breaching',
      AlarmActions: [TOPIC],
    }));
    const rebooting = alarmOn(build({ instanceStatusCheck: { reboot: true } }).template(), 'StatusCheckFailed_Instance');
    expect(JSON.stringify(rebooting.AlarmActions)).toContain(':automate:us-east-1:ec2:reboot');
  });

  test('attached EBS status check is critical and does not breach on missing data (Xen types never publish it)', () => {
    expect(alarmOn(build().template(), 'StatusCheckFailed_AttachedEBS')).toEqual(expect.objectContaining({
      Statistic: 'Maximum', Threshold: 1, Period: 60, EvaluationPeriods: 3, TreatMissingData: 'notBreaching', AlarmActions: [TOPIC],
    }));
  });

  test('CPU high: average above 90% for 3 of 3 five-minute periods, missing data not breaching', () => {
    expect(alarmOn(build().template(), 'CPUUtilization')).toEqual(expect.objectContaining({
      Statistic: 'Average',
      Threshold: 90,
      ComparisonOperator: 'GreaterThanThreshold',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      AlarmActions: [TOPIC],
    }));
  });

  test('every preset is overridable', () => {
    const { template } = build({
      cpu: {
        thresholdPercent: 75,
        period: Duration.minutes(1),
        evaluationPeriods: 10,
        datapointsToAlarm: 8,
        treatMissingData: cloudwatch.TreatMissingData.IGNORE,
      },
      systemStatusCheck: { recover: false, evaluationPeriods: 5 },
    });
    expect(alarmOn(template(), 'CPUUtilization')).toEqual(expect.objectContaining({
      Threshold: 75, Period: 60, EvaluationPeriods: 10, DatapointsToAlarm: 8, TreatMissingData: 'ignore',
    }));
    const system = alarmOn(template(), 'StatusCheckFailed_System');
    expect(system.AlarmActions).toEqual([TOPIC]);
    expect(system).toEqual(expect.objectContaining({ EvaluationPeriods: 5, DatapointsToAlarm: 2 }));
  });

  test('presets can be disabled one by one', () => {
    const { template } = build({
      systemStatusCheck: { enabled: false },
      instanceStatusCheck: { enabled: false },
      attachedEbsStatusCheck: { enabled: false },
      cpu: { enabled: false },
    });
    template().resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('CPU credit balance alarm only for burstable types', () => {
    const burst = build({ instanceType: new ec2.InstanceType('t3.micro') });
    expect(alarmOn(burst.template(), 'CPUCreditBalance')).toEqual(expect.objectContaining({
      Statistic: 'Minimum',
      Threshold: 20,
      ComparisonOperator: 'LessThanThreshold',
      Period: 300,
      EvaluationPeriods: 3,
      TreatMissingData: 'notBreaching',
    }));
    for (const type of ['m7i.large', 'c6g.xlarge']) {
      const steady = build({ instanceType: new ec2.InstanceType(type) });
      steady.template().resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'CPUCreditBalance' }, 0);
    }
    const unknown = build();
    unknown.template().resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'CPUCreditBalance' }, 0);
    Annotations.fromStack(unknown.stack).hasInfo('/TestStack/Web', Match.stringLikeRegexp('instance type is unknown'));
  });

  test('reads the instance type of an ec2.Instance of this app', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const instance = new ec2.Instance(stack, 'Host', {
      vpc,
      instanceType: new ec2.InstanceType('t4g.small'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      requireImdsv2: true,
      detailedMonitoring: true,
    });
    const { template } = build({ instanceId: undefined, instance, cpuCreditBalance: { thresholdCredits: 50 } }, stack);
    expect(alarmOn(template(), 'CPUCreditBalance')).toEqual(expect.objectContaining({
      Threshold: 50, Dimensions: [{ Name: 'InstanceId', Value: { Ref: expect.stringMatching(/^Host/) } }],
    }));
  });

  test('memory, disk per path and swap come from the agent model with its dimensions', () => {
    const { template } = build({ agent: FakeAgentMetrics.perMinute(['/', '/var/log']) });
    expect(alarmOn(template(), 'mem_used_percent')).toEqual(expect.objectContaining({
      Namespace: 'CWAgent',
      Dimensions: [{ Name: 'InstanceId', Value: ID }],
      Statistic: 'Average',
      Threshold: 90,
      Period: 300,
      EvaluationPeriods: 3,
      TreatMissingData: 'notBreaching',
      AlarmActions: [TOPIC],
    }));
    expect(alarmOn(template(), 'swap_used_percent')).toEqual(expect.objectContaining({ Threshold: 50, Statistic: 'Average' }));
    const disks = Object.values(template().findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'disk_used_percent' } }))
      .map(r => r.Properties);
    expect(disks.map(d => d.Dimensions)).toEqual([
      [{ Name: 'InstanceId', Value: ID }, { Name: 'path', Value: '/' }],
      [{ Name: 'InstanceId', Value: ID }, { Name: 'path', Value: '/var/log' }],
    ]);
    expect(disks[0]).toEqual(expect.objectContaining({ Statistic: 'Maximum', Threshold: 85, Period: 300, EvaluationPeriods: 2 }));
    expect(Object.keys(template().findResources('AWS::CloudWatch::Alarm'))).toEqual(expect.arrayContaining([
      expect.stringMatching(/^WebDiskRoot/), expect.stringMatching(/^WebDiskVarLog/),
    ]));
  });

  test('disk alarms on selected paths only', () => {
    const { template } = build({ agent: FakeAgentMetrics.perMinute(['/', '/data']), disk: { paths: ['/data'], thresholdPercent: 70 } });
    template().resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'disk_used_percent' }, 1);
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'disk_used_percent', Threshold: 70, Dimensions: Match.arrayWith([{ Name: 'path', Value: '/data' }]),
    });
  });

  test('no agent, no agent alarms', () => {
    const { template } = build();
    for (const name of ['mem_used_percent', 'disk_used_percent', 'swap_used_percent']) {
      template().resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: name }, 0);
    }
  });

  test('severities go to their own topics', () => {
    const stack = newStack();
    const pager = new AlertTopic(stack, 'Pager', { smsNumbers: ['+14155550100'], failedDeliveryAlarm: false });
    const team = new AlertTopic(stack, 'Team', { emails: ['team@example.com'], failedDeliveryAlarm: false });
    new InstanceAlarms(stack, 'Web', {
      instanceId: ID,
      routing: new AlarmRouting({ critical: [pager, team], warning: [team], notifyOnOk: false }),
      cpu: { severity: AlarmSeverity.CRITICAL },
      attachedEbsStatusCheck: { severity: AlarmSeverity.WARNING },
    });
    const template = Template.fromStack(stack);
    const pagerRef = { Ref: expect.stringMatching(/^Pager/) };
    const teamRef = { Ref: expect.stringMatching(/^Team/) };
    expect(alarmOn(template, 'StatusCheckFailed_Instance').AlarmActions).toEqual([pagerRef, teamRef]);
    expect(alarmOn(template, 'CPUUtilization').AlarmActions).toEqual([pagerRef, teamRef]);
    expect(alarmOn(template, 'StatusCheckFailed_AttachedEBS').AlarmActions).toEqual([teamRef]);
    expect(alarmOn(template, 'StatusCheckFailed_Instance').OKActions).toBeUndefined();
  });

  test('descriptions say what happened and what to do, with the runbook; names carry the prefix; tags apply', () => {
    const { template } = build({
      alarmNamePrefix: 'shop-prod-web',
      runbookUrl: 'https://wiki.example.com/runbooks/web',
      tags: { team: 'shop', env: 'prod' },
    });
    const system = alarmOn(template(), 'StatusCheckFailed_System');
    expect(system.AlarmName).toBe('shop-prod-web-SystemStatusCheck');
    expect(system.AlarmDescription).toMatch(/system status check .* failed.*EC2 is recovering it.* Runbook: https:\/\/wiki.example.com\/runbooks\/web$/);
    expect(system.Tags).toEqual(expect.arrayContaining([{ Key: 'team', Value: 'shop' }, { Key: 'env', Value: 'prod' }]));
    expect(alarmOn(template(), 'CPUUtilization').AlarmDescription).toMatch(/above 90% for 15 minutes/);
  });

  test('users add their own alarms through the same API', () => {
    const { alarms, template } = build({ alarmNamePrefix: 'web' });
    const metric = new cloudwatch.Metric({ namespace: 'Shop', metricName: 'CheckoutErrors', statistic: 'Sum', period: Duration.minutes(1) });
    const custom = alarms.addAlarm('CheckoutErrors', metric, { threshold: 5, severity: AlarmSeverity.CRITICAL, description: 'Checkouts fail. Roll back the last deploy.' });
    expect(custom).toBeInstanceOf(cloudwatch.Alarm);
    expect(alarmOn(template(), 'CheckoutErrors')).toEqual(expect.objectContaining({
      AlarmName: 'web-CheckoutErrors',
      Threshold: 5,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      AlarmDescription: 'Checkouts fail. Roll back the last deploy.',
      AlarmActions: [TOPIC],
    }));
    expect(alarms.alarms).toContain(custom);
  });

  test('exposes its liveness alarms for planned downtime', () => {
    const { alarms } = build({ agent: FakeAgentMetrics.perMinute() });
    expect(alarms.livenessAlarms).toEqual([alarms.systemStatusCheckAlarm, alarms.instanceStatusCheckAlarm]);
  });

  test('with a downtime suppressor, liveness alarms notify through suppressible composites and keep EC2 actions', () => {
    const stack = newStack();
    const downtime = new cloudwatch.Alarm(stack, 'PlannedDowntime', {
      metric: new cloudwatch.Metric({ namespace: 'Watchkeeper', metricName: 'PlannedDowntime', dimensionsMap: { InstanceId: ID } }),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const { alarms, template } = build({ livenessSuppressor: downtime }, stack);
    const system = alarmOn(template(), 'StatusCheckFailed_System');
    expect(JSON.stringify(system.AlarmActions)).toContain(':ec2:recover');
    expect(JSON.stringify(system.AlarmActions)).not.toContain('Alerts');
    expect(alarmOn(template(), 'StatusCheckFailed_Instance').AlarmActions).toBeUndefined();
    template().resourceCountIs('AWS::CloudWatch::CompositeAlarm', 2);
    template().hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmRule: { 'Fn::Join': ['', ['ALARM("', { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebSystemStatusCheck'), 'Arn'] }, '")']] },
      ActionsSuppressor: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PlannedDowntime'), 'Arn'] },
      ActionsSuppressorWaitPeriod: 300,
      ActionsSuppressorExtensionPeriod: 600,
      AlarmActions: [TOPIC_MATCH],
    });
    // utilisation alarms are not liveness: they still notify directly
    expect(alarmOn(template(), 'CPUUtilization').AlarmActions).toEqual([TOPIC]);
    expect(alarms.livenessAlarms).toHaveLength(4);
  });

  test.each([
    ['neither instance nor instanceId', { instanceId: undefined }, /instance\/instanceId must be exactly one of instance or instanceId, got 'neither'/],
    ['a malformed instanceId', { instanceId: 'web-1' }, /instanceId must be an instance id like i-0123456789abcdef0, got 'web-1'/],
    ['a CPU threshold above 100', { cpu: { thresholdPercent: 140 } }, /cpu.thresholdPercent must be between 0 and 100, got 140/],
    ['a negative credit threshold', { instanceType: new ec2.InstanceType('t3.nano'), cpuCreditBalance: { thresholdCredits: -1 } }, /thresholdCredits must be a number of credits of at least 0, got -1/],
    ['credits forced on a non-burstable type', { instanceType: new ec2.InstanceType('m7g.large'), cpuCreditBalance: { enabled: true } }, /cpuCreditBalance.enabled must be false or unset for a non-burstable instance type.*got 'm7g.large'/],
    ['memory forced on without an agent', { memory: { enabled: true } }, /memory.enabled must be false or unset when no agent is given/],
    ['a disk path the agent does not publish', { agent: FakeAgentMetrics.perMinute(['/']), disk: { paths: ['/data'] } }, /disk.paths must be paths the agent publishes \('\/'\), got '\/data'/],
    ['a runbook that is not a URL', { runbookUrl: 'wiki/runbook' }, /runbookUrl must be an http\(s\):\/\/ URL, got 'wiki\/runbook'/],
    ['datapoints above evaluation periods', { cpu: { evaluationPeriods: 2, datapointsToAlarm: 3 } }, /Web\/Cpu: datapointsToAlarm must be at most evaluationPeriods \(2\), got 3/],
  ])('fails on %s', (_name, props, message) => {
    expect(() => build(props as Partial<InstanceAlarmsProps>)).toThrow(message);
  });

  test('passes the nag packs in its default configuration', () => {
    const { stack } = build();
    expectNagClean(stack);
  });

  test('passes the nag packs fully configured', () => {
    const stack = newStack();
    const downtime = new cloudwatch.Alarm(stack, 'PlannedDowntime', {
      metric: new cloudwatch.Metric({ namespace: 'Watchkeeper', metricName: 'PlannedDowntime' }), threshold: 1, evaluationPeriods: 1,
    });
    const { alerts } = build({
      agent: FakeAgentMetrics.perMinute(),
      instanceType: new ec2.InstanceType('t3.small'),
      alarmNamePrefix: 'web',
      runbookUrl: 'https://wiki.example.com/web',
      tags: { team: 'shop' },
      livenessSuppressor: downtime,
    }, stack);
    downtime.addAlarmAction(alerts.alarmAction);
    expectNagClean(stack);
  });

  test('matches the golden snapshot', () => {
    const { stack } = build({ agent: FakeAgentMetrics.perMinute(), instanceType: new ec2.InstanceType('t3.small'), alarmNamePrefix: 'web' });
    expect(stableTemplate(stack)).toMatchSnapshot();
  });
});
