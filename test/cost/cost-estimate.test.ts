import * as fc from 'fast-check';
import { US_EAST_1_PRICES, customMetricsMonthly, pricesFor } from '../../src/cost/private/cloudwatch-prices.pure';
import { UsageCounts, estimateCost, formatCostTable } from '../../src/cost/private/cost-estimate.pure';

const NONE: UsageCounts = {
  customMetricSeries: 0,
  standardAlarmMetrics: 0,
  highResolutionAlarmMetrics: 0,
  anomalyDetectionAlarms: 0,
  metricsInsightsAlarmMetrics: 0,
  compositeAlarms: 0,
  dashboards: 0,
  getMetricDataMetrics: 0,
  lambdaInvocations: 0,
  lambdaGbSeconds: 0,
  logIngestedGb: 0,
  logStoredGb: 0,
  kmsKeys: 0,
};

describe('custom metric pricing', () => {
  test.each([
    [0, 0],
    [1, 0.30],
    [10_000, 3_000],
    [10_001, 3_000.10],
    [250_000, 3_000 + 240_000 * 0.10],
    [1_000_000, 3_000 + 24_000 + 750_000 * 0.05],
    [1_000_010, 3_000 + 24_000 + 37_500 + 10 * 0.02],
  ])('%p series cost $%p a month', (series, usd) => {
    expect(customMetricsMonthly(series)).toBeCloseTo(usd, 6);
  });

  test('is monotonic and never above the first-tier price', () => {
    fc.assert(fc.property(fc.nat(3_000_000), fc.nat(1000), (a, d) => {
      expect(customMetricsMonthly(a + d)).toBeGreaterThanOrEqual(customMetricsMonthly(a));
      expect(customMetricsMonthly(a)).toBeLessThanOrEqual(a * 0.30 + 1e-6);
    }));
  });
});

describe('estimateCost', () => {
  test('prices each kind of usage with the table', () => {
    const estimate = estimateCost({
      ...NONE,
      customMetricSeries: 30,
      standardAlarmMetrics: 12,
      highResolutionAlarmMetrics: 2,
      anomalyDetectionAlarms: 1,
      compositeAlarms: 2,
      dashboards: 1,
      getMetricDataMetrics: 2_000_000,
      metricsInsightsAlarmMetrics: 50,
      logIngestedGb: 10,
      logStoredGb: 300,
      kmsKeys: 2,
    }, US_EAST_1_PRICES, 'us-east-1');
    const usd = Object.fromEntries(estimate.lines.map(l => [l.item, l.monthlyUsd]));
    expect(usd).toEqual({
      'Custom metrics (CloudWatch Agent)': 9,
      'Standard-resolution alarms': 1.2,
      'High-resolution alarms': 0.6,
      'Anomaly-detection alarms': 0.3,
      'Metrics Insights query alarms': 5,
      'Composite alarms': 1,
      'Dashboards': 3,
      'GetMetricData (idle shutdown)': 20,
      'Log ingestion': 5,
      'Log storage': 9,
      'KMS keys': 2,
    });
    expect(estimate.totalMonthlyUsd).toBe(56.1);
  });

  test('prices log filter metrics after the agent metrics in the shared tiers, and high-resolution anomaly alarms at the high-resolution price', () => {
    const estimate = estimateCost({
      ...NONE, customMetricSeries: 10_000, logMetricSeries: 18, highResolutionAnomalyDetectionAlarms: 2,
    }, US_EAST_1_PRICES, 'us-east-1');
    const usd = Object.fromEntries(estimate.lines.map(l => [l.item, l.monthlyUsd]));
    expect(usd['Custom metrics (log metric filters)']).toBe(1.8);
    expect(usd['High-resolution anomaly-detection alarms']).toBe(1.8);
  });

  test('leaves out what is not used', () => {
    expect(estimateCost(NONE, US_EAST_1_PRICES, 'us-east-1').lines).toEqual([]);
  });

  test('falls back to us-east-1 prices and says so', () => {
    const { table, exact } = pricesFor('ap-southeast-2');
    expect(exact).toBe(false);
    const text = formatCostTable(estimateCost({ ...NONE, dashboards: 2 }, table, 'ap-southeast-2'), 'App');
    expect(text).toContain('no price table for ap-southeast-2: us-east-1 prices read 2026-11-01');
    expect(text).toMatch(/Dashboards\s+2\s+dashboards\s+\$6\.00/);
    expect(text).toMatch(/Total\s+\$6\.00/);
  });
});
