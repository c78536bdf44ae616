/**
 * CloudWatch (and related) list prices the cost report uses, in USD per month unless said.
 *
 * Source: the Amazon CloudWatch (https://aws.amazon.com/cloudwatch/pricing/: metrics,
 * API requests, detailed monitoring charged as custom metrics, logs, Logs Insights,
 * dashboards, alarms), AWS KMS and AWS Lambda pricing pages, us-east-1, read 2026-11-01. Prices change and differ by Region: the report says which table it used, and a
 * Region without a table of its own is estimated with us-east-1's prices and says so.
 */
export interface PriceTable {
  /** Region these prices are for. */
  readonly region: string;
  /** When the prices were read from the pricing pages (ISO date). */
  readonly readOn: string;
  /** Custom metrics: [series up to this count, price per series-month]; the last tier is unbounded. */
  readonly customMetricTiers: ReadonlyArray<readonly [number, number]>;
  /** Standard-resolution alarm, per metric in the alarm. */
  readonly standardAlarmMetric: number;
  /** High-resolution alarm (period < 60 s), per metric in the alarm. */
  readonly highResolutionAlarmMetric: number;
  /** Composite alarm. */
  readonly compositeAlarm: number;
  /** Metrics an anomaly-detection alarm is billed as (the metric and the two band bounds). */
  readonly anomalyDetectionMetrics: number;
  /** Dashboard, per month (the first `freeDashboards` per account are free). */
  readonly dashboard: number;
  /** Dashboards free per account. */
  readonly freeDashboards: number;
  /** GetMetricData, per 1,000 metrics requested. */
  readonly getMetricDataPer1000Metrics: number;
  /** Log ingestion (standard class), per GB. */
  readonly logIngestionPerGb: number;
  /** Log storage, per GB-month (billed compressed). */
  readonly logStoragePerGbMonth: number;
  /** Logs Insights, per GB scanned. */
  readonly logsInsightsPerGbScanned: number;
  /** KMS customer managed key, per key-month. */
  readonly kmsKey: number;
  /** Lambda: per 1M requests. */
  readonly lambdaPerMillionRequests: number;
  /** Lambda: per GB-second (x86). */
  readonly lambdaPerGbSecond: number;
  /**
   * CloudWatch API requests other than GetMetricData (PutMetricData among them), per 1,000
   * requests: each boto3 `put_metric_data` call is one request.
   */
  readonly apiRequestsPer1000: number;
  /**
   * Metrics one instance with EC2 detailed monitoring is billed for: detailed monitoring is
   * charged as custom metrics (one-minute EC2 metrics; about $2.10 per instance per month in
   * us-east-1 at the first tier).
   */
  readonly detailedMonitoringMetricsPerInstance: number;
}

export const US_EAST_1_PRICES: PriceTable = {
  region: 'us-east-1',
  readOn: '2026-11-01',
  customMetricTiers: [[10_000, 0.30], [250_000, 0.10], [1_000_000, 0.05], [Number.POSITIVE_INFINITY, 0.02]],
  standardAlarmMetric: 0.10,
  highResolutionAlarmMetric: 0.30,
  compositeAlarm: 0.50,
  anomalyDetectionMetrics: 3,
  dashboard: 3.00,
  freeDashboards: 3,
  getMetricDataPer1000Metrics: 0.01,
  logIngestionPerGb: 0.50,
  logStoragePerGbMonth: 0.03,
  logsInsightsPerGbScanned: 0.005,
  kmsKey: 1.00,
  lambdaPerMillionRequests: 0.20,
  lambdaPerGbSecond: 0.0000166667,
  apiRequestsPer1000: 0.01,
  detailedMonitoringMetricsPerInstance: 7,
};

/** Price tables by Region. */
export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = {
  'us-east-1': US_EAST_1_PRICES,
};

/** The table for a Region, and whether it is that Region's own or the us-east-1 fallback. */
export function pricesFor(region: string | undefined): { table: PriceTable; exact: boolean } {
  const table = region ? PRICE_TABLES[region] : undefined;
  return table ? { table, exact: true } : { table: US_EAST_1_PRICES, exact: false };
}

/** Monthly price of `series` custom metrics under tiered pricing. */
export function customMetricsMonthly(series: number, table: PriceTable = US_EAST_1_PRICES): number {
  let remaining = Math.max(0, series);
  let previousCap = 0;
  let total = 0;
  for (const [cap, price] of table.customMetricTiers) {
    const inTier = Math.min(remaining, cap - previousCap);
    total += inTier * price;
    remaining -= inTier;
    previousCap = cap;
    if (remaining <= 0) break;
  }
  return total;
}
