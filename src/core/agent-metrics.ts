import { aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { COMPUTE_DIMENSIONS } from '../private/compute-metric-names';

/**
 * Which series of an agent metric to read: one instance's, or the aggregate the agent
 * publishes for a whole Auto Scaling group.
 */
export class AgentMetricTarget {
  /**
   * The series of one instance that is not in an Auto Scaling group (it carries the
   * `InstanceId` dimension). For a member of a group use `autoScalingGroupMember`: the agent
   * appends `AutoScalingGroupName` to every series of a group member (from the instance's
   * `aws:autoscaling:groupName` tag), so `{InstanceId}` alone never exists for it.
   */
  public static instance(instanceId: string): AgentMetricTarget {
    return new AgentMetricTarget(COMPUTE_DIMENSIONS.instanceId, instanceId);
  }

  /**
   * The series of one instance of an Auto Scaling group: `{AutoScalingGroupName, InstanceId}`
   * (plus the metric's own dimensions), or the per-instance roll-up when the configuration
   * publishes one.
   */
  public static autoScalingGroupMember(instanceId: string, autoScalingGroupName: string): AgentMetricTarget {
    return new AgentMetricTarget(COMPUTE_DIMENSIONS.instanceId, instanceId, autoScalingGroupName);
  }

  /** The aggregate series of every instance of an Auto Scaling group (`AutoScalingGroupName`). */
  public static autoScalingGroup(autoScalingGroupName: string): AgentMetricTarget {
    return new AgentMetricTarget(COMPUTE_DIMENSIONS.autoScalingGroupName, autoScalingGroupName);
  }

  private constructor(
    /** The dimension that identifies the target: `InstanceId` or `AutoScalingGroupName`. */
    public readonly dimensionName: string,
    /** The instance id or group name. */
    public readonly dimensionValue: string,
    /**
     * The group of an instance target that belongs to one.
     * @default - the instance is not in a group
     */
    public readonly autoScalingGroupName?: string,
  ) {}
}

/**
 * Something that knows which agent metrics are published and under which dimensions:
 * the telemetry model. Alarms, scaling policies and dashboards read agent metrics only
 * through it, so they never name a dimension set the agent does not publish.
 */
export interface IAgentMetricSource {
  /** The CloudWatch namespace the agent publishes into. */
  readonly namespace: string;
  /**
   * The mount paths (Linux, `/`) or drives (Windows, `C:`) whose disk usage can be read
   * with `metricDiskUsedPercent`.
   */
  readonly diskPaths: string[];
  /**
   * Whether memory in use is collected, so that `metricMemUsedPercent` can be read (Linux
   * `mem` with `used_percent`, Windows `Memory` with `% Committed Bytes In Use`).
   */
  readonly collectsMemory: boolean;

  /** Memory in use, percent (Linux `mem_used_percent`, Windows `Memory % Committed Bytes In Use`). */
  metricMemUsedPercent(target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Swap (Linux) or paging file (Windows) in use, percent. */
  metricSwapUsedPercent(target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Disk space in use on one mount path or drive, percent: a metric on Linux
   * (`disk_used_percent`), `100 - LogicalDisk % Free Space` on Windows.
   */
  metricDiskUsedPercent(path: string, target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.IMetric;
}
