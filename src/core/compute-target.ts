import { aws_autoscaling as autoscaling, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { AgentMetricTarget } from './agent-metrics';

/**
 * What is watched: one instance (alone or in an Auto Scaling group), or a whole Auto Scaling
 * group. `ComputeMetrics` reads its EC2 and Auto Scaling metrics, and `agentTarget` names the
 * series its CloudWatch agent publishes, so presets and dashboards never pick a dimension.
 *
 * @example
 * const cpu = ComputeMetrics.cpuUtilization(ComputeTarget.fromInstance(instance));
 */
export class ComputeTarget {
  /**
   * An instance of this app.
   * @param instance the instance
   * @param autoScalingGroupName the Auto Scaling group it belongs to, if any: its agent
   * series then carry the group's name, and the group (not EC2 recover) replaces it
   */
  public static fromInstance(instance: ec2.IInstance, autoScalingGroupName?: string): ComputeTarget {
    return new ComputeTarget(instance.instanceId, autoScalingGroupName, `instance ${instance.node.path}`, instance);
  }

  /**
   * An instance this app does not define, by its id.
   * @param instanceId the instance's id
   * @param autoScalingGroupName the Auto Scaling group it belongs to, if any
   */
  public static fromInstanceId(instanceId: string, autoScalingGroupName?: string): ComputeTarget {
    return new ComputeTarget(instanceId, autoScalingGroupName, `instance ${instanceId}`);
  }

  /** Every instance of an Auto Scaling group, through the group's aggregates. */
  public static fromAutoScalingGroup(group: autoscaling.IAutoScalingGroup): ComputeTarget {
    return new ComputeTarget(undefined, group.autoScalingGroupName, `Auto Scaling group ${group.node.path}`, undefined, group);
  }

  /**
   * The instance's id.
   * @default - none: the target is an Auto Scaling group
   */
  public readonly instanceId?: string;
  /**
   * The group's name, or the name of the group the instance belongs to.
   * @default - none: an instance outside any group
   */
  public readonly autoScalingGroupName?: string;
  /** How alarm descriptions name the target: `instance <path or id>` or `Auto Scaling group <path>`. */
  public readonly displayName: string;
  /**
   * The instance, when it is one of this app.
   * @default - none
   */
  public readonly instance?: ec2.IInstance;
  /**
   * The group, when the target is an Auto Scaling group.
   * @default - none: the target is an instance
   */
  public readonly autoScalingGroup?: autoscaling.IAutoScalingGroup;

  private constructor(instanceId: string | undefined, autoScalingGroupName: string | undefined, displayName: string,
    instance?: ec2.IInstance, autoScalingGroup?: autoscaling.IAutoScalingGroup) {
    this.instanceId = instanceId;
    this.autoScalingGroupName = autoScalingGroupName;
    this.displayName = displayName;
    this.instance = instance;
    this.autoScalingGroup = autoScalingGroup;
  }

  /** Whether the target is a whole Auto Scaling group rather than one instance. */
  public get isAutoScalingGroup(): boolean {
    return this.instanceId === undefined;
  }

  /** Whether the target is an instance that belongs to an Auto Scaling group. */
  public get isGroupMember(): boolean {
    return this.instanceId !== undefined && this.autoScalingGroupName !== undefined;
  }

  /** The series the CloudWatch agent publishes for the target. */
  public get agentTarget(): AgentMetricTarget {
    if (this.instanceId === undefined) return AgentMetricTarget.autoScalingGroup(this.autoScalingGroupName!);
    return this.autoScalingGroupName !== undefined
      ? AgentMetricTarget.autoScalingGroupMember(this.instanceId, this.autoScalingGroupName)
      : AgentMetricTarget.instance(this.instanceId);
  }
}
