import { aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { AgentMetricTarget, IAgentMetricSource } from '../../src';

/** Agent metrics as the recommended preset publishes them (group aggregates, root disk). */
export function benchAgentMetrics(): IAgentMetricSource {
  const metric = (name: string, target: AgentMetricTarget, extra: Record<string, string>, options?: cloudwatch.MetricOptions) =>
    new cloudwatch.Metric({ namespace: 'CWAgent', metricName: name, dimensionsMap: { [target.dimensionName]: target.dimensionValue, ...extra }, ...options });
  return {
    namespace: 'CWAgent',
    diskPaths: ['/'],
    collectsMemory: true,
    metricMemUsedPercent: (t, o) => metric('mem_used_percent', t, {}, o),
    metricSwapUsedPercent: (t, o) => metric('swap_used_percent', t, {}, o),
    metricDiskUsedPercent: (p, t, o) => metric('disk_used_percent', t, { path: p }, o),
  };
}
