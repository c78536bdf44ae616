import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AlarmDelivery, createMetricAlarm } from './alarm-factory';
import { checkInteger, invalid, isUnresolved } from '../../private/validation';
import { AlarmRouting, AlarmSeverity } from '../alarm-routing';
import { IAlertTopic } from '../alert-topic-base';
import { LogMetricAlarmOptions } from '../log-metric-alarm';

/** Where a log-derived alarm notifies: a routing, or a topic as a shortcut for `AlarmRouting.toTopic`. */
export interface LogAlarmTarget {
  readonly routing?: AlarmRouting;
  readonly alertTopic?: IAlertTopic;
  readonly severity?: AlarmSeverity;
  readonly liveness?: boolean;
}

/** The routing of a target, or undefined when it names none. */
export function routingOf(target: LogAlarmTarget): AlarmRouting | undefined {
  return target.routing ?? (target.alertTopic ? AlarmRouting.toTopic(target.alertTopic) : undefined);
}

/**
 * Alarms on log-derived metrics: validates the window against CloudWatch's limits and
 * creates the alarm through the library's one alarm factory (routing, OK notifications,
 * validation).
 */
export function createLogMetricAlarm(scope: Construct, id: string, metric: cloudwatch.Metric, options: LogMetricAlarmOptions,
  target: LogAlarmTarget, defaults: { statistic: string; description: string }): cloudwatch.Alarm {
  const period = options.period ?? Duration.minutes(5);
  checkPeriod(scope, period);
  const evaluationPeriods = options.evaluationPeriods ?? 1;
  checkInteger(scope, 'alarm.evaluationPeriods', evaluationPeriods, 1, 10_080);
  checkInteger(scope, 'alarm.datapointsToAlarm', options.datapointsToAlarm, 1, evaluationPeriods);
  if (!isUnresolved(options.threshold) && !Number.isFinite(options.threshold)) {
    invalid(scope, 'alarm.threshold', 'a finite number', options.threshold);
  }
  const seconds = period.toSeconds();
  const maxWindow = seconds < 3600 ? 86_400 : 7 * 86_400;
  if (!isUnresolved(seconds) && seconds * evaluationPeriods > maxWindow) {
    invalid(scope, 'alarm.evaluationPeriods',
      `at most ${Math.floor(maxWindow / seconds)} for a ${seconds} s period (period x evaluationPeriods may not exceed ${maxWindow / 86_400} day(s))`,
      evaluationPeriods);
  }
  const routing = routingOf(target);
  if (!routing) {
    invalid(scope, 'alertTopic', 'set (or routing) when an alarm is requested (every alarm needs someone to tell)', undefined);
  }
  const delivery: AlarmDelivery = { routing, severity: target.severity ?? AlarmSeverity.WARNING, liveness: target.liveness };
  return createMetricAlarm(scope, id, {
    metric: metric.with({ period, statistic: options.statistic ?? defaults.statistic }),
    threshold: options.threshold,
    comparisonOperator: options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods,
    datapointsToAlarm: options.datapointsToAlarm ?? evaluationPeriods,
    treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: options.alarmDescription ?? defaults.description,
    alarmName: options.alarmName,
  }, delivery).alarm;
}

/** Fails unless the period is 10, 20, 30 seconds or a multiple of 60 seconds. */
export function checkPeriod(scope: Construct, period: Duration, prop = 'alarm.period'): void {
  const s = period.toSeconds();
  if (isUnresolved(s)) return;
  if (!([10, 20, 30].includes(s) || (s >= 60 && s % 60 === 0 && s <= 86_400))) {
    invalid(scope, prop, '10, 20 or 30 seconds or a multiple of 60 seconds up to 1 day', `${s} seconds`);
  }
}
