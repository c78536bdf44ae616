import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { AgentMetricTarget, IAgentMetricSource } from '../../src';

/**
 * A stand-in for the agent telemetry model in alarm tests: it publishes what the agent
 * publishes: namespace CWAgent, dimensions InstanceId (per instance) or AutoScalingGroupName
 * (group aggregate), plus `path` for disk metrics.
 */
export class FakeAgent implements IAgentMetricSource {
  public readonly namespace = 'CWAgent';
  public readonly collectsMemory = true;

  public constructor(public readonly diskPaths: string[] = ['/', '/data']) {}

  public metricMemUsedPercent(target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('mem_used_percent', target, {}, options);
  }

  public metricSwapUsedPercent(target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('swap_used_percent', target, {}, options);
  }

  public metricDiskUsedPercent(path: string, target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.diskPaths.includes(path)) throw new Error(`FakeAgent: no disk metrics for ${path}`);
    return this.metric('disk_used_percent', target, { path }, options);
  }

  private metric(metricName: string, target: AgentMetricTarget, extra: Record<string, string>, options?: cloudwatch.MetricOptions) {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: { ...extra, [target.dimensionName]: target.dimensionValue },
      period: Duration.minutes(1),
      ...options,
    });
  }
}
