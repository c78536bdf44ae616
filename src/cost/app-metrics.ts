import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { registerUsage } from '../private/usage-registry';
import { checkInteger, checkNamespace, checkRange, checkUnique, invalid } from '../private/validation';

const SECONDS_PER_MONTH = 30 * 24 * 3600;

/**
 * How an application publishes its own metrics: the boto3 `put_metric_data` call (one API
 * request each, billed), or Embedded Metric Format events written through the CloudWatch
 * agent (log ingestion, no API request and no permission).
 */
export class AppMetricsTransport {
  /**
   * `cloudwatch:PutMetricData` calls, counted over every instance together (at 10 requests a
   * second and one call per request: 10).
   */
  public static putMetricData(callsPerSecond: number): AppMetricsTransport {
    return new AppMetricsTransport('PutMetricData', callsPerSecond, 0);
  }

  /**
   * EMF events through the agent's listener (`AgentConfig` `emf`), counted over every
   * instance together, each about `bytesPerEvent` long (a request's `RequestCount` and
   * `ResponseTime` with three dimensions and a few properties: about 400 bytes).
   */
  public static embeddedMetricFormat(eventsPerSecond: number, bytesPerEvent: number = 400): AppMetricsTransport {
    return new AppMetricsTransport('EMF', eventsPerSecond, bytesPerEvent);
  }

  private constructor(
    /** `PutMetricData` or `EMF`. */
    public readonly kind: string,
    /** Calls or events per second, all instances together. */
    public readonly perSecond: number,
    /** Bytes per EMF event (0 for PutMetricData). */
    public readonly bytesPerEvent: number,
  ) {}
}

/** Properties of {@link AppMetrics}. */
export interface AppMetricsProps {
  /** The namespace the application publishes into. */
  readonly namespace: string;
  /** The metric names it publishes (`RequestCount`, `ResponseTime`). */
  readonly metricNames: string[];
  /**
   * The dimension names every metric is published with (boto3 `Dimensions=[...]`, or the
   * EMF dimension set). CloudWatch keeps each combination of dimensions as a metric of its
   * own: an alarm must name every one of them, or it watches a metric nobody publishes.
   * @default - no dimensions
   */
  readonly dimensions?: string[];
  /**
   * Distinct series published in a month: metric names × distinct dimension values
   * (2 metrics × 3 methods × 20 routes × 5 status codes = 600). Each is a custom metric.
   */
  readonly series: number;
  /** How the metrics are published, and how often. */
  readonly transport: AppMetricsTransport;
}

/**
 * The metrics an application publishes itself, declared for the cost report and read
 * through `metric()`, which names every dimension the application publishes.
 *
 * @example
 * const appMetrics = new AppMetrics(this, 'ApiMetrics', {
 *   namespace: 'Orders/Api',
 *   metricNames: ['RequestCount', 'ResponseTime'],
 *   dimensions: ['Method', 'Route', 'StatusCode'],
 *   series: 600,
 *   transport: AppMetricsTransport.embeddedMetricFormat(10),
 * });
 * appMetrics.metric('ResponseTime', { Method: 'GET', Route: '/orders/{id}', StatusCode: '200' }, { statistic: 'p99' });
 */
export class AppMetrics extends Construct {
  /** The namespace. */
  public readonly namespace: string;
  /** The metric names. */
  public readonly metricNames: string[];
  /** The dimension names every metric is published with. */
  public readonly dimensions: string[];

  public constructor(scope: Construct, id: string, props: AppMetricsProps) {
    super(scope, id);
    checkNamespace(this, props.namespace);
    if (props.metricNames.length === 0) invalid(this, 'metricNames', 'a non-empty list', []);
    checkUnique(this, 'metricNames', props.metricNames);
    const dimensions = props.dimensions ?? [];
    // PutMetricData: at most 30 dimensions per metric (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html).
    if (dimensions.length > 30) invalid(this, 'dimensions', 'at most 30 names (a CloudWatch limit)', dimensions.length);
    checkUnique(this, 'dimensions', dimensions);
    checkInteger(this, 'series', props.series, 1, 100_000_000);
    checkRange(this, 'transport rate (per second)', props.transport.perSecond, 0, 1_000_000);
    checkRange(this, 'bytesPerEvent', props.transport.bytesPerEvent, 0, 1_048_576);
    this.namespace = props.namespace;
    this.metricNames = [...props.metricNames];
    this.dimensions = [...dimensions];
    const t = props.transport;
    registerUsage(this, () => {
      const perMonth = t.perSecond * SECONDS_PER_MONTH;
      const asEmfGb = perMonth * (t.bytesPerEvent || 400) / 1e9;
      const emf = t.kind === 'EMF';
      return {
        appMetricSeries: props.series,
        putMetricDataRequests: emf ? 0 : perMonth,
        emfGb: emf ? asEmfGb : 0,
        appMetricsDeclared: [this.namespace],
        appMetricsAlternative: emf
          ? { via: 'PutMetricData, one call per event', putMetricDataRequests: perMonth, emfGb: 0, namespace: this.namespace }
          : { via: 'the agent\'s EMF listener (one 400-byte event per call)', putMetricDataRequests: 0, emfGb: perMonth * 400 / 1e9, namespace: this.namespace },
        detail: `${this.node.path}: ${props.series} app series in ${this.namespace} via ${t.kind} (${t.perSecond}/s)`,
      };
    });
  }

  /**
   * One published series: every dimension the application publishes must be named, since
   * CloudWatch treats each dimension combination as a separate metric (an alarm on fewer
   * dimensions watches a series nobody publishes and stays INSUFFICIENT_DATA)
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Dimension).
   */
  public metric(metricName: string, dimensionValues: { [name: string]: string } = {}, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    if (!this.metricNames.includes(metricName)) invalid(this, 'metricName', `one of ${this.metricNames.join(', ')}`, metricName);
    const given = Object.keys(dimensionValues).sort();
    const published = [...this.dimensions].sort();
    if (given.join(',') !== published.join(',')) {
      invalid(this, 'dimensionValues', `a value for every dimension the application publishes (${published.join(', ') || 'none'}) and no other`,
        given.join(', ') || 'none');
    }
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: dimensionValues,
      period: Duration.minutes(5),
      ...options,
    });
  }
}
