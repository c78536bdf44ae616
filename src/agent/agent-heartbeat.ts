import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { AgentConfig } from './agent-config';
import { AgentOs } from './plugins';
import { AgentMetricTarget } from '../core/agent-metrics';
import { AutoScalingGroupMetric, ComputeMetrics } from '../core/compute-metrics';
import { ComputeTarget } from '../core/compute-target';

/** How an agent heartbeat alarm reads and judges its metric. Not exported from the package. */
export interface AgentHeartbeat {
  /** The metric (or metric math) the alarm watches. */
  readonly metric: cloudwatch.IMetric;
  /** The value compared with it. */
  readonly threshold: number;
  /** How it is compared. */
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  /** Periods evaluated. */
  readonly evaluationPeriods: number;
  /** Periods among them that must breach. */
  readonly datapointsToAlarm: number;
  /** What missing data means for this metric. */
  readonly treatMissingData: cloudwatch.TreatMissingData;
  /** The sentence that explains the rule in the alarm's description. */
  readonly rule: string;
}

/**
 * The agent's heartbeat: how many samples of one metric the agent always publishes (memory,
 * or else swap) arrived. `undefined` when the configuration publishes neither for the target.
 *
 * Both forms evaluate the same window (`heartbeatWindow`): periods of the smallest multiple of
 * the collection interval and one minute, about ten minutes of them. A booting instance (in
 * service about five minutes before its agent runs) never lasts that long; a dead agent does.
 * The window stays within the 15 minutes after a scheduled start for which
 * `ScheduledStartStop` keeps liveness alarms muted by default.
 *
 * - One instance: `SampleCount` of its series below 1. A stopped instance publishes nothing,
 *   so missing data is breaching: the alarm is a liveness alarm, which planned downtime mutes.
 * - A group: `inService - FILL(samples, 0) / perInstance`, the number of in-service instances
 *   whose samples are missing (`perInstance` samples arrive from each instance per period), at
 *   or above 0.5. A group scaled to zero has 0 in service and yields 0; one silent agent among
 *   many yields 1, and every agent silent yields the whole in-service count: metric math treats
 *   a value missing from one series as 0 where the other has one ("Missing values in a time
 *   series are treated as 0", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html),
 *   and FILL fills the samples' gaps. Missing data is breaching, as for every liveness alarm:
 *   the expression lacks data only when neither series has any (the whole group dark), which
 *   must page, and the in-service capacity alarm (missing data breaching too) pages with it.
 *   The newest periods read 0 while `GroupInServiceInstances` has not arrived yet (FILL gives
 *   the samples a value there, and the missing in-service count is taken as 0), so two periods
 *   of the window may be OK: all but two must breach.
 */
export function agentHeartbeat(config: AgentConfig, compute: ComputeTarget): AgentHeartbeat | undefined {
  const name = heartbeatMetricName(config);
  if (!name) return undefined;
  const target = compute.agentTarget;
  const want = target.dimensionName;
  // The series the target is read from: the group's roll-up, or the instance's own series
  // (Windows counters also carry `objectname`).
  const readable = config.publishedDimensionSets(name.metricName)
    .some(set => set.split(',').includes(want) && set.split(',').every(d => d === want || d === 'objectname'));
  if (!readable) return undefined;

  const { period, evaluationPeriods } = heartbeatWindow(config.intervalSeconds);
  const window = `${evaluationPeriods} periods of ${period.toHumanString()}`;
  const samples = name.read(config, target, { statistic: 'SampleCount', period });
  if (!compute.isAutoScalingGroup) {
    return {
      metric: samples,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      rule: `The CloudWatch agent published no ${name.metricName} sample in ${window}`,
    };
  }
  const perInstance = period.toSeconds() / config.intervalSeconds;
  const inService = ComputeMetrics.autoScalingGroupMetric(compute, AutoScalingGroupMetric.IN_SERVICE_INSTANCES, { statistic: 'Average', period });
  return {
    metric: new cloudwatch.MathExpression({
      expression: `inService - FILL(samples, 0) / ${perInstance}`,
      usingMetrics: { inService, samples },
      label: 'In-service instances whose agent is silent',
      period,
    }),
    evaluationPeriods,
    datapointsToAlarm: Math.max(1, evaluationPeriods - 2),
    threshold: 0.5,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    rule: `In ${window}, the CloudWatch agent of at least one in-service instance published `
      + `no ${name.metricName} sample (in-service instances minus ${name.metricName} samples / ${perInstance})`,
  };
}

/**
 * The heartbeat's periods: the smallest multiple of both the interval and 60 seconds, so every
 * instance contributes a whole number of samples to each, and as many as fit in ten minutes
 * (at least one).
 */
export function heartbeatWindow(intervalSeconds: number): { period: Duration; evaluationPeriods: number } {
  const period = Duration.seconds(lcm(60, intervalSeconds));
  return { period, evaluationPeriods: Math.max(1, Math.floor(600 / period.toSeconds())) };
}

interface HeartbeatMetric {
  readonly metricName: string;
  read(config: AgentConfig, target: AgentMetricTarget, options: cloudwatch.MetricOptions): cloudwatch.Metric;
}

function heartbeatMetricName(config: AgentConfig): HeartbeatMetric | undefined {
  const windows = config.os === AgentOs.WINDOWS;
  const candidates: Array<HeartbeatMetric & { plugin: string; measurement: string }> = [
    {
      plugin: windows ? 'Memory' : 'mem',
      measurement: windows ? '% Committed Bytes In Use' : 'used_percent',
      metricName: windows ? 'Memory % Committed Bytes In Use' : 'mem_used_percent',
      read: (c, t, o) => c.metricMemUsedPercent(t, o),
    },
    {
      plugin: windows ? 'Paging File' : 'swap',
      measurement: windows ? '% Usage' : 'used_percent',
      metricName: windows ? 'Paging File % Usage' : 'swap_used_percent',
      read: (c, t, o) => c.metricSwapUsedPercent(t, o),
    },
  ];
  return candidates.find(c => config.plugins.some(p => p.key === c.plugin && p.collects(c.measurement)));
}

function lcm(a: number, b: number): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  return (a * b) / gcd(a, b);
}
