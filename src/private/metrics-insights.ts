/**
 * Metrics Insights facts shared by the query builder, alarm validation and fleet alarms.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-limits.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html
 */

/** The most series one query returns (more: the alarm evaluates PARTIAL_DATA); also the highest LIMIT. */
export const MAX_SERIES_PER_QUERY = 500;
/** Default quota of Metrics Insights query alarms per account and Region. */
export const MAX_METRICS_INSIGHTS_ALARMS = 200;

/** The GROUP BY labels of a query, unquoted; empty when it returns one series. */
export function groupByOf(sql: string): string[] {
  const m = /\bGROUP\s+BY\s+(.+?)(?:\s+ORDER\s+BY\b|\s+LIMIT\b|$)/is.exec(sql.trim());
  if (!m) return [];
  return m[1].split(',').map(s => s.trim().replace(/^"(.*)"$/, '$1')).filter(s => s.length > 0);
}

/** True for a Metrics Insights query (as opposed to a metric math expression). */
export function isMetricsInsightsQuery(expression: unknown): expression is string {
  return typeof expression === 'string' && /^\s*SELECT\s/i.test(expression);
}
