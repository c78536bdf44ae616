import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LogMetricAlarmOptions } from './log-metric-alarm';
import { IAlertTopic } from '../alarms/alert-topic';
import { checkInteger, invalid, isUnresolved } from '../private/validation';

/**
 * The one place alarms on log-derived metrics are created (so they can move to the alarm
 * presets API without touching the constructs that ask for them). Validates the window
 * against CloudWatch's limits and routes ALARM to the topic.
 */
export function createLogMetricAlarm(scope: Construct, id: string, metric: cloudwatch.Metric, options: LogMetricAlarmOptions,
  topic: IAlertTopic | undefined, defaults: { statistic: string; description: string }): cloudwatch.Alarm {
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
  if (!topic) {
    invalid(scope, 'alertTopic', 'set when an alarm is requested (every alarm needs someone to tell)', undefined);
  }
  const alarm = metric.with({ period, statistic: options.statistic ?? defaults.statistic }).createAlarm(scope, id, {
    threshold: options.threshold,
    comparisonOperator: options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods,
    datapointsToAlarm: options.datapointsToAlarm ?? evaluationPeriods,
    treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: options.alarmDescription ?? defaults.description,
    alarmName: options.alarmName,
  });
  alarm.addAlarmAction(topic.alarmAction);
  return alarm;
}

/** Fails unless the period is 10, 20, 30 seconds or a multiple of 60 seconds. */
export function checkPeriod(scope: Construct, period: Duration, prop = 'alarm.period'): void {
  const s = period.toSeconds();
  if (isUnresolved(s)) return;
  if (!([10, 20, 30].includes(s) || (s >= 60 && s % 60 === 0 && s <= 86_400))) {
    invalid(scope, prop, '10, 20 or 30 seconds or a multiple of 60 seconds up to 1 day', `${s} seconds`);
  }
}
