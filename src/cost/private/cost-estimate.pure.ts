import { PriceTable, customMetricsMonthly } from './cloudwatch-prices.pure';

/** What the monitoring of an app consumes in a month, counted at synth. */
export interface UsageCounts {
  /** Custom metric series the agents publish (unique name + dimension sets). */
  readonly customMetricSeries: number;
  /** Metrics in standard-resolution metric alarms (1 per single-metric alarm). */
  readonly standardAlarmMetrics: number;
  /** Metrics in high-resolution alarms (period < 60 s). */
  readonly highResolutionAlarmMetrics: number;
  /** Standard-resolution anomaly-detection alarms. */
  readonly anomalyDetectionAlarms: number;
  /** High-resolution anomaly-detection alarms (period < 60 s). */
  readonly highResolutionAnomalyDetectionAlarms?: number;
  /** Custom metric series published by log metric filters (each name + dimension set once). */
  readonly logMetricSeries?: number;
  /** Metrics analysed by Metrics Insights query alarms (estimated). */
  readonly metricsInsightsAlarmMetrics: number;
  /** Composite alarms. */
  readonly compositeAlarms: number;
  /** Dashboards. */
  readonly dashboards: number;
  /** Metrics requested through GetMetricData per month (idle-shutdown runs). */
  readonly getMetricDataMetrics: number;
  /** Lambda invocations per month (idle shutdown). */
  readonly lambdaInvocations: number;
  /** Lambda GB-seconds per month. */
  readonly lambdaGbSeconds: number;
  /** Log data ingested per month, GB (from the volumes you declared). */
  readonly logIngestedGb: number;
  /** Log data stored at steady state, GB (ingestion × retention). */
  readonly logStoredGb: number;
  /** Customer managed KMS keys. */
  readonly kmsKeys: number;
  /** Agent series with every group at its maximum size. */
  readonly customMetricSeriesMax?: number;
  /** Series the applications publish themselves (PutMetricData or EMF). */
  readonly appMetricSeries?: number;
  /** PutMetricData requests per month. */
  readonly putMetricDataRequests?: number;
  /** EMF events ingested per month, GB. */
  readonly emfGb?: number;
  /** Instances with EC2 detailed monitoring: usual, and at every group's maximum. */
  readonly detailedMonitoringInstances?: number;
  readonly detailedMonitoringInstancesMax?: number;
  /** GB the dashboards' Logs Insights widgets scan per month. */
  readonly logsInsightsGbScanned?: number;
  /** Explanations printed under the table. */
  readonly notes?: string[];
  /** Log alarms (scheduled Logs Insights queries). */
  readonly logAlarms?: number;
  /** Log data their queries scan per month, GB (each run reads its window of the log group). */
  readonly logAlarmGbScanned?: number;
}

/** One line of the report. */
export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly monthlyUsd: number;
  /** The cost with every Auto Scaling group at its maximum size, when it differs. */
  readonly monthlyUsdMax?: number;
  readonly note?: string;
}

/** The whole estimate. */
export interface CostEstimate {
  readonly region: string;
  readonly pricesRegion: string;
  readonly pricesReadOn: string;
  readonly lines: CostLine[];
  readonly totalMonthlyUsd: number;
  /** The total with every Auto Scaling group at its maximum size. */
  readonly totalMonthlyUsdMax: number;
  /** Explanations: assumed Region, comparisons, assumptions. */
  readonly notes: string[];
}

const round = (usd: number) => Math.round(usd * 100) / 100;

/** Prices the usage with one price table. Lines with a zero quantity are left out. */
export function estimateCost(usage: UsageCounts, table: PriceTable, region: string): CostEstimate {
  const alarmMetricsNote = 'per metric in the alarm';
  const logMetrics = usage.logMetricSeries ?? 0;
  const highResAnomaly = usage.highResolutionAnomalyDetectionAlarms ?? 0;
  const appSeries = usage.appMetricSeries ?? 0;
  const detailed = (usage.detailedMonitoringInstances ?? 0) * table.detailedMonitoringMetricsPerInstance;
  const detailedMax = (usage.detailedMonitoringInstancesMax ?? usage.detailedMonitoringInstances ?? 0) * table.detailedMonitoringMetricsPerInstance;
  const agentMax = Math.max(usage.customMetricSeries, usage.customMetricSeriesMax ?? usage.customMetricSeries);
  // Every kind of custom metric shares the tiers: each is priced as the series after the ones before it.
  const tiered = (agent: number, dm: number) => {
    const steps = [agent, logMetrics, appSeries, dm];
    let before = 0;
    return steps.map(n => {
      const usd = customMetricsMonthly(before + n, table) - customMetricsMonthly(before, table);
      before += n;
      return usd;
    });
  };
  const [agentUsd, logMetricsUsd, appUsd, detailedUsd] = tiered(usage.customMetricSeries, detailed);
  const [agentUsdMax, , appUsdMax, detailedUsdMax] = tiered(agentMax, detailedMax);
  const insightsGb = usage.logsInsightsGbScanned ?? 0;
  const candidates: CostLine[] = [
    { item: 'Custom metrics (CloudWatch Agent)', quantity: usage.customMetricSeries, unit: 'series', monthlyUsd: agentUsd, monthlyUsdMax: agentUsdMax, note: 'tiered; each name + dimension set is one metric' },
    { item: 'Custom metrics (log metric filters)', quantity: logMetrics, unit: 'series', monthlyUsd: logMetricsUsd, note: 'at least: one more per distinct dimension value; billed in hours they publish' },
    { item: 'Custom metrics (application)', quantity: appSeries, unit: 'series', monthlyUsd: appUsd, monthlyUsdMax: appUsdMax, note: 'declared with AppMetrics' },
    { item: 'PutMetricData requests (application)', quantity: usage.putMetricDataRequests ?? 0, unit: 'requests', monthlyUsd: (usage.putMetricDataRequests ?? 0) / 1000 * table.apiRequestsPer1000, note: `$${table.apiRequestsPer1000} per 1,000 calls` },
    { item: 'EMF events (log ingestion)', quantity: round(usage.emfGb ?? 0), unit: 'GB/month', monthlyUsd: (usage.emfGb ?? 0) * table.logIngestionPerGb, note: 'metrics extracted from logs: no API requests' },
    { item: 'EC2 detailed monitoring', quantity: usage.detailedMonitoringInstances ?? 0, unit: 'instances', monthlyUsd: detailedUsd, monthlyUsdMax: detailedUsdMax, note: `billed as ${table.detailedMonitoringMetricsPerInstance} custom metrics per instance` },
    { item: 'Standard-resolution alarms', quantity: usage.standardAlarmMetrics, unit: 'alarm metrics', monthlyUsd: usage.standardAlarmMetrics * table.standardAlarmMetric, note: alarmMetricsNote },
    { item: 'High-resolution alarms', quantity: usage.highResolutionAlarmMetrics, unit: 'alarm metrics', monthlyUsd: usage.highResolutionAlarmMetrics * table.highResolutionAlarmMetric, note: alarmMetricsNote },
    { item: 'Anomaly-detection alarms', quantity: usage.anomalyDetectionAlarms, unit: 'alarms', monthlyUsd: usage.anomalyDetectionAlarms * table.anomalyDetectionMetrics * table.standardAlarmMetric, note: `billed as ${table.anomalyDetectionMetrics} metrics each` },
    { item: 'High-resolution anomaly-detection alarms', quantity: highResAnomaly, unit: 'alarms', monthlyUsd: highResAnomaly * table.anomalyDetectionMetrics * table.highResolutionAlarmMetric, note: `billed as ${table.anomalyDetectionMetrics} high-resolution metrics each` },
    { item: 'Metrics Insights query alarms', quantity: usage.metricsInsightsAlarmMetrics, unit: 'metrics analysed', monthlyUsd: usage.metricsInsightsAlarmMetrics * table.standardAlarmMetric, note: 'estimated from the series the query matches' },
    { item: 'Composite alarms', quantity: usage.compositeAlarms, unit: 'alarms', monthlyUsd: usage.compositeAlarms * table.compositeAlarm },
    { item: 'Dashboards', quantity: usage.dashboards, unit: 'dashboards', monthlyUsd: usage.dashboards * table.dashboard, note: `the first ${table.freeDashboards} per account are free (not deducted)` },
    { item: 'Logs Insights (dashboard widgets)', quantity: round(insightsGb), unit: 'GB scanned', monthlyUsd: insightsGb * table.logsInsightsPerGbScanned, note: 'each load and refresh runs the query again' },
    { item: 'GetMetricData (idle shutdown)', quantity: usage.getMetricDataMetrics, unit: 'metrics requested', monthlyUsd: usage.getMetricDataMetrics / 1000 * table.getMetricDataPer1000Metrics },
    { item: 'Lambda requests (idle shutdown)', quantity: usage.lambdaInvocations, unit: 'invocations', monthlyUsd: usage.lambdaInvocations / 1e6 * table.lambdaPerMillionRequests + usage.lambdaGbSeconds * table.lambdaPerGbSecond, note: 'before the Lambda free tier' },
    { item: 'Log ingestion', quantity: usage.logIngestedGb, unit: 'GB/month', monthlyUsd: usage.logIngestedGb * table.logIngestionPerGb, note: 'from the volumes you declared (CloudTrail delivery included)' },
    { item: 'Log storage', quantity: usage.logStoredGb, unit: 'GB', monthlyUsd: usage.logStoredGb * table.logStoragePerGbMonth, note: 'upper bound: storage is billed compressed' },
    { item: 'KMS keys', quantity: usage.kmsKeys, unit: 'keys', monthlyUsd: usage.kmsKeys * table.kmsKey },
  ];
  // A log alarm's line stays even when no volume was declared: it names the alternative.
  if ((usage.logAlarms ?? 0) > 0) candidates.push(logAlarmLine(usage, table));
  const lines: CostLine[] = candidates.filter(l => l.quantity > 0 || l.item === LOG_ALARM_ITEM).map(l => {
    const monthlyUsd = round(l.monthlyUsd);
    const max = l.monthlyUsdMax === undefined ? undefined : round(l.monthlyUsdMax);
    const { monthlyUsdMax, ...rest } = l;
    void monthlyUsdMax;
    return max !== undefined && max > monthlyUsd ? { ...rest, monthlyUsd, monthlyUsdMax: max } : { ...rest, monthlyUsd };
  });
  const total = round(lines.reduce((sum, l) => sum + l.monthlyUsd, 0));
  return {
    region,
    pricesRegion: table.region,
    pricesReadOn: table.readOn,
    lines,
    totalMonthlyUsd: total,
    totalMonthlyUsdMax: round(lines.reduce((sum, l) => sum + (l.monthlyUsdMax ?? l.monthlyUsd), 0)),
    notes: [...usage.notes ?? []],
  };
}

/**
 * Log alarms: their scheduled queries, priced per GB scanned like any Logs Insights query,
 * next to what a metric filter and a metric alarm would cost instead (one custom metric at the
 * first tier's price and one standard alarm each, whatever the volume).
 */
const LOG_ALARM_ITEM = 'Log alarm queries (Logs Insights)';

function logAlarmLine(usage: UsageCounts, table: PriceTable): CostLine {
  const alarms = usage.logAlarms ?? 0;
  const gb = usage.logAlarmGbScanned ?? 0;
  const alternative = alarms * (table.customMetricTiers[0][1] + table.standardAlarmMetric);
  return {
    item: LOG_ALARM_ITEM,
    quantity: Math.round(gb * 100) / 100,
    unit: 'GB scanned',
    monthlyUsd: gb * table.logsInsightsPerGbScanned,
    note: `${alarms} log alarm(s), from the volumes you declared; a metric filter and alarm instead: $${alternative.toFixed(2)}`,
  };
}

/** The estimate as a fixed-width table for people. */
export function formatCostTable(estimate: CostEstimate, title: string): string {
  const usd = (min: number, max?: number) => (max !== undefined && max > min ? `$${min.toFixed(2)}–$${max.toFixed(2)}` : `$${min.toFixed(2)}`);
  const rows = estimate.lines.map(l => [l.item, formatQuantity(l.quantity), l.unit, usd(l.monthlyUsd, l.monthlyUsdMax), l.note ?? '']);
  rows.push(['Total', '', '', usd(estimate.totalMonthlyUsd, estimate.totalMonthlyUsdMax), '']);
  const header = ['Item', 'Quantity', 'Unit', 'USD/month', 'Note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 || i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const priced = estimate.region.endsWith('(assumed)')
    ? `environment-agnostic stack: priced at ${estimate.pricesRegion}, prices read ${estimate.pricesReadOn}`
    : estimate.pricesRegion === estimate.region
      ? `${estimate.pricesRegion} prices read ${estimate.pricesReadOn}`
      : `no price table for ${estimate.region}: us-east-1 prices read ${estimate.pricesReadOn}`;
  return [
    `${title} — estimated CloudWatch cost per month (${priced})`,
    line(header),
    line(widths.map(w => '-'.repeat(w))),
    ...rows.slice(0, -1).map(line),
    line(widths.map(w => '-'.repeat(w))),
    line(rows[rows.length - 1]),
    ...(estimate.totalMonthlyUsdMax > estimate.totalMonthlyUsd ? ['Ranges: groups at their usual size – every group at its maximum size.'] : []),
    ...(estimate.notes ?? []).map(n => `Note: ${n}`),
  ].join('\n');
}

function formatQuantity(q: number): string {
  return Number.isInteger(q) ? q.toLocaleString('en-US') : q.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
