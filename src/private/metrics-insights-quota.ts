import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { MAX_METRICS_INSIGHTS_ALARMS } from './metrics-insights';
import { invalid } from './validation';

/** Warn when an app holds this share of the account's Metrics Insights alarm quota. */
const WARN_AT = Math.floor(MAX_METRICS_INSIGHTS_ALARMS * 0.8);

const counts = new WeakMap<IConstruct, number>();

/**
 * Counts a Metrics Insights query alarm against the default quota of 200 per account and
 * Region (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html),
 * per app: warns (acknowledgeable) at 80 % and fails above the quota.
 */
export function countMetricsInsightsAlarm(alarm: IConstruct): void {
  const root = alarm.node.root;
  const count = (counts.get(root) ?? 0) + 1;
  counts.set(root, count);
  if (count > MAX_METRICS_INSIGHTS_ALARMS) {
    invalid(alarm, 'Metrics Insights alarms in this app',
      `at most ${MAX_METRICS_INSIGHTS_ALARMS} (the default quota per account and Region; raise it with Service Quotas and spread the rest over fewer, grouped queries)`,
      `${count} alarms`);
  }
  if (count === WARN_AT) {
    Annotations.of(alarm).addWarningV2('cdk-watchkeeper:MetricsInsights.alarmQuota',
      `This app now has ${count} Metrics Insights query alarms, ${Math.round(100 * count / MAX_METRICS_INSIGHTS_ALARMS)} % of the default quota of `
      + `${MAX_METRICS_INSIGHTS_ALARMS} per account and Region (shared with every other app there). Group queries (GROUP BY) instead of adding alarms, or raise the quota.`);
  }
}

/** Metrics Insights alarms counted so far in the app of `scope`. */
export function metricsInsightsAlarmCount(scope: IConstruct): number {
  return counts.get(scope.node.root) ?? 0;
}
