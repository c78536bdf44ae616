import { aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AutoScalingGroupAlarmPresets, ComputeAlarmPresets, ComputeAlarmSources } from './preset-options';
import { planPresets } from './private/preset-builder';
import { AlarmSetProps } from '../core/alarm-options';
import { AlarmSet } from '../core/alarm-set';
import { ComputeTarget } from '../core/compute-target';

/** Properties of {@link AutoScalingGroupAlarms}. */
export interface AutoScalingGroupAlarmsProps extends AlarmSetProps, ComputeAlarmPresets, ComputeAlarmSources, AutoScalingGroupAlarmPresets {
  /** The group to watch. */
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
}

/**
 * The alarms an Auto Scaling group needs, one per signal for the whole group rather than one
 * per instance: any instance failing a status check (the group replaces it; you hear about
 * it), CPU, credits, memory, disk and swap from the agent's group series, and in-service
 * capacity below the minimum.
 *
 * @example
 * const alerts = new AlertTopic(this, 'Alerts', { emails: ['oncall@example.com'] });
 * new AutoScalingGroupAlarms(this, 'WebAlarms', {
 *   autoScalingGroup: group,
 *   routing: AlarmRouting.toTopic(alerts),
 *   cpu: { thresholdPercent: 85 },
 * });
 */
export class AutoScalingGroupAlarms extends AlarmSet {
  /** Any instance's system status check failed. */
  public readonly systemStatusCheckAlarm?: cloudwatch.Alarm;
  /** Any instance's instance status check failed. */
  public readonly instanceStatusCheckAlarm?: cloudwatch.Alarm;
  /** Any instance's attached EBS status check failed. */
  public readonly attachedEbsStatusCheckAlarm?: cloudwatch.Alarm;
  /** Group CPU high. */
  public readonly cpuAlarm?: cloudwatch.Alarm;
  /** Lowest credit balance in the group low. */
  public readonly cpuCreditBalanceAlarm?: cloudwatch.Alarm;
  /** Memory high on an instance (agent). */
  public readonly memoryAlarm?: cloudwatch.Alarm;
  /** Disk used high on an instance, per path (agent). */
  public readonly diskAlarms: cloudwatch.Alarm[];
  /** Swap high on an instance (agent). */
  public readonly swapAlarm?: cloudwatch.Alarm;
  /** In-service instances below the minimum. */
  public readonly inServiceCapacityAlarm?: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: AutoScalingGroupAlarmsProps) {
    super(scope, id, props);
    const alarms = planPresets(this, ComputeTarget.fromAutoScalingGroup(props.autoScalingGroup), props);
    this.systemStatusCheckAlarm = alarms.systemStatusCheckAlarm;
    this.instanceStatusCheckAlarm = alarms.instanceStatusCheckAlarm;
    this.attachedEbsStatusCheckAlarm = alarms.attachedEbsStatusCheckAlarm;
    this.cpuAlarm = alarms.cpuAlarm;
    this.cpuCreditBalanceAlarm = alarms.cpuCreditBalanceAlarm;
    this.memoryAlarm = alarms.memoryAlarm;
    this.diskAlarms = alarms.diskAlarms;
    this.swapAlarm = alarms.swapAlarm;
    this.inServiceCapacityAlarm = alarms.inServiceCapacityAlarm;
  }
}
