import { aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { AlarmPresetOptions, CpuCreditAlarmOptions, DiskAlarmOptions, InstanceStatusCheckAlarmOptions, PercentAlarmOptions, SystemStatusCheckAlarmOptions } from '../alarms/preset-options';
import { AlarmRouting } from '../core/alarm-routing';

/**
 * The alarm presets of a {@link MonitoredService}. Every preset is on by default with the
 * thresholds documented on `InstanceAlarms` and `AutoScalingGroupAlarms`; a service on an
 * Auto Scaling group is alarmed per group, not per instance.
 */
export interface ServiceAlarmOptions {
  /**
   * Create the presets at all.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Where each severity goes.
   * @default - every severity to the service's alert topic
   */
  readonly routing?: AlarmRouting;
  /**
   * Prefix of every alarm name: alarms are named `<alarmNamePrefix>-<signal>`
   * (`orders-api-Cpu`, `orders-api-SystemStatusCheck`). Alarm names are unique per account
   * and Region, so a prefix you choose must differ between copies of the stack.
   * @default - the stack name and the service's construct path within the stack
   * (`Prod-Api-Cpu` for the service `Api` in the stack `Prod`; the instance's construct ID is
   * added for a service on several instances), unique per stack and Region
   */
  readonly alarmNamePrefix?: string;
  /**
   * Let CloudFormation name the alarms (`<stack name>-<logical ID>-<random suffix>`) instead
   * of `<alarmNamePrefix>-<signal>`. Renaming an alarm replaces it, so keep this on for
   * alarms deployed with generated names that must not be recreated.
   * @default false
   */
  readonly generatedAlarmNames?: boolean;
  /**
   * Runbook linked from every alarm description.
   * @default - none
   */
  readonly runbookUrl?: string;
  /**
   * An alarm in ALARM during planned downtime (scheduled stops): liveness alarms then
   * notify through composites it suppresses.
   * @default - liveness alarms notify directly
   */
  readonly livenessSuppressor?: cloudwatch.IAlarm;
  /** System status check (instances: with EC2 recover). @default - enabled */
  readonly systemStatusCheck?: SystemStatusCheckAlarmOptions;
  /** Instance status check. @default - enabled */
  readonly instanceStatusCheck?: InstanceStatusCheckAlarmOptions;
  /** Attached EBS status check. @default - enabled */
  readonly attachedEbsStatusCheck?: AlarmPresetOptions;
  /** CPU utilization high. @default - enabled */
  readonly cpu?: PercentAlarmOptions;
  /** CPU credit balance low (burstable types only). @default - enabled for burstable types */
  readonly cpuCreditBalance?: CpuCreditAlarmOptions;
  /** Memory used high (agent). @default - enabled when the service has agent metrics */
  readonly memory?: PercentAlarmOptions;
  /** Disk used high, per path (agent). @default - enabled when the service has agent metrics */
  readonly disk?: DiskAlarmOptions;
  /** Swap used high (agent). @default - enabled when the service has agent metrics */
  readonly swap?: PercentAlarmOptions;
  /** In-service instances below the group's minimum (groups only). @default - enabled */
  readonly inServiceCapacity?: AlarmPresetOptions;
}
