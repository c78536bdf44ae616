/**
 * Metrics Insights facts shared by the query builder, alarm validation and fleet alarms.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-limits.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html
 */

/** The most series one query returns (more: the alarm evaluates PARTIAL_DATA); also the highest LIMIT. */
export const MAX_SERIES_PER_QUERY = 500;
/** Default quota of Metrics Insights query alarms per account and Region. */
export const MAX_METRICS_INSIGHTS_ALARMS = 200;
/**
 * How long a query alarm looks back: a series that published in the last 3 hours is still
 * matched (and returned) after its instance is gone.
 */
export const ALARM_LOOKBACK_HOURS = 3;
/**
 * The label of the linked account a series comes from, in a monitoring account of
 * cross-account observability (WHERE and GROUP BY sections of
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html).
 */
export const ACCOUNT_ID_LABEL = 'AWS.AccountId';

/** The GROUP BY labels of a query, unquoted; empty when it returns one series. */
export function groupByOf(sql: string): string[] {
  const m = /\bGROUP\s+BY\s+(.+?)(?:\s+ORDER\s+BY\b|\s+LIMIT\b|$)/is.exec(sql.trim());
  if (!m) return [];
  return m[1].split(',').map(s => s.trim().replace(/^"(.*)"$/, '$1')).filter(s => s.length > 0);
}

/** True when the query has an ORDER BY clause. */
export function hasOrderBy(sql: string): boolean {
  return /\bORDER\s+BY\b/i.test(withoutLiterals(sql));
}

/**
 * True when the query filters or groups on a resource tag (`tag.<key>`), which matches
 * nothing unless resource tags on telemetry are turned on in the account and Region.
 */
export function usesResourceTags(sql: string): boolean {
  return /(^|[^A-Za-z0-9_."])tag\.["A-Za-z_]/i.test(withoutLiterals(sql));
}

/** True for a Metrics Insights query (as opposed to a metric math expression). */
export function isMetricsInsightsQuery(expression: unknown): expression is string {
  return typeof expression === 'string' && /^\s*SELECT\s/i.test(expression);
}

/** The query without its string literals ('...') and quoted names ("..."): keywords only. */
function withoutLiterals(sql: string): string {
  return sql.replace(/'[^']*'/g, "''").replace(/"[^"]*"/g, '""');
}
