import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';

/** The one metric of a service's target, or the average of its instances' metrics, labelled with the service. */
export function averageOf(metrics: cloudwatch.Metric[], serviceName: string, options: cloudwatch.MetricOptions): cloudwatch.IMetric {
  if (metrics.length === 1) return metrics[0];
  return new cloudwatch.MathExpression({
    expression: `AVG([${metrics.map((_, i) => `m${i}`).join(',')}])`,
    usingMetrics: Object.fromEntries(metrics.map((m, i) => [`m${i}`, m])),
    label: `${metrics[0].metricName} of ${serviceName}`,
    period: options.period ?? Duration.minutes(5),
  });
}
