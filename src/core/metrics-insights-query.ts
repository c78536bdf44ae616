import { Token } from 'aws-cdk-lib';
import { ACCOUNT_ID_LABEL, MAX_SERIES_PER_QUERY, groupByOf, hasOrderBy } from '../private/metrics-insights';
import { WatchkeeperValidationError, ruleCode } from '../private/validation';

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

/** Which series a grouped query keeps first when it matches more than it returns (500). */
export enum MetricsInsightsOrder {
  /** Highest first (`ORDER BY MAX() DESC`): for alarms on high values. */
  DESCENDING = 'DESC',
  /** Lowest first (`ORDER BY MIN() ASC`): for alarms on low values. */
  ASCENDING = 'ASC',
}

/** Properties of {@link MetricsInsightsQuery.aggregate}. */
export interface MetricsInsightsAggregateProps {
  /** How matched series are combined into the one series the alarm evaluates (per contributor with `groupBy`). */
  readonly aggregation: MetricsInsightsAggregation;
  /** The namespace, for example `AWS/EC2` or `CWAgent`. */
  readonly namespace: string;
  /** The metric, for example `StatusCheckFailed` or `mem_used_percent`. */
  readonly metricName: string;
  /**
   * Match only series with exactly these dimension names: `SCHEMA("AWS/EC2", InstanceId)`
   * reads the per-instance series and not the per-group aggregates. Every `where` and
   * `groupBy` dimension must be one of them (a series with other dimensions is never matched).
   * @default - every series of the metric in the namespace, whatever its dimensions
   */
  readonly schemaDimensions?: string[];
  /**
   * Keep only series whose dimension (or resource tag, written `tag.<key>`) has this value
   * (`WHERE AutoScalingGroupName = 'web'`); several entries are combined with AND, the only
   * combination Metrics Insights offers.
   * @default - no filter: only allowed with `accountWide: true` on shared namespaces
   */
  readonly where?: { [dimension: string]: string };
  /**
   * One series per value of these dimensions (`GROUP BY InstanceId`): each becomes a
   * contributor of the alarm, which acts on it on its own (SNS per contributor; EC2 actions
   * only when grouped by `InstanceId`). A grouped query always gets an `ORDER BY` clause
   * (`ORDER BY MAX() DESC` for `MAX`): CloudWatch requires one on an alarm over several
   * series, and past 500 series it decides which are kept. In a monitoring account,
   * `AWS.AccountId` groups by the linked account a series comes from.
   * @default - one series for everything matched
   */
  readonly groupBy?: string[];
  /**
   * The order of a grouped (or limited) query: which series are kept when more match than
   * the query returns. Descending keeps the highest values, right for alarms on high values;
   * ascending keeps the lowest, right for alarms on low values.
   * @default MetricsInsightsOrder.DESCENDING
   */
  readonly order?: MetricsInsightsOrder;
  /**
   * Keep only this many series, in `order` (`ORDER BY MAX() DESC LIMIT n`). At most 500,
   * the most a query returns.
   * @default - no limit clause (still at most 500 series)
   */
  readonly limit?: number;
  /**
   * The query deliberately watches every series of an AWS namespace (`AWS/...`) or of the
   * agent's shared default namespace `CWAgent` in the account and Region. Without it such a
   * query must have a `where` filter, so an alarm named after one fleet watches that fleet.
   * @default false
   */
  readonly accountWide?: boolean;
}

/** The aggregation functions Metrics Insights offers in SELECT and ORDER BY. */
const FUNCTIONS = ['AVG', 'COUNT', 'MAX', 'MIN', 'SUM'];
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Tag keys are written unquoted: only keys of letters, digits and underscores are accepted.
const TAG = /^tag\.[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A CloudWatch Metrics Insights query (`SELECT ... FROM ...`), the way to alarm on a whole
 * fleet with one alarm. It is evaluated over the last three hours of data and counts toward
 * the account's 200 query alarms per Region. `SEARCH()` is never accepted: CloudWatch
 * rejects alarms on search expressions at deploy time.
 *
 * Syntax and limits: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html
 * (functions AVG, COUNT, MAX, MIN, SUM; WHERE with =, != and AND; LIMIT at most 500).
 *
 * @example
 * const worstCpu = MetricsInsightsQuery.aggregate({
 *   aggregation: MetricsInsightsAggregation.MAX,
 *   namespace: 'AWS/EC2',
 *   metricName: 'CPUUtilization',
 *   schemaDimensions: ['InstanceId'],
 *   where: { 'tag.fleet': 'web' },
 *   groupBy: ['InstanceId'],
 * });
 */
export class MetricsInsightsQuery {
  /**
   * `SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) WHERE ... GROUP BY ...`:
   * one series built from every matching series, or one per contributor with `groupBy`.
   */
  public static aggregate(props: MetricsInsightsAggregateProps): MetricsInsightsQuery {
    const dims = props.schemaDimensions ?? [];
    const where = props.where ?? {};
    const groupBy = props.groupBy ?? [];
    if (dims.length > 0) {
      for (const [prop, names] of [['where', Object.keys(where)], ['groupBy', groupBy]] as const) {
        for (const name of names) {
          if (Token.isUnresolved(name) || TAG.test(name) || name === ACCOUNT_ID_LABEL || dims.includes(name)) continue;
          throw new WatchkeeperValidationError(ruleCode('MetricsInsightsQuery', prop), `MetricsInsightsQuery: ${prop} dimension '${name}' must be one of schemaDimensions (${dims.join(', ')}): `
            + `SCHEMA("${props.namespace}", ${dims.join(', ')}) keeps only series with exactly those dimensions, so the query would match nothing, got '${name}'`);
        }
      }
    }
    if (Object.keys(where).length === 0 && !props.accountWide && sharedNamespace(props.namespace)) {
      throw new WatchkeeperValidationError(ruleCode('MetricsInsightsQuery', 'where'), 'MetricsInsightsQuery: where must filter the query to one fleet (a dimension or tag.<key>), or set accountWide: true; '
        + `without it the alarm watches every series of ${props.namespace} in the account and Region, got no where for ${props.metricName}`);
    }
    if (props.limit !== undefined && !Token.isUnresolved(props.limit)
      && (!Number.isInteger(props.limit) || props.limit < 1 || props.limit > MAX_SERIES_PER_QUERY)) {
      throw new WatchkeeperValidationError(ruleCode('MetricsInsightsQuery', 'limit'), `MetricsInsightsQuery: limit must be a whole number between 1 and ${MAX_SERIES_PER_QUERY} (the most series a query returns), got ${props.limit}`);
    }
    const from = dims.length > 0
      ? `SCHEMA(${quoteString(props.namespace)}, ${dims.map(identifier).join(', ')})`
      : quoteString(props.namespace);
    const filters = Object.entries(where).map(([dim, value]) => `${label(dim)} = ${literal(value)}`);
    const whereSql = filters.length > 0 ? ` WHERE ${filters.join(' AND ')}` : '';
    const groupSql = groupBy.length > 0 ? ` GROUP BY ${groupBy.map(label).join(', ')}` : '';
    // A multi-time-series alarm must have GROUP BY and ORDER BY; past 500 series ORDER BY decides
    // which are returned: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Metrics_Insights_Alarm.html
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-limits.html
    const orderSql = groupBy.length > 0 || props.limit !== undefined
      ? ` ORDER BY ${props.aggregation}() ${props.order ?? MetricsInsightsOrder.DESCENDING}` : '';
    const limitSql = props.limit !== undefined ? ` LIMIT ${props.limit}` : '';
    return new MetricsInsightsQuery(`SELECT ${props.aggregation}(${identifier(props.metricName)}) FROM ${from}${whereSql}${groupSql}${orderSql}${limitSql}`, groupBy);
  }

  /**
   * A query written by hand. It must start with `SELECT`, use only the functions Metrics
   * Insights offers (AVG, COUNT, MAX, MIN, SUM), keep any `LIMIT` at or below 500 and must
   * not use `SEARCH()`. With `GROUP BY` every series is a contributor of the alarm, and the
   * query must also have `ORDER BY` (CloudWatch requires both on an alarm over several series).
   */
  public static custom(query: string): MetricsInsightsQuery {
    const q = query.trim();
    if (Token.isUnresolved(q)) return new MetricsInsightsQuery(q, []);
    if (!/^SELECT\s/i.test(q)) {
      throw new WatchkeeperValidationError(ruleCode('MetricsInsightsQuery', 'query'), `MetricsInsightsQuery: query must be a Metrics Insights query starting with SELECT, got '${query}'`);
    }
    if (/SEARCH\s*\(/i.test(q)) {
      throw new WatchkeeperValidationError(ruleCode('MetricsInsightsQuery', 'query'), `MetricsInsightsQuery: query must be free of SEARCH() (CloudWatch rejects alarms on search expressions), got '${query}'`);
    }
    const select = /^SELECT\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/i.exec(q);
    const orderBy = /\bORDER\s+BY\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/i.exec(q);
    for (const fn of [select?.[1], orderBy?.[1]]) {
      if (fn !== undefined && !FUNCTIONS.includes(fn.toUpperCase())) {
        throw new WatchkeeperValidationError(ruleCode('MetricsInsightsQuery', 'query'), `MetricsInsightsQuery: query functions must be one of ${FUNCTIONS.join(', ')} (the only ones Metrics Insights offers), got '${fn}' in '${query}'`);
      }
    }
    if (!select) {
      throw new WatchkeeperValidationError(ruleCode('MetricsInsightsQuery', 'query'), `MetricsInsightsQuery: query must select FUNCTION(metricName) with one of ${FUNCTIONS.join(', ')}, got '${query}'`);
    }
    const limit = /\bLIMIT\s+(\S+)/i.exec(q);
    if (limit && !(/^\d+$/.test(limit[1]) && Number(limit[1]) >= 1 && Number(limit[1]) <= MAX_SERIES_PER_QUERY)) {
      throw new WatchkeeperValidationError(ruleCode('MetricsInsightsQuery', 'limit'), `MetricsInsightsQuery: LIMIT must be a whole number between 1 and ${MAX_SERIES_PER_QUERY} (the most series a query returns), got '${limit[1]}' in '${query}'`);
    }
    const groupBy = groupByOf(q);
    if (groupBy.length > 0 && !hasOrderBy(q)) {
      // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Metrics_Insights_Alarm.html
      throw new WatchkeeperValidationError(ruleCode('MetricsInsightsQuery', 'query'), 'MetricsInsightsQuery: a query with GROUP BY must also have ORDER BY '
        + `(for example ORDER BY ${select[1].toUpperCase()}() DESC): CloudWatch requires both clauses on an alarm over several series, `
        + `and past ${MAX_SERIES_PER_QUERY} series ORDER BY decides which are kept, got '${query}'`);
    }
    return new MetricsInsightsQuery(q, groupBy);
  }

  private constructor(
    /** The query text. */
    public readonly sql: string,
    /** The dimensions (or `tag.<key>`) the query groups by: each series is a contributor. Empty for one series. */
    public readonly groupBy: string[],
  ) {}
}

function sharedNamespace(namespace: string): boolean {
  return !Token.isUnresolved(namespace) && (namespace.startsWith('AWS/') || namespace === 'CWAgent');
}

function label(name: string): string {
  if (Token.isUnresolved(name) || TAG.test(name) || name === ACCOUNT_ID_LABEL) return name;
  if (name.startsWith('tag.')) {
    throw new WatchkeeperValidationError(ruleCode('MetricsInsightsQuery', 'tag'), `MetricsInsightsQuery: tag keys must be letters, digits and underscores (tag.<key>), got '${name}'`);
  }
  return identifier(name);
}

function identifier(name: string): string {
  if (Token.isUnresolved(name) || IDENTIFIER.test(name)) return name;
  if (name.includes('"')) {
    throw new WatchkeeperValidationError(ruleCode('MetricsInsightsQuery', 'names'), `MetricsInsightsQuery: names must be free of double quotes, got '${name}'`);
  }
  return `"${name}"`;
}

function quoteString(value: string): string {
  if (!Token.isUnresolved(value) && value.includes('"')) {
    throw new WatchkeeperValidationError(ruleCode('MetricsInsightsQuery', 'namespace'), `MetricsInsightsQuery: namespace must be free of double quotes, got '${value}'`);
  }
  return `"${value}"`;
}

function literal(value: string): string {
  if (!Token.isUnresolved(value) && value.includes('\'')) {
    throw new WatchkeeperValidationError(ruleCode('MetricsInsightsQuery', 'where'), `MetricsInsightsQuery: where values must be free of single quotes, got '${value}'`);
  }
  return `'${value}'`;
}
