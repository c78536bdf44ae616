import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { accountRegionOf } from './account-region';
import { MAX_METRICS_INSIGHTS_ALARMS } from './metrics-insights';
import { invalid } from './validation';

/** Warn when an app holds this share of an account and Region's Metrics Insights alarm quota. */
const WARN_AT = Math.floor(MAX_METRICS_INSIGHTS_ALARMS * 0.8);

/** Alarms counted per app (its root), per account and Region. */
const counts = new WeakMap<IConstruct, Map<string, number>>();

/**
 * Counts a Metrics Insights query alarm against the default quota of 200 per account and
 * Region (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html),
 * across every stack of the app that deploys into that account and Region
 * (environment-agnostic stacks count together): warns (acknowledgeable) at 80 % and fails
 * above the quota. Other apps and alarms made outside CDK share the same quota; synth cannot
 * see them, and the warning says so.
 */
export function countMetricsInsightsAlarm(alarm: IConstruct): void {
  const where = accountRegionOf(alarm);
  const perEnv = counts.get(alarm.node.root) ?? new Map<string, number>();
  counts.set(alarm.node.root, perEnv);
  const count = (perEnv.get(where.key) ?? 0) + 1;
  perEnv.set(where.key, count);
  if (count > MAX_METRICS_INSIGHTS_ALARMS) {
    invalid(alarm, `Metrics Insights alarms of this app in ${where.description}`,
      `at most ${MAX_METRICS_INSIGHTS_ALARMS} (the default quota per account and Region, shared with every other app there; `
      + 'raise it with Service Quotas and spread the rest over fewer, grouped queries)',
      `${count} alarms`);
  }
  if (count === WARN_AT) {
    Annotations.of(alarm).addWarningV2('cdk-watchkeeper:MetricsInsights.alarmQuota',
      `The stacks of this app now have ${count} Metrics Insights query alarms in ${where.description}, `
      + `${Math.round(100 * count / MAX_METRICS_INSIGHTS_ALARMS)} % of the default quota of ${MAX_METRICS_INSIGHTS_ALARMS} per account and Region. `
      + 'Other apps and alarms made outside this app in the same account and Region share that quota and are not counted here. '
      + 'Group queries (GROUP BY) instead of adding alarms, or raise the quota.');
  }
}

/** Metrics Insights alarms counted so far in the app of `scope`, in the account and Region of its stack. */
export function metricsInsightsAlarmCount(scope: IConstruct): number {
  return counts.get(scope.node.root)?.get(accountRegionOf(scope).key) ?? 0;
}
