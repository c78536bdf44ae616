import { Annotations, Duration, aws_cloudwatch as cloudwatch, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ErrorLogAlarmOptions } from './error-log-alarm-options';
import { JsonLogFields } from './json-log-fields';
import { JsonLogFormat } from './json-log-format';
import { createErrorLogAlarm } from './private/error-log-alarm';
import { ResolvedJsonLogFields, checkJsonField, isUnboundedField, levelSpellings, quote, resolveJsonLogFields } from './private/json-log-helpers';
import { AlarmRouting } from '../core/alarm-routing';
import { AlarmSet } from '../core/alarm-set';
import { IAlertTopic } from '../core/alert-topic-base';
import { LogMetricAlarmOptions } from '../core/log-metric-alarm';
import { checkNamespace, checkPattern, checkUnique, invalid } from '../private/validation';

/** HTTP status classes. */
export enum HttpStatusClass {
  /** 100-199. */
  INFORMATIONAL = '1xx',
  /** 200-299. */
  SUCCESS = '2xx',
  /** 300-399. */
  REDIRECTION = '3xx',
  /** 400-499. */
  CLIENT_ERROR = '4xx',
  /** 500-599. */
  SERVER_ERROR = '5xx',
}

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

/** Options of the metrics whose name has a default. */
export interface JsonLogMetricOptions extends JsonLogMetricBaseOptions {
  /**
   * The metric's name.
   * @default - depends on the metric (`ErrorCount`, `Latency`, `Status5xx` ...)
   */
  readonly metricName?: string;
}

/** Options of {@link JsonLogMetrics.addErrorCount}. */
export interface ErrorCountOptions extends JsonLogMetricOptions {
  /**
   * The level values that count as errors. Each is matched as given, in UPPER, lower and
   * Capitalized case (`ERROR`, `error`, `Error`), since filter patterns are case-sensitive.
   * @default ['ERROR', 'FATAL', 'CRITICAL']
   */
  readonly levels?: string[];
}

/** Options of {@link JsonLogMetrics.addLatency}. */
export interface LatencyOptions extends JsonLogMetricOptions {
  /**
   * The unit of the duration field.
   * @default cloudwatch.Unit.MILLISECONDS
   */
  readonly unit?: cloudwatch.Unit;
}

/** Options of {@link JsonLogMetrics.addStatusClassCount}. */
export interface StatusClassCountOptions extends JsonLogMetricOptions {
  /** The status class to count. */
  readonly statusClass: HttpStatusClass;
}

/** Options of {@link JsonLogMetrics.addPatternCount}. */
export interface PatternCountOptions extends JsonLogMetricBaseOptions {
  /** The metric's name (required: there is no sensible default for a custom pattern). */
  readonly metricName: string;
  /** The JSON filter pattern whose matches are counted. */
  readonly filterPattern: logs.JsonPattern;
}

/** Properties of {@link JsonLogMetrics}. */
export interface JsonLogMetricsProps {
  /** The log group holding the JSON log events. */
  readonly logGroup: logs.ILogGroup;
  /** The CloudWatch namespace the metrics are published in (for example `Orders/Api`). */
  readonly namespace: string;
  /**
   * Where alarms notify, as a shortcut for \`routing: AlarmRouting.toTopic(topic)\`. One of
   * the two is required as soon as one metric asks for an alarm.
   * @default - no alarms can be added
   */
  readonly alertTopic?: IAlertTopic;
  /**
   * Where alarms notify, by severity. Takes precedence over \`alertTopic\`.
   * @default - every severity to \`alertTopic\`, with OK notifications
   */
  readonly routing?: AlarmRouting;
  /**
   * The logger that writes the lines (python-json-logger, structlog ...): where it keeps
   * the level and the message.
   * @default JsonLogFormat.STANDARD
   */
  readonly format?: JsonLogFormat;
  /**
   * Field names that differ from the format's (`{ statusCode: 'http.status' }`).
   * @default - the format's field names
   */
  readonly fields?: JsonLogFields;
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

/**
 * Metrics and alarms from structured (JSON) application logs, through CloudWatch Logs
 * metric filters: errors by level, latency from a numeric field, counts by HTTP status
 * class, and counts of any JSON pattern. Metric filters are free; each metric they
 * publish (per distinct dimension values) is a custom metric.
 *
 * @example
 * declare const appLogs: AppLogGroup;
 * declare const alerts: AlertTopic;
 * const metrics = new JsonLogMetrics(this, 'ApiMetrics', {
 *   logGroup: appLogs.logGroup, namespace: 'Orders/Api', alertTopic: alerts,
 * });
 * metrics.addErrorCount('Errors', { alarm: { threshold: 5 } });
 * metrics.addLatency('Latency', { dimensions: { Route: 'route' }, alarm: { threshold: 1000 } });
 * metrics.addStatusClassCount('ServerErrors', { statusClass: HttpStatusClass.SERVER_ERROR });
 */
export class JsonLogMetrics extends Construct {
  /** The log group the filters read. */
  public readonly logGroup: logs.ILogGroup;
  /** The namespace of the metrics. */
  public readonly namespace: string;
  /** Where alarms notify. */
  public readonly alertTopic?: IAlertTopic;
  private readonly routing?: AlarmRouting;
  /** The field names in use. */
  private readonly fields: ResolvedJsonLogFields;
  private readonly added: JsonLogMetric[] = [];

  public constructor(scope: Construct, id: string, props: JsonLogMetricsProps) {
    super(scope, id);
    checkNamespace(this, props.namespace);
    this.logGroup = props.logGroup;
    this.namespace = props.namespace;
    this.alertTopic = props.alertTopic;
    this.routing = props.routing;
    this.fields = resolveJsonLogFields(this, props.format, props.fields);
    this.node.addValidation({
      validate: () => {
        checkUnique(this, 'metricName (with the same dimensions)', this.added,
          m => `${m.metricName}|${m.dimensionNames.join(',')}`);
        return [];
      },
    });
  }

  /**
   * Counts log events whose level is one of `levels` (default ERROR, FATAL, CRITICAL), in
   * any of the cases loggers write them (`ERROR`, `error`, `Error`).
   */
  public addErrorCount(id: string, options: ErrorCountOptions = {}): JsonLogMetric {
    const levels = options.levels ?? ['ERROR', 'FATAL', 'CRITICAL'];
    if (levels.length === 0) invalid(this, 'levels', 'a non-empty list', levels);
    checkUnique(this, 'levels', levels);
    // Only documented syntax: `=` against quoted strings, joined by `||`.
    const pattern = jsonPattern(levelSpellings(levels).map(l => `$.${this.fields.level} = ${quote(l)}`).join(' || '));
    if (pattern.logPatternString.length > MAX_FILTER_PATTERN_LENGTH) {
      invalid(this, 'levels', `few enough that the filter pattern fits CloudWatch's ${MAX_FILTER_PATTERN_LENGTH} characters (it has ${pattern.logPatternString.length})`, levels);
    }
    return this.add(id, options, {
      defaultName: 'ErrorCount',
      filterPattern: pattern,
      defaultValue: 0,
      unit: cloudwatch.Unit.COUNT,
      statistic: 'Sum',
      description: `Log events at level ${levels.join(', ')}`,
    });
  }

  /**
   * Alarms on error lines with a CloudWatch log alarm: a managed Logs Insights query counts
   * the lines at an error level every few minutes, and the notification email carries the
   * lines themselves (up to 50: the traceback, not "ErrorCount > 0"). Its query is billed per
   * GB it scans (Logs Insights, $0.005 in us-east-1), the log group's whole window each run;
   * `addErrorCount` with an alarm costs a flat $0.40 a month instead (a metric and an alarm).
   */
  public addErrorLogAlarm(id: string, options: ErrorLogAlarmOptions = {}): cloudwatch.IAlarm {
    const routing = this.routing ?? (this.alertTopic ? AlarmRouting.toTopic(this.alertTopic) : undefined);
    return createErrorLogAlarm(this, id, this.logGroup, this.fields.level, routing, options);
  }

  /** Publishes the duration field of every event that has a numeric one (statistic p99 by default). */
  public addLatency(id: string, options: LatencyOptions = {}): JsonLogMetric {
    const field = this.fields.duration;
    return this.add(id, options, {
      defaultName: 'Latency',
      filterPattern: jsonPattern(`$.${field} >= 0`),
      metricValue: `$.${field}`,
      unit: options.unit ?? cloudwatch.Unit.MILLISECONDS,
      statistic: 'p99',
      description: `Request duration (${field})`,
    });
  }

  /** Counts requests whose status code falls in one class (`5xx` = 500 to 599). */
  public addStatusClassCount(id: string, options: StatusClassCountOptions): JsonLogMetric {
    const first = Number(options.statusClass.charAt(0));
    const field = this.fields.statusCode;
    const pattern = jsonPattern(`($.${field} >= ${first}00) && ($.${field} <= ${first}99)`);
    return this.add(id, options, {
      defaultName: `Status${options.statusClass}`,
      filterPattern: pattern,
      defaultValue: 0,
      unit: cloudwatch.Unit.COUNT,
      statistic: 'Sum',
      description: `Requests answered with a ${options.statusClass} status (${field})`,
    });
  }

  /** Counts log events matching any JSON filter pattern. */
  public addPatternCount(id: string, options: PatternCountOptions): JsonLogMetric {
    return this.add(id, options, {
      defaultName: options.metricName,
      filterPattern: options.filterPattern,
      defaultValue: 0,
      unit: cloudwatch.Unit.COUNT,
      statistic: 'Sum',
      description: `Log events matching ${options.filterPattern.logPatternString}`,
    });
  }

  private add(id: string, options: JsonLogMetricOptions, spec: Omit<JsonLogMetricProps, 'logGroup' | 'namespace' | 'alertTopic' | 'routing' | 'metricName'> & { defaultName: string }): JsonLogMetric {
    const { defaultName, ...rest } = spec;
    const metric = new JsonLogMetric(this, id, {
      ...rest,
      ...options,
      metricName: options.metricName ?? defaultName,
      logGroup: this.logGroup,
      namespace: this.namespace,
      alertTopic: this.alertTopic,
      routing: this.routing,
    });
    for (const [name, field] of Object.entries(options.dimensions ?? {})) {
      // The format's own unbounded fields, whatever they are called.
      if (!isUnboundedField(field) && (field === this.fields.path || field === this.fields.requestId)) warnUnbounded(metric, name, field);
    }
    if (metric.dimensionNames.length > 0) {
      Annotations.of(metric).addInfoV2('cdk-watchkeeper:JsonLogMetrics.dimensionCost', `Each distinct value of ${Object.values(options.dimensions ?? {}).join(', ')} is a custom metric billed monthly.`);
    }
    this.added.push(metric);
    return metric;
  }
}

/**
 * Warns that a dimension reads an unbounded field: every value is a billed metric, and
 * "CloudWatch Logs might disable a metric filter if it generates 1,000 different name/value
 * pairs for your specified dimensions within one hour"
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html).
 */
function warnUnbounded(scope: Construct, dimension: string, field: string): void {
  Annotations.of(scope).addWarningV2('cdk-watchkeeper:JsonLogMetrics.unboundedDimension',
    `Dimension ${dimension} reads ${field}, a field with one value per request, user or moment: each value is a custom metric `
    + '($0.30/month each), and CloudWatch Logs may disable the metric filter once it sees 1,000 values within an hour. '
    + 'Use the route template (the route field: request.url_rule.rule in Flask, request.scope["route"].path in FastAPI) instead.');
}

/**
 * The longest filter pattern a metric filter accepts
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html).
 */
const MAX_FILTER_PATTERN_LENGTH = 1024;

/** A JSON filter pattern from its expression (what goes between the braces). */
function jsonPattern(expression: string): logs.IFilterPattern {
  return logs.FilterPattern.literal(`{ ${expression} }`);
}
