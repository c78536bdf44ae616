import { AutoScalingGroupAlarmPresets, ComputeAlarmPresets } from '../alarms/preset-options';
import { AlarmSetProps } from '../core/alarm-options';

/**
 * The alarm presets of a {@link MonitoredService}: the same presets, overrides and set
 * options as `InstanceAlarms` and `AutoScalingGroupAlarms` take. Every preset is on by default
 * with the thresholds of the README's presets table; a service on an Auto Scaling group is
 * alarmed per group, not per instance, and the group-only presets (in-service capacity) are
 * ignored for instances. Alarms notify the service's alert topic unless `routing` or
 * `alertTopic` says otherwise.
 */
export interface ServiceAlarmOptions extends AlarmSetProps, ComputeAlarmPresets, AutoScalingGroupAlarmPresets {
  /**
   * Create the presets at all.
   * @default true
   */
  readonly enabled?: boolean;
}
