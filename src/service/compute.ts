import {
  aws_autoscaling as autoscaling,
  aws_ec2 as ec2,
  aws_iam as iam,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  BuiltCompute, ComputeContext, ExistingComputeOptions, NewAutoScalingGroupOptions, NewInstanceOptions,
} from './compute-options';
import { ComputeTarget } from '../core/compute-target';
import { invalid } from '../private/validation';
import { buildNewGroup } from './private/new-group';
import { buildNewInstance } from './private/new-instance';

/**
 * The compute a {@link MonitoredService} watches: a new or existing Auto Scaling group, a
 * new single instance, or existing instances.
 */
export abstract class ServiceCompute {
  /**
   * A new Auto Scaling group from a launch template (the default): IMDSv2 required,
   * encrypted gp3 root volume, no SSH key, no public IP, detailed monitoring, group
   * metrics, private subnets, failed launches reported to the alert topic.
   */
  public static newAutoScalingGroup(options: NewAutoScalingGroupOptions = {}): ServiceCompute {
    return new NewGroupCompute(options);
  }

  /** An Auto Scaling group created elsewhere; its launch settings are left as they are. */
  public static existingAutoScalingGroup(group: autoscaling.IAutoScalingGroup, options: ExistingComputeOptions = {}): ServiceCompute {
    return new ExistingGroupCompute(group, options);
  }

  /**
   * A new single instance with the same secure defaults as the group, plus termination
   * protection.
   */
  public static newInstance(options: NewInstanceOptions = {}): ServiceCompute {
    return new NewInstanceCompute(options);
  }

  /** Instances created elsewhere; their settings are left as they are. */
  public static existingInstances(instances: ec2.IInstance[], options: ExistingComputeOptions = {}): ServiceCompute {
    return new ExistingInstancesCompute(instances, options);
  }

  /** @internal */
  public abstract _build(scope: Construct, context: ComputeContext): BuiltCompute;
}

class NewGroupCompute extends ServiceCompute {
  public constructor(private readonly options: NewAutoScalingGroupOptions) { super(); }

  public _build(scope: Construct, context: ComputeContext): BuiltCompute {
    return buildNewGroup(scope, context, this.options);
  }
}

class NewInstanceCompute extends ServiceCompute {
  public constructor(private readonly options: NewInstanceOptions) { super(); }

  public _build(scope: Construct, context: ComputeContext): BuiltCompute {
    return buildNewInstance(scope, context, this.options);
  }
}

class ExistingGroupCompute extends ServiceCompute {
  public constructor(private readonly group: autoscaling.IAutoScalingGroup, private readonly options: ExistingComputeOptions) { super(); }

  public _build(_scope: Construct, _context: ComputeContext): BuiltCompute {
    const group = this.group;
    const role = this.options.role ?? roleOf(group);
    const connections = group instanceof autoscaling.AutoScalingGroup ? group.connections : undefined;
    return { autoScalingGroup: group, instances: [], targets: [ComputeTarget.fromAutoScalingGroup(group)], role, connections, created: false };
  }
}

class ExistingInstancesCompute extends ServiceCompute {
  public constructor(private readonly instances: ec2.IInstance[], private readonly options: ExistingComputeOptions) { super(); }

  public _build(scope: Construct, _context: ComputeContext): BuiltCompute {
    if (this.instances.length === 0) {
      invalid(scope, 'instances', 'a list of at least one instance', []);
    }
    const roles = new Set(this.instances.map(roleOf).filter((r): r is iam.IRole => r !== undefined));
    const role = this.options.role ?? (roles.size === 1 ? [...roles][0] : undefined);
    return {
      instances: [...this.instances],
      targets: this.instances.map(instance => ComputeTarget.fromInstance(instance)),
      role,
      connections: this.instances.length === 1 ? this.instances[0].connections : undefined,
      created: false,
      expectedInstances: this.instances.length,
    };
  }
}

/** The role of an L2 group or instance of this app, when it has one. */
function roleOf(resource: autoscaling.IAutoScalingGroup | ec2.IInstance): iam.IRole | undefined {
  if (resource instanceof autoscaling.AutoScalingGroup) {
    try {
      return resource.role;
    } catch {
      // A group built from a launch template exposes its role only through the template.
      return undefined;
    }
  }
  if (resource instanceof ec2.Instance) return resource.role;
  return undefined;
}

