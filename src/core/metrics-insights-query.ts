import { Token } from 'aws-cdk-lib';

/** The aggregation a Metrics Insights query applies across every series it matches. */
export enum MetricsInsightsAggregation {
  /** The average of all matched series. */
  AVG = 'AVG',
  /** The highest value of any matched series: "the worst instance". */
  MAX = 'MAX',
  /** The lowest value of any matched series. */
  MIN = 'MIN',
  /** The sum of all matched series: "how many instances fail". */
  SUM = 'SUM',
  /** The number of data points of all matched series. */
  COUNT = 'COUNT',
}

/** Properties of {@link MetricsInsightsQuery.aggregate}. */
export interface MetricsInsightsAggregateProps {
  /** How matched series are combined into the one series the alarm evaluates. */
  readonly aggregation: MetricsInsightsAggregation;
  /** The namespace, for example `AWS/EC2` or `CWAgent`. */
  readonly namespace: string;
  /** The metric, for example `StatusCheckFailed` or `mem_used_percent`. */
  readonly metricName: string;
  /**
   * Match only series with exactly these dimension names: `SCHEMA("AWS/EC2", InstanceId)`
   * reads the per-instance series and not the per-group aggregates.
   * @default - every series of the metric in the namespace, whatever its dimensions
   */
  readonly schemaDimensions?: string[];
  /**
   * Keep only series whose dimension has this value (`WHERE AutoScalingGroupName = 'web'`);
   * several entries are combined with AND.
   * @default - no filter
   */
  readonly where?: { [dimension: string]: string };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A CloudWatch Metrics Insights query (`SELECT ... FROM ...`), the way to alarm on a whole
 * fleet with one alarm. It is evaluated over the last three hours of data and counts toward
 * the account's 200 query alarms per Region. `SEARCH()` is never accepted: CloudWatch
 * rejects alarms on search expressions at deploy time.
 *
 * @example
 * const worstCpu = MetricsInsightsQuery.aggregate({
 *   aggregation: MetricsInsightsAggregation.MAX,
 *   namespace: 'AWS/EC2',
 *   metricName: 'CPUUtilization',
 *   schemaDimensions: ['InstanceId'],
 * });
 */
export class MetricsInsightsQuery {
  /**
   * One series built from every matching series:
   * `SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) WHERE ...`.
   */
  public static aggregate(props: MetricsInsightsAggregateProps): MetricsInsightsQuery {
    const dims = props.schemaDimensions ?? [];
    const from = dims.length > 0
      ? `SCHEMA(${quoteString(props.namespace)}, ${dims.map(identifier).join(', ')})`
      : quoteString(props.namespace);
    const filters = Object.entries(props.where ?? {}).map(([dim, value]) => `${identifier(dim)} = ${literal(value)}`);
    const where = filters.length > 0 ? ` WHERE ${filters.join(' AND ')}` : '';
    return new MetricsInsightsQuery(`SELECT ${props.aggregation}(${identifier(props.metricName)}) FROM ${from}${where}`);
  }

  /**
   * A query written by hand. It must start with `SELECT`, return a single series (no
   * `GROUP BY` unless combined with `ORDER BY ... LIMIT 1`) and must not use `SEARCH()`.
   */
  public static custom(query: string): MetricsInsightsQuery {
    const q = query.trim();
    if (!Token.isUnresolved(q)) {
      if (!/^SELECT\s/i.test(q)) {
        throw new Error(`MetricsInsightsQuery: query must be a Metrics Insights query starting with SELECT, got '${query}'`);
      }
      if (/SEARCH\s*\(/i.test(q)) {
        throw new Error(`MetricsInsightsQuery: query must be free of SEARCH() (CloudWatch rejects alarms on search expressions), got '${query}'`);
      }
    }
    return new MetricsInsightsQuery(q);
  }

  private constructor(
    /** The query text. */
    public readonly sql: string,
  ) {}
}

function identifier(name: string): string {
  if (Token.isUnresolved(name) || IDENTIFIER.test(name)) return name;
  if (name.includes('"')) {
    throw new Error(`MetricsInsightsQuery: names must be free of double quotes, got '${name}'`);
  }
  return `"${name}"`;
}

function quoteString(value: string): string {
  if (!Token.isUnresolved(value) && value.includes('"')) {
    throw new Error(`MetricsInsightsQuery: namespace must be free of double quotes, got '${value}'`);
  }
  return `"${value}"`;
}

function literal(value: string): string {
  if (!Token.isUnresolved(value) && value.includes('\'')) {
    throw new Error(`MetricsInsightsQuery: where values must be free of single quotes, got '${value}'`);
  }
  return `'${value}'`;
}
