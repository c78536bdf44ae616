import { Duration, Validations, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AlarmLabels, applyAlarmTags, applyWarmUp, warmUpConfiguration } from './alarm-features';
import { LogQueryAlarm } from './log-query-alarm';
import { AlarmRouting, AlarmSeverity } from '../alarm-routing';
import { AlarmWarmUp } from '../alarm-warm-up';
import { LogAlarmSpec } from '../log-alarm-spec';
import { validateAlarm } from './alarm-validation';
import { MAX_WARM_UP_MINUTES } from './warm-up-limits';

/**
 * The one module that creates CloudWatch alarms. Every alarm of the library (presets, custom,
 * anomaly, Metrics Insights, composite, log metric, CIS, no-logs, failed-delivery,
 * dead-letter, log) is made here, so each is routed by severity (ALARM, OK and
 * INSUFFICIENT_DATA as the routing says), checked against CloudWatch's limits, tagged with its
 * service, severity, runbook and owner (propagated into notifications), given a warm-up, and,
 * for liveness alarms, silenced during planned downtime the same way.
 */

/** How a created alarm notifies. */
export interface AlarmDelivery {
  /** Notifications by severity; without it only `actions` run. */
  readonly routing?: AlarmRouting;
  readonly severity: AlarmSeverity;
  /** A liveness alarm: listed for planned-downtime silencing, notified through a suppressible composite when a suppressor is given. */
  readonly liveness?: boolean;
  /** More ALARM actions (EC2 recover or reboot). */
  readonly actions?: cloudwatch.IAlarmAction[];
  /** Planned downtime: while this alarm is in ALARM, liveness notifications are suppressed. */
  readonly suppressor?: cloudwatch.IAlarm;
  readonly suppressorWaitPeriod?: Duration;
  readonly suppressorExtensionPeriod?: Duration;
  /** The name of the notifier composite, when one is made. */
  readonly notifierName?: string;
  /** Service, owner and runbook for the alarm's tags (owner defaults to the routing's). */
  readonly labels?: AlarmLabels;
  /** The warm-up (metric alarms); defaults to the routing's, else derived from the window. */
  readonly warmUp?: AlarmWarmUp;
}

/** Tags and propagation for an alarm of any kind, as the delivery and its routing say. */
export function labelAlarm(alarm: cloudwatch.AlarmBase | Construct, delivery: AlarmDelivery): void {
  const labels = delivery.labels ?? {};
  applyAlarmTags(alarm, delivery.severity, { ...labels, owner: labels.owner ?? delivery.routing?.owner }, delivery.routing?.propagatedTagKeys);
}

/** The warm-up a delivery asks for. */
export function warmUpOf(delivery: AlarmDelivery): AlarmWarmUp | undefined {
  return delivery.warmUp ?? delivery.routing?.warmUp;
}

/** What was created: the alarm, and the composite that notifies for it during planned downtime. */
export interface CreatedAlarm<T extends cloudwatch.AlarmBase> {
  readonly alarm: T;
  readonly notifier?: cloudwatch.CompositeAlarm;
}

/** A metric (or math, or Metrics Insights) alarm. */
export function createMetricAlarm(scope: Construct, id: string, props: cloudwatch.AlarmProps,
  delivery: AlarmDelivery): CreatedAlarm<cloudwatch.Alarm> {
  return deliver(scope, id, new cloudwatch.Alarm(scope, id, props), delivery);
}

/** An anomaly-detection alarm. */
export function createAnomalyAlarm(scope: Construct, id: string, props: cloudwatch.AnomalyDetectionAlarmProps,
  delivery: AlarmDelivery): CreatedAlarm<cloudwatch.Alarm> {
  return deliver(scope, id, new cloudwatch.AnomalyDetectionAlarm(scope, id, props), delivery);
}

/** A composite alarm. */
export function createCompositeAlarm(scope: Construct, id: string, props: cloudwatch.CompositeAlarmProps,
  delivery: AlarmDelivery): cloudwatch.CompositeAlarm {
  const composite = new cloudwatch.CompositeAlarm(scope, id, props);
  delivery.routing?.applyTo(composite, delivery.severity);
  // Composite alarms have no warm-up (AWS::CloudWatch::CompositeAlarm has no WarmUpConfiguration):
  // they follow their members, which warm up themselves.
  labelAlarm(composite, delivery);
  validateAlarm(composite);
  return composite;
}

function deliver<T extends cloudwatch.Alarm>(scope: Construct, id: string, alarm: T, delivery: AlarmDelivery): CreatedAlarm<T> {
  for (const action of delivery.actions ?? []) alarm.addAlarmAction(action);
  labelAlarm(alarm, delivery);
  applyWarmUp(alarm, warmUpOf(delivery));
  let notifier: cloudwatch.CompositeAlarm | undefined;
  if (delivery.liveness && delivery.suppressor) {
    notifier = new cloudwatch.CompositeAlarm(scope, `${id}Notifier`, {
      alarmRule: cloudwatch.AlarmRule.fromAlarm(alarm, cloudwatch.AlarmState.ALARM),
      alarmDescription: `${alarm.node.path} is in ALARM (notifications are suppressed during planned downtime). `
        + 'See that alarm for what happened and what to do.',
      compositeAlarmName: delivery.notifierName,
      actionsSuppressor: delivery.suppressor,
      actionsSuppressorWaitPeriod: delivery.suppressorWaitPeriod ?? Duration.minutes(5),
      actionsSuppressorExtensionPeriod: delivery.suppressorExtensionPeriod ?? Duration.minutes(10),
    });
    delivery.routing?.applyTo(notifier, delivery.severity);
    labelAlarm(notifier, delivery);
    validateAlarm(notifier);
    if ((delivery.actions ?? []).length === 0) {
      // CloudWatch cannot suppress a metric alarm's own actions, only a composite's: the
      // notifications must live on the composite for planned downtime to stay silent.
      for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
        Validations.of(alarm.node.defaultChild!).acknowledge({
          id: `${pack}-CloudWatchAlarmAction`,
          reason: `Notifies through the composite alarm ${notifier.node.path}, whose actions the planned-downtime suppressor can silence; `
            + 'CloudWatch cannot suppress a metric alarm\'s own actions.',
        });
      }
    }
  } else {
    delivery.routing?.applyTo(alarm, delivery.severity);
  }
  validateAlarm(alarm);
  return { alarm, notifier };
}

/**
 * A log alarm (AWS::CloudWatch::LogAlarm): routed, tagged and warmed up like every other
 * alarm. Its warm-up, when derived, is the N query results it evaluates times the schedule,
 * plus the ingestion offset and one run.
 */
export function createLogAlarm(scope: Construct, id: string, spec: LogAlarmSpec, delivery: AlarmDelivery): LogQueryAlarm {
  const alarm = new LogQueryAlarm(scope, id, spec);
  delivery.routing?.applyTo(alarm, delivery.severity);
  labelAlarm(alarm, delivery);
  const warmUp = warmUpOf(delivery) ?? AlarmWarmUp.derived();
  if (warmUp._mode !== 'none') {
    const minutes = warmUp._mode === 'fixed'
      ? warmUp._duration!.toMinutes()
      : Math.min(MAX_WARM_UP_MINUTES, spec.rateMinutes * (spec.queryResultsToEvaluate + 1) + spec.endOffsetMinutes);
    alarm.resource.addPropertyOverride('WarmUpConfiguration', warmUpConfiguration(minutes, warmUp._waitFullPeriod));
  }
  return alarm;
}
