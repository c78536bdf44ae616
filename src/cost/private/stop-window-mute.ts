import { aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { daylightSavingShiftMinutes, stopWindows, weeklyTimes } from './stop-windows.pure';
import { MuteRuleSet } from '../../private/alarm-mute-rules';
import { invalid } from '../../private/validation';

/** What the stop windows of a schedule need. */
export interface StopWindowMuteProps {
  /** The Scheduler expressions that start and stop the instances. */
  readonly start: string;
  readonly stop: string;
  readonly timeZone: string;
  /** The liveness alarms of the instances the schedule stops. */
  readonly alarms: cloudwatch.IAlarm[];
  /** How long after the start the alarms stay muted (until they are OK again). */
  readonly afterStartMinutes: number;
}

/**
 * Alarm mute rules covering every stop window of a weekly start/stop schedule, in its time
 * zone: one rule per time of day and window length (weekday nights and the weekend differ),
 * each from the stop to the next start plus `afterStartMinutes`, plus the time zone's
 * daylight-saving shift so the night that gains an hour is covered too. CloudWatch keeps
 * evaluating muted alarms; when a window ends it re-runs the muted actions of the state each
 * alarm is then in, so an instance that did not start pages at the end of its window.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-mute-rules-behaviour.html
 */
export function muteStopWindows(scope: Construct, props: StopWindowMuteProps): cloudwatch.CfnAlarmMuteRule[] {
  const times = (prop: 'start' | 'stop') => {
    const t = weeklyTimes(props[prop]);
    if ('reason' in t) {
      invalid(scope, prop, `a weekly cron expression when liveness alarms are given, so each stop window can be muted: ${t.reason}`, props[prop]);
    }
    return t.minutes;
  };
  const windows = stopWindows(times('stop'), times('start'), props.afterStartMinutes + daylightSavingShiftMinutes(props.timeZone));
  return windows.flatMap((window, i) => {
    const set = new MuteRuleSet(scope, i === 0 ? 'StopWindowMute' : `StopWindowMute${i + 1}`, {
      expression: window.expression,
      durationMinutes: window.durationMinutes,
      timeZone: props.timeZone,
    }, {
      description: `Mutes the liveness alarms of ${scope.node.path} while its instances are stopped: ${window.description}, `
        + `then ${props.afterStartMinutes} min for the alarms to be OK again.`,
    });
    set.add(props.alarms);
    return set.rules;
  });
}
