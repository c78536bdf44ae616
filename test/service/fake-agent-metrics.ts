import { aws_cloudwatch as cloudwatch, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AgentMetricTarget, IAgentMetricSource } from '../../src';

/**
 * A minimal telemetry model for tests: publishes into `CWAgent` with exactly the target's
 * dimension, the way an agent configured with `aggregation_dimensions` does.
 */
export class FakeAgentMetrics implements IAgentMetricSource {
  public readonly namespace = 'CWAgent';
  public readonly collectsMemory = true;
  public constructor(public readonly diskPaths: string[] = ['/']) {}

  public metricMemUsedPercent(target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('mem_used_percent', target, {}, options);
  }

  public metricSwapUsedPercent(target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('swap_used_percent', target, {}, options);
  }

  public metricDiskUsedPercent(path: string, target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('disk_used_percent', target, { path }, options);
  }

  private metric(metricName: string, target: AgentMetricTarget, extra: Record<string, string>, options?: cloudwatch.MetricOptions) {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      statistic: 'Average',
      ...options,
      dimensionsMap: { [target.dimensionName]: target.dimensionValue, ...extra },
    });
  }
}

/** An existing VPC with two private and two public subnets, creating no resource. */
export function importedVpc(scope: Construct): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(scope, 'ImportedVpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    publicSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
  });
}
