import { aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { daylightSavingShiftMinutes, startWindows, stopWindows, weeklyTimes } from './stop-windows.pure';
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
 * each from the stop to the next start, and one per start time from the time zone's
 * daylight-saving shift before the start (the night that gains an hour outlasts a fixed
 * duration by that much) until `afterStartMinutes` after it. CloudWatch keeps evaluating
 * muted alarms; when a window ends it runs the muted actions of the state an alarm is still
 * in, so an instance that did not start pages `afterStartMinutes` after its start.
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
  const starts = times('start');
  const around = startWindows(starts, daylightSavingShiftMinutes(props.timeZone), props.afterStartMinutes);
  // A short stop (a lunch break) can lie wholly inside the window around the next start.
  const covered = (w: { expression: string; durationMinutes: number }) =>
    around.some(a => a.expression === w.expression && a.durationMinutes >= w.durationMinutes);
  const windows = [...stopWindows(times('stop'), starts, 0).filter(w => !covered(w)), ...around];
  return windows.flatMap((window, i) => {
    const set = new MuteRuleSet(scope, i === 0 ? 'StopWindowMute' : `StopWindowMute${i + 1}`, {
      expression: window.expression,
      durationMinutes: window.durationMinutes,
      timeZone: props.timeZone,
    }, {
      description: `Mutes the liveness alarms of ${scope.node.path} while its instances are stopped or starting: ${window.description}.`,
    });
    set.add(props.alarms);
    return set.rules;
  });
}
