// The fleet's reporting-instances alarm against what a week of the fleet does: schedules that
// lower the minimum, groups that may be empty, instances being replaced.
import { Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AlarmRouting, AlertTopic, FleetAlarms } from '../../src';
import { newStack } from '../helpers';

function fleetWith(stack: Stack, groups: Array<{ id: string; min: number; max: number; nightMin?: number }>): Record<string, any> {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'], failedDeliveryAlarm: false });
  const fleet = new FleetAlarms(stack, 'Fleet', { routing: AlarmRouting.toTopic(alerts), fleetName: 'shop' });
  for (const g of groups) {
    const asg = new autoscaling.AutoScalingGroup(stack, g.id, {
      vpc,
      instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      minCapacity: g.min,
      maxCapacity: g.max,
      requireImdsv2: true,
    });
    fleet.addAutoScalingGroup(asg);
    // Scheduled after the group joined the fleet: the alarm still sees it.
    if (g.nightMin !== undefined) {
      asg.scaleOnSchedule(`${g.id}Night`, { schedule: autoscaling.Schedule.expression('0 18 * * MON-FRI'), minCapacity: g.nightMin, timeZone: 'Europe/Berlin' });
      asg.scaleOnSchedule(`${g.id}Day`, { schedule: autoscaling.Schedule.expression('0 8 * * MON-FRI'), minCapacity: g.min, timeZone: 'Europe/Berlin' });
    }
  }
  const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
  return Object.values(alarms).map(a => a.Properties).find(p => p.AlarmName === 'shop-p1-ReportingInstances')!;
}

describe('FleetAlarms', () => {
  test('the reporting-instances alarm expects the lowest minimum the groups\' scheduled actions set, not the daytime MinSize', () => {
    const alarm = fleetWith(newStack(), [{ id: 'Web', min: 2, max: 6, nightMin: 1 }, { id: 'Api', min: 3, max: 6 }]);
    expect(alarm.Threshold).toBe(1 + 3);
    expect(alarm.TreatMissingData).toBe('breaching');
  });

  test('a partition whose groups may all be empty (minimum 0) does not page when nothing reports', () => {
    const alarm = fleetWith(newStack(), [{ id: 'Batch', min: 0, max: 4 }, { id: 'Jobs', min: 2, max: 4, nightMin: 0 }]);
    expect(alarm.Threshold).toBe(0);
    expect(alarm.TreatMissingData).toBe('notBreaching');
  });

  test('the reporting-instances alarm waits longer than a group takes to replace an instance (15 one-minute periods)', () => {
    const alarm = fleetWith(newStack(), [{ id: 'Web', min: 1, max: 2 }]);
    expect(alarm.Metrics[0].Period).toBe(60);
    expect(alarm.EvaluationPeriods).toBe(15);
    expect(alarm.DatapointsToAlarm).toBe(15);
  });
});
