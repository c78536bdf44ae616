import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
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

/** Overrides of the system status check preset of an instance. */
export interface SystemStatusCheckAlarmOptions extends AlarmPresetOptions {
  /**
   * Recover the instance (EC2 moves it to healthy hardware, keeping its id, IPs and EBS
   * volumes). Requires a VPC instance with EBS-only storage of a supported type; EC2 tries
   * at most three times a day. Never on a member of an Auto Scaling group, which the group
   * replaces instead.
   * @default - true for an instance, false for a member of an Auto Scaling group
   */
  readonly recover?: boolean;
}

/** Overrides of the instance status check preset of an instance. */
export interface InstanceStatusCheckAlarmOptions extends AlarmPresetOptions {
  /**
   * Reboot the instance when its own status check fails (a hung kernel, exhausted memory).
   * @default false
   */
  readonly reboot?: boolean;
}
