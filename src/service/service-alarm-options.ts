import { AutoScalingGroupAlarmPresets, ComputeAlarmPresets } from '../alarms/preset-options';
import { AlarmSetProps } from '../core/alarm-options';

/**
 * The alarm presets of a {@link MonitoredService}: the same presets, overrides and set
 * options as `InstanceAlarms` and `AutoScalingGroupAlarms` take. Every preset is on by default
 * with the thresholds of the README's presets table; a service on an Auto Scaling group is
 * alarmed per group, not per instance, and the group-only presets (in-service capacity) are
 * ignored for instances. Alarms notify the service's alert topic unless `routing` or
 * `alertTopic` says otherwise.
 *
 * Alarm names: `<alarmNamePrefix>-<signal>` (`orders-api-Cpu`, `orders-api-SystemStatusCheck`).
 * Without `alarmNamePrefix` a service's prefix is the stack name and the service's construct
 * path within the stack (`Prod-Api-Cpu` for the service `Api` in the stack `Prod`; the
 * instance's construct ID is added for a service on several instances), unique per stack and
 * Region. Alarm names are unique per account and Region, so a prefix you choose must differ
 * between copies of the stack. `generatedAlarmNames` lets CloudFormation name them instead.
 */
export interface ServiceAlarmOptions extends AlarmSetProps, ComputeAlarmPresets, AutoScalingGroupAlarmPresets {
  /**
   * Create the presets at all.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Let CloudFormation name the alarms (`<stack name>-<logical ID>-<random suffix>`) instead
   * of `<alarmNamePrefix>-<signal>`. Renaming an alarm replaces it, so keep this on for
   * alarms deployed with generated names that must not be recreated. Leave `alarmNamePrefix`
   * out when this is true.
   * @default false
   */
  readonly generatedAlarmNames?: boolean;
}
