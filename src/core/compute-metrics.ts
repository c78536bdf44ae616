import { aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';

/**
 * The EC2 and Auto Scaling metrics of the library, built in one place: an instance's
 * `AWS/EC2` metrics (`InstanceId`), a group's `AWS/EC2` aggregates (`AutoScalingGroupName`,
 * published for instances with detailed monitoring) and a group's `AWS/AutoScaling` group
 * metrics (published once group metrics collection is on).
 *
 * @example
 * const cpu = ComputeMetrics.instance('CPUUtilization', 'i-0123456789abcdef0', { statistic: 'Maximum' });
 */
export class ComputeMetrics {
  /** An `AWS/EC2` metric of one instance. */
  public static instance(metricName: string, instanceId: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: 'AWS/EC2', metricName, ...options, dimensionsMap: { InstanceId: instanceId } });
  }

  /** An `AWS/EC2` metric aggregated over the instances of an Auto Scaling group. */
  public static groupEc2(metricName: string, autoScalingGroupName: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: 'AWS/EC2', metricName, ...options, dimensionsMap: { AutoScalingGroupName: autoScalingGroupName } });
  }

  /** An `AWS/AutoScaling` group metric (`GroupInServiceInstances`, `GroupMinSize`...). */
  public static group(metricName: string, autoScalingGroupName: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: 'AWS/AutoScaling', metricName, ...options, dimensionsMap: { AutoScalingGroupName: autoScalingGroupName } });
  }

  private constructor() {}
}
