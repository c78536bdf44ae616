import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { AgentMetricTarget, IAgentMetricSource } from '../../src';

/**
 * A stand-in for the agent telemetry model: publishes into `CWAgent` with exactly the target's
 * dimension (InstanceId, or AutoScalingGroupName for the group roll-up) plus `path` for disk
 * metrics, the way an agent configured with `aggregation_dimensions` does. Like the model, it
 * fails on a disk path it does not publish.
 */
export class FakeAgentMetrics implements IAgentMetricSource {
  /** Per-minute series of `/` and `/data`, as the alarm presets read them. */
  public static perMinute(diskPaths: string[] = ['/', '/data']): FakeAgentMetrics {
    return new FakeAgentMetrics(diskPaths, { period: Duration.minutes(1) });
  }

  public readonly namespace = 'CWAgent';
  public readonly collectsMemory = true;

  /**
   * @param diskPaths the paths whose disk use it publishes
   * @param defaults what every metric has unless the caller's options say otherwise
   */
  public constructor(public readonly diskPaths: string[] = ['/'],
    private readonly defaults: cloudwatch.MetricOptions = { statistic: 'Average' }) {}

  public metricMemUsedPercent(target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('mem_used_percent', target, {}, options);
  }

  public metricSwapUsedPercent(target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('swap_used_percent', target, {}, options);
  }

  public metricDiskUsedPercent(path: string, target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.diskPaths.includes(path)) throw new Error(`FakeAgentMetrics: no disk metrics for ${path}`);
    return this.metric('disk_used_percent', target, { path }, options);
  }

  private metric(metricName: string, target: AgentMetricTarget, extra: Record<string, string>, options?: cloudwatch.MetricOptions) {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      ...this.defaults,
      ...options,
      dimensionsMap: { [target.dimensionName]: target.dimensionValue, ...extra },
    });
  }
}
