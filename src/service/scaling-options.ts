import { aws_cloudwatch as cloudwatch, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { TargetTrackingOptions } from '../scaling/target-tracking';

/** Target tracking on a utilization percentage (CPU or memory). */
export interface UtilizationScalingOptions extends TargetTrackingOptions {
  /** The utilization to hold, percent (greater than 0, at most 100). */
  readonly targetUtilizationPercent: number;
}

/** Target tracking on requests per instance behind an Application Load Balancer. */
export interface RequestCountScalingOptions extends TargetTrackingOptions {
  /** The target group the service's group is registered in. */
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  /** Requests per instance to hold (per minute). */
  readonly targetRequestsPerInstance: number;
}

/** Target tracking on any metric. */
export interface MetricScalingOptions extends TargetTrackingOptions {
  /** A metric that moves in proportion to capacity (for example, a per-instance average). */
  readonly metric: cloudwatch.IMetric;
  /** The value to hold it at (greater than 0). */
  readonly targetValue: number;
}
