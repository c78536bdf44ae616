import { Duration, Tags, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  AlarmDefinitionOptions, AlarmSetProps, AnomalyAlarmOptions, AnomalyDirection, CompositeAlarmOptions, CustomAlarmOptions,
  LogMetricAlarmProps, MetricsInsightsAlarmOptions,
} from './alarm-options';
import { AlarmRouting, AlarmSeverity } from './alarm-routing';
import { LogAlarmSpec } from './log-alarm-spec';
import { AlarmDelivery, CreatedAlarm, createAnomalyAlarm, createCompositeAlarm, createLogAlarm, createMetricAlarm } from './private/alarm-factory';
import { checkWindow } from './private/alarm-validation';
import { usesResourceTags } from '../private/metrics-insights';
import { countMetricsInsightsAlarm } from '../private/metrics-insights-quota';
import { warnUnlessResourceTagsForTelemetry } from '../private/resource-tags-for-telemetry';
import { checkInteger, checkPattern, invalid, isUnresolved } from '../private/validation';

/**
 * What an OK of a member that no longer reports means. CloudWatch ends a contributor the
 * query stops returning with OK and runs the OK actions (a contributor is never
 * INSUFFICIENT_DATA): https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Acting_Alarm_Changes.html
 */
const GONE_MEMBER_OK = 'An OK for a member that is gone (terminated, replaced, scaled in) means it stopped reporting, not that it recovered.';

const NAME_PREFIX = /^[^\u0000-\u001f\u007f]{1,200}$/;
const URL = /^https?:\/\/\S+$/;

/**
 * A group of alarms that share routing, a name prefix, tags and a runbook: the base of the
 * instance and Auto Scaling group presets, and usable on its own for alarms on any metric,
 * composite, anomaly-detection and fleet-wide (Metrics Insights) alarms.
 *
 * Every alarm created through a set is checked against CloudWatch's limits at synth.
 *
 * @example
 * const alerts = new AlertTopic(this, 'Alerts', { emails: ['oncall@example.com'] });
 * const fleet = new AlarmSet(this, 'Fleet', { routing: AlarmRouting.toTopic(alerts) });
 * fleet.addMetricsInsightsAlarm('AnyStatusCheckFailed', {
 *   query: MetricsInsightsQuery.aggregate({
 *     aggregation: MetricsInsightsAggregation.MAX,
 *     namespace: 'AWS/EC2',
 *     metricName: 'StatusCheckFailed',
 *     schemaDimensions: ['InstanceId'],
 *   }),
 *   threshold: 1,
 *   severity: AlarmSeverity.CRITICAL,
 * });
 */
export class AlarmSet extends Construct {
  /** Where the set's alarms notify, when it notifies (else alarms run only their own actions). */
  public readonly routing?: AlarmRouting;

  private readonly props: AlarmSetProps;
  private readonly created: cloudwatch.AlarmBase[] = [];
  private readonly liveness: cloudwatch.AlarmBase[] = [];

  public constructor(scope: Construct, id: string, props: AlarmSetProps) {
    super(scope, id);
    checkPattern(this, 'alarmNamePrefix', props.alarmNamePrefix, NAME_PREFIX, 'between 1 and 200 characters without control characters');
    checkPattern(this, 'runbookUrl', props.runbookUrl, URL, 'an http(s):// URL');
    this.props = props;
    this.routing = props.routing ?? (props.alertTopic ? AlarmRouting.toTopic(props.alertTopic) : undefined);
    for (const [key, value] of Object.entries(props.tags ?? {})) {
      Tags.of(this).add(key, value);
    }
  }

  /** Every alarm of the set (metric and composite), in creation order. */
  public get alarms(): cloudwatch.IAlarm[] {
    return [...this.created];
  }

  /**
   * The alarms to silence during planned downtime (a `ScheduledStartStop` mutes them over its
   * stop windows; idle shutdown turns their actions off while it keeps an instance stopped):
   * every liveness alarm, and the composite alarms that notify for them when a suppressor is
   * configured.
   */
  public get livenessAlarms(): cloudwatch.IAlarm[] {
    return [...this.liveness];
  }

  /** Adds an alarm on any metric, routed, validated and named like the presets. */
  public addAlarm(id: string, metric: cloudwatch.IMetric, options: CustomAlarmOptions): cloudwatch.Alarm {
    return this.register(id, options, delivery => createMetricAlarm(this, id, {
      metric,
      threshold: options.threshold,
      comparisonOperator: options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ...this.evaluation(id, options),
      alarmDescription: this.describe(options, () => defaultDescription(metric, options)),
      alarmName: this.alarmName(id, options.alarmName),
    }, delivery));
  }

  /**
   * Adds an anomaly-detection alarm: CloudWatch learns the metric's expected band from its
   * history and alarms when values leave it. Costs three metrics' worth of alarm (the metric
   * and the band's two bounds).
   */
  public addAnomalyAlarm(id: string, metric: cloudwatch.IMetric, options: AnomalyAlarmOptions = {}): cloudwatch.Alarm {
    const bandWidth = options.bandWidth ?? 2;
    if (bandWidth <= 0 || !Number.isFinite(bandWidth)) {
      invalid(this, 'bandWidth', 'a positive number of standard deviations', bandWidth);
    }
    const direction = options.direction ?? AnomalyDirection.OUTSIDE;
    return this.register(id, options, delivery => createAnomalyAlarm(this, id, {
      metric,
      stdDevs: bandWidth,
      comparisonOperator: ANOMALY_OPERATORS[direction],
      ...this.evaluation(id, options),
      alarmDescription: this.describe(options, () =>
        `${label(metric)} is ${DIRECTION_TEXT[direction]} its expected band (${bandWidth} standard deviations). `
        + 'Check what changed: a deployment, traffic, a dependency.'),
      alarmName: this.alarmName(id, options.alarmName),
    }, delivery));
  }

  /**
   * Adds an alarm on a metric derived from logs (a metric filter's count, a log group's
   * incoming events): by default one 5-minute period, missing data not breaching, the
   * metric's own statistic.
   */
  public addLogMetricAlarm(id: string, metric: cloudwatch.Metric, options: LogMetricAlarmProps): cloudwatch.Alarm {
    const evaluationPeriods = options.evaluationPeriods ?? 1;
    const period = options.period ?? Duration.minutes(5);
    const liveness = options.liveness ?? false;
    if (!isUnresolved(options.threshold) && !Number.isFinite(options.threshold)) {
      invalid(this, `${id}.threshold`, 'a finite number', options.threshold);
    }
    checkWindow(this, id, period, evaluationPeriods);
    return this.register(id, { ...options, liveness }, delivery => createMetricAlarm(this, id, {
      metric: metric.with({ period, statistic: options.statistic ?? metric.statistic }),
      threshold: options.threshold,
      comparisonOperator: options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ...this.evaluation(id, { evaluationPeriods, datapointsToAlarm: options.datapointsToAlarm, liveness: false }),
      treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: this.describe({ description: options.alarmDescription, runbookUrl: options.runbookUrl },
        () => defaultDescription(metric, { threshold: options.threshold, comparisonOperator: options.comparisonOperator, evaluationPeriods })),
      alarmName: this.alarmName(id, options.alarmName),
    }, delivery));
  }

  /**
   * A log alarm (a managed Logs Insights scheduled query) with the set's routing, tags and
   * warm-up. Used by JsonLogMetrics, which builds the query and its roles.
   * @internal
   */
  public _addLogQueryAlarm(id: string, spec: LogAlarmSpec, severity: AlarmSeverity): cloudwatch.AlarmBase {
    const alarm = createLogAlarm(this, id, spec, {
      routing: this.requireRouting(id, []),
      severity,
      labels: this.labels(),
      warmUp: this.props.warmUp,
    });
    this.created.push(alarm);
    return alarm;
  }

  /**
   * Adds a fleet-wide alarm on a Metrics Insights query: one alarm over many instances or
   * groups, instead of one per instance. With `GROUP BY` each series is a contributor with
   * its own ALARM/OK state and notifications.
   *
   * Checked at synth: whole-minute periods, a window within the 3 hours the query sees, EC2
   * actions only per instance contributor, and the 200 query alarms an account may have per
   * Region (a warning at 160, counted over the app's stacks in that account and Region).
   * A query on resource tags (`tag.<key>`) warns unless the app turns on resource tags for
   * telemetry there ({@link ResourceTagsForTelemetry}).
   */
  public addMetricsInsightsAlarm(id: string, options: MetricsInsightsAlarmOptions): cloudwatch.Alarm {
    const period = options.period ?? Duration.minutes(5);
    // Metrics Insights does not support high-resolution data: sub-minute requests are
    // aggregated to one minute. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-limits.html
    if (!period.isUnresolved() && (period.toSeconds() < 60 || period.toSeconds() % 60 !== 0)) {
      invalid(this, `${id}.period`, 'a whole number of minutes for a Metrics Insights alarm (Metrics Insights has no high-resolution data)', `${period.toSeconds()} seconds`);
    }
    const metric = new cloudwatch.MathExpression({
      expression: options.query.sql,
      period,
      usingMetrics: {},
      label: id,
    });
    const window = period.toSeconds() * (options.evaluationPeriods ?? 3);
    if (window > 3 * 3600) {
      invalid(this, `${id}: evaluation window (period x evaluationPeriods)`, 'at most 3 hours for a Metrics Insights alarm (the query sees the last 3 hours)', `${window} seconds`);
    }
    const operator = OPERATOR_TEXT[options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD];
    const grouped = options.query.groupBy;
    const alarm = this.register(id, options, delivery => createMetricAlarm(this, id, {
      metric,
      threshold: options.threshold,
      comparisonOperator: options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ...this.evaluation(id, options),
      alarmDescription: this.describe(options, () => grouped.length > 0
        ? `A member (${grouped.join(', ')}) of the fleet query ${options.query.sql} is ${operator} ${options.threshold}. `
          + `Each member is evaluated on its own; the notification names it in its attributes. ${GONE_MEMBER_OK}`
        : `The fleet query ${options.query.sql} is ${operator} ${options.threshold}. `
          + 'Run the query in CloudWatch Metrics Insights, grouped by instance, to see which members breach.'),
      alarmName: this.alarmName(id, options.alarmName),
    }, delivery));
    countMetricsInsightsAlarm(alarm);
    if (usesResourceTags(options.query.sql)) warnUnlessResourceTagsForTelemetry(alarm, options.query.sql);
    return alarm;
  }

  /**
   * Adds a composite alarm over other alarms (AND/OR/NOT, nested freely), optionally
   * silenced while an actions suppressor is in ALARM. $0.50 a month each.
   */
  public addCompositeAlarm(id: string, options: CompositeAlarmOptions): cloudwatch.CompositeAlarm {
    const composite = createCompositeAlarm(this, id, {
      alarmRule: options.rule,
      alarmDescription: this.describe(options, () =>
        'A combination of alarms is in ALARM. Open the alarm in the CloudWatch console to see which members breach.'),
      compositeAlarmName: this.alarmName(id, options.alarmName),
      actionsSuppressor: options.actionsSuppressor,
      actionsSuppressorWaitPeriod: options.actionsSuppressor ? options.actionsSuppressorWaitPeriod ?? Duration.minutes(1) : undefined,
      actionsSuppressorExtensionPeriod: options.actionsSuppressor ? options.actionsSuppressorExtensionPeriod ?? Duration.minutes(1) : undefined,
    }, {
      routing: this.requireRouting(id, []),
      severity: options.severity ?? AlarmSeverity.CRITICAL,
      labels: this.labels(options.runbookUrl),
    });
    this.created.push(composite);
    return composite;
  }

  private evaluation(id: string, options: AlarmDefinitionOptions) {
    const evaluationPeriods = options.evaluationPeriods ?? 3;
    checkInteger(this, `${id}.evaluationPeriods`, evaluationPeriods, 1, 100_000);
    return {
      evaluationPeriods,
      datapointsToAlarm: options.datapointsToAlarm ?? evaluationPeriods,
      treatMissingData: options.treatMissingData
        ?? (options.liveness ? cloudwatch.TreatMissingData.BREACHING : cloudwatch.TreatMissingData.NOT_BREACHING),
    };
  }

  private describe(options: { description?: string; runbookUrl?: string }, fallback: () => string): string {
    const runbook = options.runbookUrl ?? this.props.runbookUrl;
    checkPattern(this, 'runbookUrl', runbook, URL, 'an http(s):// URL');
    const text = options.description ?? fallback();
    return runbook ? `${text} Runbook: ${runbook}` : text;
  }

  private labels(runbookUrl?: string) {
    return { service: this.props.serviceName, owner: this.props.owner, runbookUrl: runbookUrl ?? this.props.runbookUrl };
  }

  private alarmName(id: string, explicit?: string): string | undefined {
    if (explicit !== undefined) return explicit;
    return this.props.alarmNamePrefix !== undefined ? `${this.props.alarmNamePrefix}-${id}` : undefined;
  }

  /** The set's routing; an alarm with neither routing nor actions would tell nobody. */
  private requireRouting(id: string, actions: cloudwatch.IAlarmAction[]): AlarmRouting | undefined {
    if (!this.routing && actions.length === 0) {
      invalid(this, `${id}: routing`, 'set on the alarm set (routing or alertTopic) when an alarm has no actions of its own (every alarm needs someone to tell)', undefined);
    }
    return this.routing;
  }

  private register(id: string, options: AlarmDefinitionOptions,
    create: (delivery: AlarmDelivery) => CreatedAlarm<cloudwatch.Alarm>): cloudwatch.Alarm {
    const { alarm, notifier } = create({
      routing: this.requireRouting(id, options.actions ?? []),
      severity: options.severity ?? AlarmSeverity.WARNING,
      liveness: options.liveness,
      actions: options.actions,
      suppressor: this.props.livenessSuppressor,
      suppressorWaitPeriod: this.props.livenessSuppressorWaitPeriod,
      suppressorExtensionPeriod: this.props.livenessSuppressorExtensionPeriod,
      notifierName: this.alarmName(`${id}Notifier`, options.alarmName !== undefined ? `${options.alarmName}-notify` : undefined),
      labels: this.labels(options.runbookUrl),
      warmUp: this.props.warmUp,
    });
    this.created.push(alarm);
    if (options.liveness) this.liveness.push(alarm);
    if (notifier) {
      this.created.push(notifier);
      this.liveness.push(notifier);
    }
    return alarm;
  }
}

const ANOMALY_OPERATORS: Record<AnomalyDirection, cloudwatch.ComparisonOperator> = {
  [AnomalyDirection.ABOVE]: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
  [AnomalyDirection.BELOW]: cloudwatch.ComparisonOperator.LESS_THAN_LOWER_THRESHOLD,
  [AnomalyDirection.OUTSIDE]: cloudwatch.ComparisonOperator.LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,
};

const DIRECTION_TEXT: Record<AnomalyDirection, string> = {
  [AnomalyDirection.ABOVE]: 'above',
  [AnomalyDirection.BELOW]: 'below',
  [AnomalyDirection.OUTSIDE]: 'outside',
};

const OPERATOR_TEXT: Record<string, string> = {
  [cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD]: 'at or above',
  [cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD]: 'above',
  [cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD]: 'below',
  [cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD]: 'at or below',
};

function label(metric: cloudwatch.IMetric): string {
  const config = metric.toMetricConfig();
  if (config.metricStat) return `${config.metricStat.namespace}/${config.metricStat.metricName}`;
  return config.mathExpression?.expression ?? 'The metric';
}

function defaultDescription(metric: cloudwatch.IMetric, options: CustomAlarmOptions): string {
  const op = OPERATOR_TEXT[options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD] ?? 'past';
  const n = options.evaluationPeriods ?? 3;
  const m = options.datapointsToAlarm ?? n;
  return `${label(metric)} is ${op} ${options.threshold} in ${m} of ${n} periods. Find out why, and fix or raise the threshold.`;
}
