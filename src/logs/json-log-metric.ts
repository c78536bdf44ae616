import { Duration, aws_cloudwatch as cloudwatch, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkJsonField, isUnboundedField, warnUnbounded } from './private/json-log-helpers';
import { AlarmRouting } from '../core/alarm-routing';
import { AlarmSet } from '../core/alarm-set';
import { IAlertTopic } from '../core/alert-topic-base';
import { LogMetricAlarmOptions } from '../core/log-metric-alarm';
import { checkNamespace, checkPattern, invalid } from '../private/validation';

/** Options shared by every metric derived from JSON logs. */
export interface JsonLogMetricBaseOptions {
  /**
   * Dimensions taken from fields of the log event: dimension name to JSON field name
   * (`{ Route: 'route' }`). At most 3 (a CloudWatch limit). Every distinct value is a
   * separate custom metric billed monthly, and CloudWatch Logs may disable a filter that
   * produces 1,000 distinct values within an hour: use bounded fields such as the route
   * template, never the raw path, ids, IP addresses or timestamps (a warning names them).
   * With dimensions the filter publishes only the dimensioned series, so an alarm is put
   * on a second, undimensioned filter of the same pattern.
   * @default - no dimensions
   */
  readonly dimensions?: { [name: string]: string };
  /**
   * An alarm on the metric, notifying the construct's alert topic.
   * @default - no alarm
   */
  readonly alarm?: LogMetricAlarmOptions;
}

/** Properties of a {@link JsonLogMetric}. */
export interface JsonLogMetricProps extends JsonLogMetricBaseOptions {
  /** The log group holding the JSON log events. */
  readonly logGroup: logs.ILogGroup;
  /** The CloudWatch namespace the metric is published in. */
  readonly namespace: string;
  /** The metric's name. */
  readonly metricName: string;
  /**
   * The filter pattern that selects the events. Dimensions need a JSON (`{ ... }`) or
   * space-delimited (`[ ... ]`) pattern.
   */
  readonly filterPattern: logs.IFilterPattern;
  /**
   * What each matching event contributes: a number, or a numeric field (`$.duration_ms`)
   * that the pattern makes sure exists.
   * @default '1'
   */
  readonly metricValue?: string;
  /**
   * What events that do not match contribute (ignored with dimensions, which CloudWatch
   * does not allow together with a default value).
   * @default - nothing is published for them
   */
  readonly defaultValue?: number;
  /**
   * The unit of the published values.
   * @default - no unit
   */
  readonly unit?: cloudwatch.Unit;
  /**
   * The statistic used by `metric()` and the alarm.
   * @default 'Sum'
   */
  readonly statistic?: string;
  /**
   * What the metric measures, in words (used in the alarm's description).
   * @default - the filter pattern
   */
  readonly description?: string;
  /**
   * Where the alarm notifies, as a shortcut for \`routing: AlarmRouting.toTopic(topic)\`.
   * This or \`routing\` is required with \`alarm\`.
   * @default - no alarm can be created
   */
  readonly alertTopic?: IAlertTopic;
  /**
   * Where alarms notify, by severity. Takes precedence over \`alertTopic\`.
   * @default - every severity to \`alertTopic\`, with OK notifications
   */
  readonly routing?: AlarmRouting;
}

/** A metric published by a metric filter on JSON logs, with its optional alarm. */
export class JsonLogMetric extends Construct {
  /** The metric filter (publishing the dimensioned series when dimensions are set). */
  public readonly metricFilter: logs.MetricFilter;
  /** The filter pattern, as CloudWatch receives it. */
  public readonly filterPattern: string;
  /** The metric's name. */
  public readonly metricName: string;
  /** The metric's namespace. */
  public readonly namespace: string;
  /** The names of the dimensions the filter publishes. */
  public readonly dimensionNames: string[];
  /** The alarm, when requested. */
  public readonly alarm?: cloudwatch.Alarm;
  private readonly statistic: string;
  private readonly unit?: cloudwatch.Unit;

  public constructor(scope: Construct, id: string, props: JsonLogMetricProps) {
    super(scope, id);
    const dims = props.dimensions ?? {};
    const names = Object.keys(dims);
    if (names.length > 3) invalid(this, 'dimensions', 'at most 3 entries (a CloudWatch metric filter limit)', names);
    for (const name of names) {
      checkPattern(this, 'dimensions', name, /^[^:\s][\x20-\x7e]{0,254}$/, 'names of printable ASCII not starting with a colon or space');
      checkJsonField(this, `dimensions.${name}`, dims[name]);
      if (isUnboundedField(dims[name])) warnUnbounded(this, name, dims[name]);
    }
    if (names.length > 0 && !/^\s*[{[]/.test(props.filterPattern.logPatternString)) {
      invalid(this, 'dimensions', 'used only with a JSON or space-delimited filter pattern (a CloudWatch rule)', props.filterPattern.logPatternString);
    }
    this.metricName = props.metricName;
    checkPattern(this, 'metricName', this.metricName, /^[^:*$]{1,255}$/, '1-255 characters without : * or $');
    checkNamespace(this, props.namespace);
    this.namespace = props.namespace;
    this.filterPattern = props.filterPattern.logPatternString;
    this.dimensionNames = names;
    this.statistic = props.statistic ?? 'Sum';
    this.unit = props.unit;

    const filter = (filterId: string, withDimensions: boolean) => new logs.MetricFilter(this, filterId, {
      logGroup: props.logGroup,
      filterPattern: props.filterPattern,
      metricNamespace: this.namespace,
      metricName: this.metricName,
      metricValue: props.metricValue ?? '1',
      unit: props.unit,
      // CloudWatch accepts no default value on a filter with dimensions.
      defaultValue: withDimensions && names.length > 0 ? undefined : props.defaultValue,
      dimensions: withDimensions && names.length > 0
        ? Object.fromEntries(names.map(n => [n, `$.${dims[n]}`]))
        : undefined,
    });
    this.metricFilter = filter('Resource', true);
    if (props.alarm) {
      // A filter with dimensions publishes no undimensioned series: the alarm watches a
      // second filter of the same pattern without them (one more custom metric).
      if (names.length > 0) filter('Total', false);
      const set = new AlarmSet(this, 'Alarms', { routing: props.routing, alertTopic: props.alertTopic });
      this.alarm = set.addLogMetricAlarm('Alarm', this.metric(), {
        ...props.alarm,
        statistic: props.alarm.statistic ?? this.statistic,
        alarmDescription: props.alarm.alarmDescription ?? `${props.description ?? `Log events matching ${this.filterPattern}`} `
          + `(metric filter on ${props.logGroup.logGroupName}, metric ${this.namespace}/${this.metricName}).`,
      });
    }
  }

  /**
   * The metric, without dimensions (the total) or, with `dimensionValues`, one
   * dimensioned series (`{ Endpoint: '/orders' }`).
   */
  public metric(dimensionValues?: { [name: string]: string }, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    for (const name of Object.keys(dimensionValues ?? {})) {
      if (!this.dimensionNames.includes(name)) {
        invalid(this, 'dimensionValues', `keys among the filter's dimensions (${this.dimensionNames.join(', ') || 'none'})`, name);
      }
    }
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: this.metricName,
      dimensionsMap: dimensionValues,
      statistic: this.statistic,
      unit: this.unit,
      period: Duration.minutes(5),
      ...options,
    });
  }
}
