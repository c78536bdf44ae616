import { Stack, aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { FakeAgent } from './fake-agent';
import { AlarmRouting, AlertTopic, AutoScalingGroupAlarms, AutoScalingGroupAlarmsProps } from '../../src';
import { expectNagClean, newStack, stableTemplate } from '../helpers';

const TOPIC = { Ref: expect.stringMatching(/^Alerts/) };

function importedGroup(stack: Stack) {
  return autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Group', 'web-asg');
}

function build(props: Partial<AutoScalingGroupAlarmsProps> = {}, stack: Stack = newStack()) {
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'], failedDeliveryAlarm: false });
  const alarms = new AutoScalingGroupAlarms(stack, 'Web', {
    autoScalingGroup: props.autoScalingGroup ?? importedGroup(stack), routing: AlarmRouting.toTopic(alerts), ...props,
  });
  return { stack, alerts, alarms, template: () => Template.fromStack(stack) };
}

function alarmOn(template: Template, metricName: string): any {
  const found = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName } }));
  expect(found).toHaveLength(1);
  return found[0].Properties;
}

function newGroup(stack: Stack, groupMetrics?: autoscaling.GroupMetrics[]) {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  return new autoscaling.AutoScalingGroup(stack, 'Asg', {
    vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(), minCapacity: 2, groupMetrics,
  });
}

describe('AutoScalingGroupAlarms', () => {
  test('status checks of any instance, aggregated per group, missing data not breaching (a group replacing its only instance reports nothing for minutes)', () => {
    const { template } = build();
    for (const [name, evaluations] of [['StatusCheckFailed_System', 2], ['StatusCheckFailed_Instance', 3]] as const) {
      expect(alarmOn(template(), name)).toEqual(expect.objectContaining({
        Namespace: 'AWS/EC2',
        Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'web-asg' }],
        Statistic: 'Maximum',
        Threshold: 1,
        Period: 60,
        EvaluationPeriods: evaluations,
        TreatMissingData: 'notBreaching',
        AlarmActions: [TOPIC],
      }));
    }
    expect(alarmOn(template(), 'StatusCheckFailed_AttachedEBS')).toEqual(expect.objectContaining({ TreatMissingData: 'notBreaching' }));
    // no EC2 action on group alarms: the group replaces unhealthy instances itself
    expect(JSON.stringify(template().findResources('AWS::CloudWatch::Alarm'))).not.toContain(':automate:');
  });

  test('group CPU average', () => {
    expect(alarmOn(build({ cpu: { thresholdPercent: 70 } }).template(), 'CPUUtilization')).toEqual(expect.objectContaining({
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'web-asg' }],
      Statistic: 'Average',
      Threshold: 70,
      Period: 300,
      TreatMissingData: 'notBreaching',
    }));
  });

  test('in-service capacity below the minimum through group metrics math', () => {
    const { template } = build();
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      TreatMissingData: 'breaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'inService - minSize', ReturnData: true }),
        Match.objectLike({
          Id: 'inService',
          ReturnData: false,
          MetricStat: Match.objectLike({
            Metric: { Namespace: 'AWS/AutoScaling', MetricName: 'GroupInServiceInstances', Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'web-asg' }] },
            Period: 60,
            Stat: 'Minimum',
          }),
        }),
        Match.objectLike({ Id: 'minSize', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'GroupMinSize' }), Stat: 'Maximum' }) }),
      ]),
    });
  });

  test('turns on the group metrics the capacity alarm needs on a group of this app', () => {
    const stack = newStack();
    build({ autoScalingGroup: newGroup(stack) }, stack);
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MetricsCollection: [{ Granularity: '1Minute', Metrics: ['GroupInServiceInstances', 'GroupMinSize'] }],
    });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('group metrics collection'))).toHaveLength(0);
  });

  test('keeps the group metrics the group already collects', () => {
    const stack = newStack();
    build({ autoScalingGroup: newGroup(stack, [new autoscaling.GroupMetrics(autoscaling.GroupMetric.DESIRED_CAPACITY)]) }, stack);
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MetricsCollection: [{ Granularity: '1Minute', Metrics: ['GroupDesiredCapacity', 'GroupInServiceInstances', 'GroupMinSize'] }],
    });
    const all = newStack();
    build({ autoScalingGroup: newGroup(all, [autoscaling.GroupMetrics.all()]) }, all);
    Template.fromStack(all).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MetricsCollection: [{ Granularity: '1Minute' }],
    });
  });

  test('warns that an imported group must collect group metrics itself', () => {
    const { stack } = build();
    Annotations.fromStack(stack).hasWarning('/TestStack/Web', Match.stringLikeRegexp('cdk-watchkeeper:AutoScalingGroupAlarms.groupMetrics'));
  });

  test('agent alarms read the group series of the telemetry model', () => {
    const { template } = build({ agent: new FakeAgent(['/']) });
    expect(alarmOn(template(), 'mem_used_percent')).toEqual(expect.objectContaining({
      Namespace: 'CWAgent',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'web-asg' }],
      Statistic: 'Maximum',
      Threshold: 90,
      TreatMissingData: 'notBreaching',
    }));
    expect(alarmOn(template(), 'disk_used_percent').Dimensions).toEqual([
      { Name: 'AutoScalingGroupName', Value: 'web-asg' }, { Name: 'path', Value: '/' },
    ]);
    expect(alarmOn(template(), 'swap_used_percent').Statistic).toBe('Maximum');
  });

  test('credit alarm when the group runs a burstable type', () => {
    build({ instanceType: new ec2.InstanceType('t3.large') }).template()
      .hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CPUCreditBalance', Statistic: 'Minimum', Threshold: 20 });
    build({ instanceType: new ec2.InstanceType('m7i.large') }).template()
      .resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'CPUCreditBalance' }, 0);
  });

  test('notes that the credit alarm is left out when the group\'s instance type is unknown, as for an instance', () => {
    const { stack } = build();
    Annotations.fromStack(stack).hasInfo('/TestStack/Web', Match.stringLikeRegexp('cdk-watchkeeper:ComputeAlarmPresets.noCreditAlarm'));
    const known = build({ instanceType: new ec2.InstanceType('m7i.large') });
    Annotations.fromStack(known.stack).hasNoInfo('/TestStack/Web', Match.stringLikeRegexp('noCreditAlarm'));
  });

  test('liveness alarms: status checks and capacity', () => {
    const { alarms } = build({ agent: new FakeAgent() });
    expect(alarms.livenessAlarms).toEqual([alarms.systemStatusCheckAlarm, alarms.instanceStatusCheckAlarm, alarms.inServiceCapacityAlarm]);
  });

  test('presets can be disabled and custom alarms added', () => {
    const { alarms, template } = build({
      systemStatusCheck: { enabled: false },
      instanceStatusCheck: { enabled: false },
      attachedEbsStatusCheck: { enabled: false },
      cpu: { enabled: false },
      inServiceCapacity: { enabled: false },
    });
    alarms.addAlarm('Requests', new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Requests' }), { threshold: 1000 });
    template().resourceCountIs('AWS::CloudWatch::Alarm', 1);
    template().hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Requests', AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }] });
  });

  test.each([
    ['memory forced on without an agent', { memory: { enabled: true } }, /memory.enabled must be false or unset when no agent is given/],
    ['a disk threshold above 100', { agent: new FakeAgent(), disk: { thresholdPercent: 101 } }, /disk.thresholdPercent must be between 0 and 100, got 101/],
    ['credits forced on a non-burstable type', { instanceType: new ec2.InstanceType('c7g.large'), cpuCreditBalance: { enabled: true } }, /cpuCreditBalance.enabled must be false or unset/],
    ['recover on a group', { systemStatusCheck: { recover: true } }, /systemStatusCheck.recover must be false or unset for an Auto Scaling group/],
    ['reboot on a group', { instanceStatusCheck: { reboot: true } }, /instanceStatusCheck.reboot must be false or unset for an Auto Scaling group/],
    ['a negative credit threshold', { instanceType: new ec2.InstanceType('t3.large'), cpuCreditBalance: { thresholdCredits: -1 } },
      /cpuCreditBalance.thresholdCredits must be a number of credits of at least 0, got -1/],
  ])('fails on %s', (_name, props, message) => {
    expect(() => build(props as Partial<AutoScalingGroupAlarmsProps>)).toThrow(message);
  });

  test('passes the nag packs in its default configuration', () => {
    expectNagClean(build().stack);
  });

  test('passes the nag packs fully configured', () => {
    const { stack } = build({
      agent: new FakeAgent(),
      instanceType: new ec2.InstanceType('t3.small'),
      alarmNamePrefix: 'web',
      runbookUrl: 'https://wiki.example.com/web',
      tags: { team: 'shop' },
    });
    expectNagClean(stack);
  });

  test('matches the golden snapshot', () => {
    const stack = newStack();
    build({ autoScalingGroup: importedGroup(stack), agent: new FakeAgent(['/']), alarmNamePrefix: 'web' }, stack);
    expect(stableTemplate(stack)).toMatchSnapshot();
  });
});
