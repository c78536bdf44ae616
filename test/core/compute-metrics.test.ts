import { Duration, aws_autoscaling as autoscaling } from 'aws-cdk-lib';
import {
  AutoScalingGroupMetric, ComputeMetrics, ComputeTarget, InstanceMetric, MetricsInsightsAggregation, StatusCheck,
} from '../../src';
import { newStack } from '../helpers';

const INSTANCE = 'i-0123456789abcdef0';

function groupTarget(name = 'web'): ComputeTarget {
  const stack = newStack();
  return ComputeTarget.fromAutoScalingGroup(autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Group', name));
}

describe('ComputeTarget', () => {
  test('names the agent series of an instance, a group member and a group', () => {
    const alone = ComputeTarget.fromInstanceId(INSTANCE).agentTarget;
    const member = ComputeTarget.fromInstanceId(INSTANCE, 'web').agentTarget;
    const group = groupTarget().agentTarget;
    expect([alone.dimensionName, alone.dimensionValue, alone.autoScalingGroupName]).toEqual(['InstanceId', INSTANCE, undefined]);
    expect([member.dimensionName, member.dimensionValue, member.autoScalingGroupName]).toEqual(['InstanceId', INSTANCE, 'web']);
    expect([group.dimensionName, group.dimensionValue]).toEqual(['AutoScalingGroupName', 'web']);
  });

  test('tells a group from an instance and a group member', () => {
    expect([groupTarget().isAutoScalingGroup, groupTarget().isGroupMember]).toEqual([true, false]);
    expect([ComputeTarget.fromInstanceId(INSTANCE).isAutoScalingGroup, ComputeTarget.fromInstanceId(INSTANCE).isGroupMember]).toEqual([false, false]);
    expect(ComputeTarget.fromInstanceId(INSTANCE, 'web').isGroupMember).toBe(true);
    expect(groupTarget().displayName).toBe('Auto Scaling group TestStack/Group');
  });
});

describe('ComputeMetrics', () => {
  test('reads an instance by its id, a group member by its id too, and a group through its aggregate', () => {
    const dims = (t: ComputeTarget) => ComputeMetrics.cpuUtilization(t).dimensions;
    expect(dims(ComputeTarget.fromInstanceId(INSTANCE))).toEqual({ InstanceId: INSTANCE });
    expect(dims(ComputeTarget.fromInstanceId(INSTANCE, 'web'))).toEqual({ InstanceId: INSTANCE });
    expect(dims(groupTarget())).toEqual({ AutoScalingGroupName: 'web' });
  });

  test.each([
    [StatusCheck.ANY, 'StatusCheckFailed'],
    [StatusCheck.SYSTEM, 'StatusCheckFailed_System'],
    [StatusCheck.INSTANCE, 'StatusCheckFailed_Instance'],
    [StatusCheck.ATTACHED_EBS, 'StatusCheckFailed_AttachedEBS'],
  ])('reads status check %s as %s', (check, metricName) => {
    const metric = ComputeMetrics.statusCheckFailed(ComputeTarget.fromInstanceId(INSTANCE), check, { statistic: 'Maximum', period: Duration.minutes(1) });
    expect([metric.namespace, metric.metricName, metric.statistic, metric.period.toMinutes()]).toEqual(['AWS/EC2', metricName, 'Maximum', 1]);
  });

  test('reads group metrics from AWS/AutoScaling, and the escape hatch by name', () => {
    const inService = ComputeMetrics.autoScalingGroupMetric(groupTarget(), AutoScalingGroupMetric.IN_SERVICE_INSTANCES);
    expect([inService.namespace, inService.metricName, inService.dimensions]).toEqual(['AWS/AutoScaling', 'GroupInServiceInstances', { AutoScalingGroupName: 'web' }]);
    const custom = ComputeMetrics.ec2Metric(ComputeTarget.fromInstanceId(INSTANCE), 'EBSIOBalance%');
    expect([custom.namespace, custom.metricName]).toEqual(['AWS/EC2', 'EBSIOBalance%']);
  });

  test('fails on a group metric of an instance', () => {
    expect(() => ComputeMetrics.autoScalingGroupMetric(ComputeTarget.fromInstanceId(INSTANCE), AutoScalingGroupMetric.MIN_SIZE))
      .toThrow(/target must be an Auto Scaling group \(group metrics describe a group\), got instance i-0123456789abcdef0/);
  });

  test('queries every instance of a fleet per instance, and per account in a monitoring account', () => {
    expect(ComputeMetrics.instancesQuery(InstanceMetric.CPU_UTILIZATION, {
      aggregation: MetricsInsightsAggregation.MAX, where: { 'tag.fleet': 'web' }, perInstance: true,
    }).sql).toBe('SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) WHERE tag.fleet = \'web\' GROUP BY InstanceId ORDER BY MAX() DESC');
    const perAccount = ComputeMetrics.instancesQuery(InstanceMetric.STATUS_CHECK_FAILED, {
      aggregation: MetricsInsightsAggregation.SUM, perAccount: true, limit: 50, accountWide: true,
    });
    expect([perAccount.sql, perAccount.groupBy]).toEqual([
      'SELECT SUM(StatusCheckFailed) FROM SCHEMA("AWS/EC2", InstanceId) GROUP BY AWS.AccountId ORDER BY SUM() DESC LIMIT 50', ['AWS.AccountId'],
    ]);
  });

  test('fails on a query over every instance of the account that does not say so', () => {
    expect(() => ComputeMetrics.instancesQuery(InstanceMetric.CPU_UTILIZATION, { aggregation: MetricsInsightsAggregation.MAX }))
      .toThrow(/where must filter the query to one fleet/);
  });

  test('searches every group of the account for graphs', () => {
    const search = ComputeMetrics.searchAutoScalingGroupMetric(AutoScalingGroupMetric.IN_SERVICE_INSTANCES, { period: Duration.minutes(1), label: 'In service' });
    expect(search.expression).toBe('SEARCH(\'{AWS/AutoScaling,AutoScalingGroupName} MetricName="GroupInServiceInstances"\', \'Average\', 60)');
    expect(search.label).toBe('In service');
  });
});
