import { App, Stack, aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AgentConfig, AlarmRouting, CostReport, FleetAlarms, FleetAlarmsProps } from '../../src';
import { expectNagClean, nagFindings, newAlertTopic, newStack } from '../helpers';

function group(stack: Stack, vpc: ec2.IVpc, id: string, maxCapacity: number, minCapacity = 1): autoscaling.AutoScalingGroup {
  return new autoscaling.AutoScalingGroup(stack, id, {
    vpc,
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    minCapacity,
    maxCapacity,
    requireImdsv2: true,
  });
}

function build(props: Partial<FleetAlarmsProps> = {}, stack: Stack = newStack()) {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const alerts = newAlertTopic(stack, { failedDeliveryAlarm: false });
  const fleet = new FleetAlarms(stack, 'Fleet', { routing: AlarmRouting.toTopic(alerts), fleetName: 'shop', ...props });
  return { stack, vpc, alerts, fleet, template: () => Template.fromStack(stack) };
}

function alarmsOf(template: Template): Array<Record<string, any>> {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(r => r.Properties);
}

describe('FleetAlarms', () => {
  test('the cost report prices each fleet alarm by the metrics its query analyses', () => {
    const { stack, vpc, fleet } = build();
    fleet.addAutoScalingGroup(group(stack, vpc, 'Web', 4, 2));
    fleet.addAutoScalingGroup(group(stack, vpc, 'Api', 6, 3));
    const report = new CostReport(stack, 'Cost', { metricsInsightsSeriesPerAlarm: 1 });
    const table = report.renderTable();
    // 3 alarms (status, CPU, reporting instances), each analysing the partition's 10 instances
    expect(table).toMatch(/Metrics Insights query alarms\s+30\s+metrics analysed\s+\$3\.00/);
    expect(report.totalMonthlyUsd()).toBeGreaterThanOrEqual(30 * 0.1);
  });

  test('one grouped, ordered query alarm per signal watches every instance of the partition; status checks only notify', () => {
    const { stack, vpc, fleet, template } = build();
    const web = group(stack, vpc, 'Web', 4, 2);
    const api = group(stack, vpc, 'Api', 6, 3);
    expect(fleet.addAutoScalingGroup(web)).toBe('shop-p1');
    expect(fleet.addAutoScalingGroup(api)).toBe('shop-p1');
    const t = template();
    t.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-p1-StatusCheckFailed',
      Metrics: [Match.objectLike({
        Expression: 'SELECT MAX(StatusCheckFailed) FROM SCHEMA("AWS/EC2", InstanceId) WHERE tag.WatchkeeperFleet = \'shop-p1\' GROUP BY InstanceId ORDER BY MAX() DESC',
        Period: 60,
      })],
    });
    // The groups replace unhealthy members; EC2 recover would race them (and works only on StatusCheckFailed_System).
    const status = alarmsOf(t).find(a => a.AlarmName === 'shop-p1-StatusCheckFailed')!;
    expect(JSON.stringify(status.AlarmActions)).not.toMatch(/automate|ec2/);
    expect(status.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-p1-CpuUtilization',
      Metrics: [Match.objectLike({ Expression: Match.stringLikeRegexp('^SELECT MAX\\(CPUUtilization\\) .* GROUP BY InstanceId ORDER BY MAX\\(\\) DESC$'), Period: 300 })],
      Threshold: 90,
    });
    // The groups and the instances they launch carry the partition tag the queries filter on.
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      Tags: Match.arrayWith([{ Key: 'WatchkeeperFleet', Value: 'shop-p1', PropagateAtLaunch: true }]),
    });
  });

  test('fails on recoverInstances: true (group members are replaced by their group, never recovered)', () => {
    expect(() => build({ recoverInstances: true }))
      .toThrow(/Fleet: recoverInstances must be false or unset: fleet instances belong to Auto Scaling groups, .*got true/);
  });

  test('an OK from a per-instance alarm says that a vanished instance stopped reporting', () => {
    const agent = new AgentConfig({ namespace: 'Shop/Agent' });
    const { stack, vpc, fleet, template } = build({ agentMetrics: agent });
    fleet.addAutoScalingGroup(group(stack, vpc, 'Web', 4, 2));
    const grouped = alarmsOf(template()).filter(a => /GROUP BY/.test(a.Metrics[0].Expression));
    expect(grouped).toHaveLength(5);
    for (const alarm of grouped) {
      expect(alarm.AlarmDescription).toMatch(/An OK for an? (instance|group) that is gone .* means it stopped reporting, not that it recovered/);
      expect(alarm.OKActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
    }
  });

  test('a vanished instance stays visible: the reporting-instances count breaches below the groups\' minimum, and on no data', () => {
    const { stack, vpc, fleet, template } = build();
    fleet.addAutoScalingGroup(group(stack, vpc, 'Web', 4, 2));
    fleet.addAutoScalingGroup(group(stack, vpc, 'Api', 6, 3));
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-p1-ReportingInstances',
      Metrics: [Match.objectLike({ Expression: 'SELECT COUNT(StatusCheckFailed) FROM SCHEMA("AWS/EC2", InstanceId) WHERE tag.WatchkeeperFleet = \'shop-p1\'' })],
      Threshold: 5,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmDescription: Match.stringLikeRegexp('^Fewer than 5 instances of fleet partition shop-p1 \\(2 groups\\)'),
    });
    expect(fleet.livenessAlarms).toHaveLength(1);
  });

  test('planned downtime stays silent: the liveness alarm notifies through a suppressible composite', () => {
    const stack = newStack();
    const stopped = new cloudwatch.Alarm(stack, 'Stopped', {
      metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Stopped' }), threshold: 1, evaluationPeriods: 1,
    });
    const { vpc, fleet, template } = build({ livenessSuppressor: stopped }, stack);
    fleet.addAutoScalingGroup(group(stack, vpc, 'Web', 4, 2));
    const composite = Object.values(template().findResources('AWS::CloudWatch::CompositeAlarm'));
    expect(composite).toHaveLength(1);
    expect(composite[0].Properties.ActionsSuppressor).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Stopped/), 'Arn'] });
    expect(fleet.livenessAlarms).toHaveLength(2);
  });

  test('partitions leave room for replacements: 250 instances each by default, 10,000 instances in 1,000 groups synthesize', () => {
    const app = new App();
    const stack = new Stack(app, 'Big', { env: { account: '111111111111', region: 'us-east-1' } });
    const { fleet, template } = build({}, stack);
    for (let i = 0; i < 1000; i++) {
      fleet.addAutoScalingGroup(autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, `G${i}`, `group-${i}`), { maxInstances: 10, minInstances: 1 });
    }
    expect(fleet.maxInstancesPerPartition).toBe(250);
    expect(fleet.partitionCount).toBe(40);
    const alarms = alarmsOf(template());
    expect(alarms).toHaveLength(120);
    expect(alarms.filter(a => a.AlarmName === 'shop-p40-ReportingInstances')[0].Threshold).toBe(25);
  });

  test('a partition holds at most maxInstancesPerPartition instances by the groups\' MaxSize', () => {
    const { stack, vpc, fleet } = build();
    expect(fleet.addAutoScalingGroup(group(stack, vpc, 'A', 200))).toBe('shop-p1');
    // 200 + 100 would fill the partition beyond 250: a new one.
    expect(fleet.addAutoScalingGroup(group(stack, vpc, 'B', 100))).toBe('shop-p2');
    expect(fleet.addAutoScalingGroup(group(stack, vpc, 'C', 150))).toBe('shop-p2');
    expect(fleet.addAutoScalingGroup(group(stack, vpc, 'D', 1))).toBe('shop-p3');
    const full = build({ maxInstancesPerPartition: 500 }, newStack('Full'));
    expect(full.fleet.addAutoScalingGroup(group(full.stack, full.vpc, 'A', 300))).toBe('shop-p1');
    expect(full.fleet.addAutoScalingGroup(group(full.stack, full.vpc, 'B', 200))).toBe('shop-p1');
  });

  test('fails on a group that alone could exceed a partition', () => {
    const { stack, vpc, fleet } = build();
    expect(() => fleet.addAutoScalingGroup(group(stack, vpc, 'Huge', 251)))
      .toThrow(/Fleet: addAutoScalingGroup\(TestStack\/Huge\).maxInstances must be a whole number between 1 and 250 \(maxInstancesPerPartition: a query returns at most 500 series, and replacements briefly add series\), got 251/);
    expect(() => build({ maxInstancesPerPartition: 501 }, newStack('Other'))).toThrow(/maxInstancesPerPartition must be a whole number between 1 and 500, got 501/);
  });

  test('fails on an imported group without its maximum size', () => {
    const { stack, fleet } = build();
    expect(() => fleet.addAutoScalingGroup(autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Old', 'old')))
      .toThrow(/maxInstances must be given for a group whose MaxSize is not known at synth/);
  });

  test('agent alarms read the per-group series the telemetry model publishes', () => {
    const agent = new AgentConfig({ namespace: 'Shop/Agent' });
    const { stack, vpc, fleet, template } = build({ agentMetrics: agent });
    fleet.addAutoScalingGroup(group(stack, vpc, 'Web', 4));
    const expressions = alarmsOf(template()).map(a => a.Metrics[0].Expression);
    expect(agent.publishedDimensionSets('mem_used_percent')).toContain('AutoScalingGroupName');
    expect(agent.publishedDimensionSets('disk_used_percent')).toContain('AutoScalingGroupName,path');
    expect(expressions).toEqual(expect.arrayContaining([
      'SELECT MAX(mem_used_percent) FROM SCHEMA("Shop/Agent", AutoScalingGroupName) GROUP BY AutoScalingGroupName ORDER BY MAX() DESC',
      'SELECT MAX(swap_used_percent) FROM SCHEMA("Shop/Agent", AutoScalingGroupName) GROUP BY AutoScalingGroupName ORDER BY MAX() DESC',
      'SELECT MAX(disk_used_percent) FROM SCHEMA("Shop/Agent", AutoScalingGroupName, path) GROUP BY AutoScalingGroupName, path ORDER BY MAX() DESC',
    ]));
  });

  test.each([
    ['a tag key MI would need quoted', { partitionTagKey: 'watchkeeper-fleet' }, /partitionTagKey must be a tag key of 1 to 128 letters, digits and underscores/],
    ['a CPU threshold above 100', { cpuThresholdPercent: 140 }, /cpuThresholdPercent must be between 0 and 100, got 140/],
  ])('fails on %s', (_name, props, message) => {
    expect(() => build(props as Partial<FleetAlarmsProps>)).toThrow(message);
  });

  test('fails on an agent in the shared CWAgent namespace (it would watch every agent of the account)', () => {
    expect(() => build({ agentMetrics: new AgentConfig() })).toThrow(/Fleet: agentMetrics.namespace must be the fleet's own agent namespace .*got 'CWAgent'/);
  });

  test('fails at synth when the agent alarms would return more than 500 series', () => {
    const agent = new AgentConfig({ namespace: 'Shop/Agent' });
    const { stack, fleet } = build({ agentMetrics: agent });
    for (let i = 0; i < 501; i++) {
      fleet.addAutoScalingGroup(autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, `G${i}`, `group-${i}`), { maxInstances: 1 });
    }
    expect(() => Template.fromStack(stack)).toThrow(/agent alarm series \(groups x disk paths\) must be at most 500 .*got '501 x 1 = 501'/);
  });

  test('warns on each tag-filtered alarm until resource tags for telemetry are turned on', () => {
    const { stack, vpc, fleet } = build();
    fleet.addAutoScalingGroup(group(stack, vpc, 'Web', 4, 2));
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('resource tags for telemetry are turned on'));
    expect(warnings.map(w => w.id).sort()).toEqual(['/TestStack/Fleet/Partition1/CpuUtilization', '/TestStack/Fleet/Partition1/ReportingInstances', '/TestStack/Fleet/Partition1/StatusCheckFailed']);
  });

  test('turns on resource tags for telemetry once per account and Region when asked, and stops warning', () => {
    const app = new App();
    const env = { account: '123456789012', region: 'us-east-1' };
    const a = build({ enableResourceTagsForTelemetry: true }, new Stack(app, 'A', { env }));
    const b = build({ enableResourceTagsForTelemetry: true, fleetName: 'other' }, new Stack(app, 'B', { env }));
    a.fleet.addAutoScalingGroup(group(a.stack, a.vpc, 'Web', 4, 2));
    b.fleet.addAutoScalingGroup(group(b.stack, b.vpc, 'Web', 4, 2));
    a.template().resourceCountIs('AWS::ObservabilityAdmin::TelemetryEnrichment', 1);
    b.template().resourceCountIs('AWS::ObservabilityAdmin::TelemetryEnrichment', 0);
    for (const stack of [a.stack, b.stack]) {
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('resource tags for telemetry'))).toEqual([]);
    }
  });

  test('tags the instances the groups already run, at deploy time, after the groups are updated', () => {
    const { stack, vpc, fleet, template } = build();
    const web = group(stack, vpc, 'Web', 4, 2);
    const api = group(stack, vpc, 'Api', 6, 3);
    fleet.addAutoScalingGroup(web);
    fleet.addAutoScalingGroup(api);
    const t = template();
    const [id, tags] = Object.entries(t.findResources('Custom::WatchkeeperPartitionTags'))[0];
    expect(tags.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^WatchkeeperPartitionTaggerFunction/), 'Arn'] },
      TagKey: 'WatchkeeperFleet',
      Groups: [
        { GroupName: { Ref: expect.stringMatching(/^WebASG/) }, TagValue: 'shop-p1' },
        { GroupName: { Ref: expect.stringMatching(/^ApiASG/) }, TagValue: 'shop-p1' },
      ],
    });
    // Naming the groups by Ref is what orders it after their creation or update.
    expect(id).toMatch(/PartitionTags/);
    t.resourceCountIs('AWS::Lambda::Function', 1);
    // Only the partition tag, only a fleet partition's value, only on members of a group.
    const policy = Object.values(t.findResources('AWS::IAM::ManagedPolicy')).map(r => r.Properties.PolicyDocument.Statement).flat();
    expect(policy.find((s: any) => s.Sid === 'TagGroupMembersWithTheirPartition')).toEqual(expect.objectContaining({
      Action: 'ec2:CreateTags',
      Condition: {
        'Null': { 'aws:ResourceTag/aws:autoscaling:groupName': 'false' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['WatchkeeperFleet'] },
        'StringLike': { 'aws:RequestTag/WatchkeeperFleet': ['shop-p*'] },
      },
    }));
  });

  test('a group that moves to another partition is retagged: the resource carries its new partition', () => {
    const before = build();
    before.fleet.addAutoScalingGroup(group(before.stack, before.vpc, 'Big', 200));
    before.fleet.addAutoScalingGroup(group(before.stack, before.vpc, 'Web', 40));
    const after = build({}, newStack('Later'));
    after.fleet.addAutoScalingGroup(group(after.stack, after.vpc, 'Big', 230));
    after.fleet.addAutoScalingGroup(group(after.stack, after.vpc, 'Web', 40));
    const groupsOf = (t: Template) => Object.values(t.findResources('Custom::WatchkeeperPartitionTags'))[0].Properties.Groups.map((g: any) => g.TagValue);
    expect(groupsOf(before.template())).toEqual(['shop-p1', 'shop-p1']);
    expect(groupsOf(after.template())).toEqual(['shop-p1', 'shop-p2']);
  });

  test('with tagRunningInstances off, no function is deployed', () => {
    const { stack, vpc, fleet, template } = build({ tagRunningInstances: false });
    fleet.addAutoScalingGroup(group(stack, vpc, 'Web', 4, 2));
    template().resourceCountIs('Custom::WatchkeeperPartitionTags', 0);
    template().resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('passes the nag packs with groups whose running instances it tags', () => {
    const { stack, vpc, fleet } = build({ enableResourceTagsForTelemetry: true });
    fleet.addAutoScalingGroup(group(stack, vpc, 'Web', 4, 2));
    // The test's own VPC and group are the user's (plain L2 defaults); every other resource is the library's.
    const all = nagFindings(stack);
    expect(all.length).toBeGreaterThan(0); // the gate ran: the plain VPC and group have findings
    expect(all.filter(f => !/ at TestStack\/(Web|Vpc)\//.test(f))).toEqual([]);
  });

  test('passes the nag packs', () => {
    const stack = newStack();
    const alerts = newAlertTopic(stack, { failedDeliveryAlarm: false });
    const fleet = new FleetAlarms(stack, 'Fleet', { routing: AlarmRouting.toTopic(alerts), agentMetrics: new AgentConfig({ namespace: 'Shop/Agent' }) });
    fleet.addAutoScalingGroup(autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Web', 'web'), { maxInstances: 4, minInstances: 1 });
    expectNagClean(stack);
  });
});
