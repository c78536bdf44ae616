import { Duration, aws_cloudwatch as cloudwatch, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { IAgentMetricSource } from '../core/agent-metrics';
import { AlarmSeverity } from '../core/alarm-routing';

/**
 * Overrides of one preset alarm. Every field defaults to the preset's documented value
 * (see the README's presets table).
 */
export interface AlarmPresetOptions {
  /**
   * Create this alarm.
   * @default - true for every preset except where documented otherwise
   */
  readonly enabled?: boolean;
  /**
   * The period each datapoint aggregates.
   * @default - the preset's period
   */
  readonly period?: Duration;
  /**
   * Periods evaluated (N of "M out of N").
   * @default - the preset's evaluation periods
   */
  readonly evaluationPeriods?: number;
  /**
   * Breaching periods that trigger the alarm (M of "M out of N").
   * @default - the preset's datapoints to alarm
   */
  readonly datapointsToAlarm?: number;
  /**
   * How missing data is treated.
   * @default - BREACHING for liveness presets (status checks, capacity), NOT_BREACHING for utilisation presets
   */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
  /**
   * How urgent the alarm is.
   * @default - CRITICAL for liveness presets, WARNING for utilisation presets
   */
  readonly severity?: AlarmSeverity;
  /**
   * A runbook linked from the alarm's description.
   * @default - the set's runbookUrl
   */
  readonly runbookUrl?: string;
}

/** Overrides of a utilisation preset measured in percent (CPU, memory, swap). */
export interface PercentAlarmOptions extends AlarmPresetOptions {
  /**
   * The alarm fires above this percentage.
   * @default - the preset's threshold
   */
  readonly thresholdPercent?: number;
}

/** Overrides of the disk-used preset. */
export interface DiskAlarmOptions extends PercentAlarmOptions {
  /**
   * The mount paths (or drive letters) to alarm on, one alarm each. Each must be a path the
   * agent publishes.
   * @default - every path the agent publishes
   */
  readonly paths?: string[];
}

/** Overrides of the CPU credit balance preset (burstable T instances). */
export interface CpuCreditAlarmOptions extends AlarmPresetOptions {
  /**
   * The alarm fires below this many credits.
   * @default 20
   */
  readonly thresholdCredits?: number;
}

/** Overrides of the system status check preset. */
export interface SystemStatusCheckAlarmOptions extends AlarmPresetOptions {
  /**
   * Recover the instance (EC2 moves it to healthy hardware, keeping its id, IPs and EBS
   * volumes). Requires a VPC instance with EBS-only storage of a supported type; EC2 tries
   * at most three times a day. Never on an Auto Scaling group or a member of one: the group
   * replaces an unhealthy instance instead.
   * @default - true for an instance outside any group, false otherwise
   */
  readonly recover?: boolean;
}

/** Overrides of the instance status check preset. */
export interface InstanceStatusCheckAlarmOptions extends AlarmPresetOptions {
  /**
   * Reboot the instance when its own status check fails (a hung kernel, exhausted memory).
   * Not on an Auto Scaling group, which replaces the instance instead.
   * @default false
   */
  readonly reboot?: boolean;
}

/**
 * The preset alarms of an instance or an Auto Scaling group, each on by default with the
 * thresholds of the README's presets table. `InstanceAlarms`, `AutoScalingGroupAlarms` and
 * `MonitoredService` take the same fields.
 */
export interface ComputeAlarmPresets {
  /**
   * `StatusCheckFailed_System` ≥ 1 for 2 of 2 minutes → CRITICAL; missing = breaching (a
   * group: not breaching, as a group replacing its only instance reports nothing for minutes;
   * its capacity alarm watches a group below its minimum). An instance outside any group is
   * recovered (EC2 moves it to healthy hardware); a group, or a member of one, is replaced by
   * the group instead, so `recover` is refused there.
   * @default - enabled, with recover for an instance outside any group
   */
  readonly systemStatusCheck?: SystemStatusCheckAlarmOptions;
  /**
   * `StatusCheckFailed_Instance` ≥ 1 for 3 of 3 minutes → CRITICAL (optional reboot of an
   * instance; a group replaces its instances instead); missing = breaching (a group: not breaching).
   * @default - enabled, no reboot
   */
  readonly instanceStatusCheck?: InstanceStatusCheckAlarmOptions;
  /** `StatusCheckFailed_AttachedEBS` ≥ 1 for 3 of 3 minutes → CRITICAL; missing = not breaching (Nitro only). @default - enabled */
  readonly attachedEbsStatusCheck?: AlarmPresetOptions;
  /** `CPUUtilization` average > 90 % for 3 of 3 five-minute periods → WARNING (a group: its average). @default - enabled */
  readonly cpu?: PercentAlarmOptions;
  /**
   * `CPUCreditBalance` minimum < 20 credits for 3 of 3 five-minute periods → WARNING (a group:
   * its lowest instance).
   * @default - enabled when the instance type is known to be burstable (T family), else not created
   */
  readonly cpuCreditBalance?: CpuCreditAlarmOptions;
  /** Agent memory in use > 90 % for 3 of 3 five-minute periods → WARNING (an instance: average; a group: its fullest instance). @default - enabled when `agent` is given */
  readonly memory?: PercentAlarmOptions;
  /** Agent disk in use maximum > 85 % for 2 of 2 five-minute periods, per path → WARNING. @default - enabled for every published path when `agent` is given */
  readonly disk?: DiskAlarmOptions;
  /** Agent swap in use > 50 % for 3 of 3 five-minute periods → WARNING (an instance: average; a group: its fullest instance). @default - enabled when `agent` is given */
  readonly swap?: PercentAlarmOptions;
}

/** The presets only an Auto Scaling group has. */
export interface AutoScalingGroupAlarmPresets {
  /**
   * In-service instances below the group's minimum size for 5 of 5 minutes → CRITICAL;
   * missing = breaching (group metrics must flow).
   * @default - enabled
   */
  readonly inServiceCapacity?: AlarmPresetOptions;
  /**
   * Turn on the group metrics the capacity alarm needs (`GroupInServiceInstances`,
   * `GroupMinSize`) when the group is an `autoscaling.AutoScalingGroup` of this app. Metrics
   * the group already collects are kept. Group metrics at 1-minute granularity are free.
   * @default true
   */
  readonly enableGroupMetrics?: boolean;
}

/** What the presets of an instance or a group read besides their overrides. */
export interface ComputeAlarmSources {
  /**
   * The telemetry model of the agent on the instances. Memory, disk and swap alarms read
   * their metrics from it, with exactly the dimensions the agent publishes (a group's
   * roll-up, or an instance's own series).
   * @default - no agent alarms (memory, disk, swap)
   */
  readonly agent?: IAgentMetricSource;
  /**
   * The instance type, which decides whether the CPU credit alarm applies (T family only).
   * @default - read from an `ec2.Instance` of this app; unknown otherwise (no credit alarm)
   */
  readonly instanceType?: ec2.InstanceType;
}
