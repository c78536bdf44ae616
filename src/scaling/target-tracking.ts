import {
  Duration, Token,
  aws_autoscaling as autoscaling,
  aws_cloudwatch as cloudwatch,
  aws_elasticloadbalancingv2 as elbv2,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AgentMetricTarget, IAgentMetricSource } from '../core/agent-metrics';
import { invalid } from '../private/validation';

/**
 * The metric a target tracking policy holds at its target value.
 *
 * Percent metrics (CPU, memory) accept targets greater than 0 and at most 100.
 */
export abstract class TrackedMetric {
  /** Average CPU utilization of the group's instances (EC2's predefined metric). */
  public static cpuUtilization(): TrackedMetric {
    return new PredefinedTrackedMetric('CPU utilization', autoscaling.PredefinedMetric.ASG_AVERAGE_CPU_UTILIZATION, true);
  }

  /**
   * Memory in use, percent, averaged over the group, read through the telemetry model
   * (`mem_used_percent` aggregated by `AutoScalingGroupName`). The agent must publish that
   * aggregate for the group.
   */
  public static memoryUtilization(agentMetrics: IAgentMetricSource): TrackedMetric {
    return new MetricTrackedMetric('memory utilization', true,
      group => agentMetrics.metricMemUsedPercent(AgentMetricTarget.autoScalingGroup(group.autoScalingGroupName), {
        statistic: cloudwatch.Stats.AVERAGE,
        period: Duration.minutes(1),
      }));
  }

  /**
   * Requests per instance behind an Application Load Balancer target group
   * (`ALBRequestCountPerTarget`). The target group must belong to a load balancer of
   * this app and the group must be registered in it.
   */
  public static requestCountPerTarget(targetGroup: elbv2.IApplicationTargetGroup): TrackedMetric {
    return new RequestCountTrackedMetric(targetGroup);
  }

  /**
   * Any metric that moves in proportion to the group's capacity (for example, queue
   * messages per instance). Use the `Average` statistic of a per-instance metric.
   */
  public static custom(metric: cloudwatch.IMetric): TrackedMetric {
    return new MetricTrackedMetric('metric', false, () => metric);
  }

  /** @internal Human-readable name used in error messages. */
  public abstract readonly _description: string;
  /** @internal True when the metric is a percentage. */
  public abstract readonly _isPercent: boolean;
  /** @internal */
  public abstract _bind(scope: Construct, group: autoscaling.IAutoScalingGroup): TrackedMetricConfig;
}

/** @internal */
export interface TrackedMetricConfig {
  readonly predefinedMetric?: autoscaling.PredefinedMetric;
  readonly resourceLabel?: string;
  readonly customMetric?: cloudwatch.IMetric;
}

class PredefinedTrackedMetric extends TrackedMetric {
  public constructor(
    public readonly _description: string,
    private readonly predefined: autoscaling.PredefinedMetric,
    public readonly _isPercent: boolean,
  ) { super(); }

  public _bind(): TrackedMetricConfig {
    return { predefinedMetric: this.predefined };
  }
}

class MetricTrackedMetric extends TrackedMetric {
  public constructor(
    public readonly _description: string,
    public readonly _isPercent: boolean,
    private readonly metric: (group: autoscaling.IAutoScalingGroup) => cloudwatch.IMetric,
  ) { super(); }

  public _bind(_scope: Construct, group: autoscaling.IAutoScalingGroup): TrackedMetricConfig {
    return { customMetric: this.metric(group) };
  }
}

class RequestCountTrackedMetric extends TrackedMetric {
  public readonly _description = 'request count per target';
  public readonly _isPercent = false;

  public constructor(private readonly targetGroup: elbv2.IApplicationTargetGroup) { super(); }

  public _bind(scope: Construct): TrackedMetricConfig {
    // The resource label is `app/<lb>/<id>/targetgroup/<tg>/<id>`: the two dimensions of the
    // target group's RequestCount metric, joined.
    const dimensions = this.targetGroup.metrics.requestCount().dimensions ?? {};
    const loadBalancer = dimensions.LoadBalancer;
    const targetGroup = dimensions.TargetGroup;
    if (loadBalancer === undefined || targetGroup === undefined) {
      invalid(scope, 'targetGroup', 'a target group attached to an Application Load Balancer', this.targetGroup.node.path);
    }
    return {
      predefinedMetric: autoscaling.PredefinedMetric.ALB_REQUEST_COUNT_PER_TARGET,
      resourceLabel: `${loadBalancer}/${targetGroup}`,
    };
  }
}

/** How a target tracking policy reacts; shared by every tracked metric. */
export interface TargetTrackingOptions {
  /**
   * Time a new instance needs before its metrics count.
   * @default - the group's default instance warmup (5 minutes on groups this library creates)
   */
  readonly estimatedInstanceWarmup?: Duration;
  /**
   * Only scale out; never remove instances because of this policy.
   * @default false
   */
  readonly disableScaleIn?: boolean;
}

/** Properties of a {@link TargetTrackingScaling}. */
export interface TargetTrackingScalingProps extends TargetTrackingOptions {
  /** The group to scale. */
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
  /** The metric to hold at `targetValue`. */
  readonly metric: TrackedMetric;
  /**
   * The value to hold the metric at: a percentage (greater than 0, at most 100) for CPU
   * and memory, a count per instance for requests.
   */
  readonly targetValue: number;
}

/**
 * Keeps a metric of an Auto Scaling group at a target value: Auto Scaling creates and
 * owns the alarms (they need no action of yours and must not be edited).
 *
 * Target tracking policies have no cooldown: new instances are excluded from the metric
 * for the warmup instead.
 *
 * @example
 * new TargetTrackingScaling(this, 'Cpu', {
 *   autoScalingGroup: group,
 *   metric: TrackedMetric.cpuUtilization(),
 *   targetValue: 50,
 * });
 */
export class TargetTrackingScaling extends Construct {
  /** The scaling policy. */
  public readonly policy: autoscaling.TargetTrackingScalingPolicy;

  public constructor(scope: Construct, id: string, props: TargetTrackingScalingProps) {
    super(scope, id);
    const target = props.targetValue;
    if (!Token.isUnresolved(target)) {
      if (props.metric._isPercent && !(Number.isFinite(target) && target > 0 && target <= 100)) {
        invalid(this, 'targetValue', `a ${props.metric._description} target greater than 0 and at most 100 (percent)`, target);
      }
      if (!props.metric._isPercent && !(Number.isFinite(target) && target > 0)) {
        invalid(this, 'targetValue', `a ${props.metric._description} target greater than 0`, target);
      }
    }
    const warmup = props.estimatedInstanceWarmup;
    if (warmup && !warmup.isUnresolved() && warmup.toSeconds() > 3600) {
      invalid(this, 'estimatedInstanceWarmup', 'at most 1 hour', warmup.toHumanString());
    }

    const config = props.metric._bind(this, props.autoScalingGroup);
    this.policy = new autoscaling.TargetTrackingScalingPolicy(this, 'Resource', {
      autoScalingGroup: props.autoScalingGroup,
      targetValue: target,
      estimatedInstanceWarmup: warmup,
      disableScaleIn: props.disableScaleIn,
      predefinedMetric: config.predefinedMetric,
      resourceLabel: config.resourceLabel,
      customMetric: config.customMetric,
    });
  }
}
