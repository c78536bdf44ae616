import { aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { ComputeTarget } from './compute-target';
import { MetricsInsightsAggregation, MetricsInsightsQuery } from './metrics-insights-query';
import {
  AUTO_SCALING_GROUP_METRICS, AUTO_SCALING_NAMESPACE, COMPUTE_DIMENSIONS, EC2_METRICS, EC2_NAMESPACE,
} from '../private/compute-metric-names';
import { ACCOUNT_ID_LABEL } from '../private/metrics-insights';
import { WatchkeeperValidationError, ruleCode } from '../private/validation';

/** Which EC2 status check. */
export enum StatusCheck {
  /** Either check failed (`StatusCheckFailed`). */
  ANY = 'ANY',
  /** The AWS systems the instance runs on: host hardware, power, network (`StatusCheckFailed_System`), the only check EC2 recover acts on. */
  SYSTEM = 'SYSTEM',
  /** The instance's own software and network configuration (`StatusCheckFailed_Instance`). */
  INSTANCE = 'INSTANCE',
  /** The EBS volumes attached to the instance (`StatusCheckFailed_AttachedEBS`, Nitro instances only). */
  ATTACHED_EBS = 'ATTACHED_EBS',
}

/** An EC2 instance metric (`AWS/EC2`), for queries and searches over many instances or groups. */
export enum InstanceMetric {
  /** CPU utilization, percent. */
  CPU_UTILIZATION = 'CPU_UTILIZATION',
  /** CPU credits earned and not spent (burstable types). */
  CPU_CREDIT_BALANCE = 'CPU_CREDIT_BALANCE',
  /** Bytes received on all network interfaces. */
  NETWORK_IN = 'NETWORK_IN',
  /** Bytes sent on all network interfaces. */
  NETWORK_OUT = 'NETWORK_OUT',
  /** Either status check failed (0 or 1, once a minute). */
  STATUS_CHECK_FAILED = 'STATUS_CHECK_FAILED',
  /** The system status check failed. */
  STATUS_CHECK_FAILED_SYSTEM = 'STATUS_CHECK_FAILED_SYSTEM',
  /** The instance status check failed. */
  STATUS_CHECK_FAILED_INSTANCE = 'STATUS_CHECK_FAILED_INSTANCE',
}

/** An Auto Scaling group metric (`AWS/AutoScaling`), published once the group collects metrics. */
export enum AutoScalingGroupMetric {
  /** The group's minimum size. */
  MIN_SIZE = 'MIN_SIZE',
  /** The group's maximum size. */
  MAX_SIZE = 'MAX_SIZE',
  /** The number of instances the group tries to keep. */
  DESIRED_CAPACITY = 'DESIRED_CAPACITY',
  /** Instances running as part of the group (neither pending nor terminating). */
  IN_SERVICE_INSTANCES = 'IN_SERVICE_INSTANCES',
  /** Instances not yet in service. */
  PENDING_INSTANCES = 'PENDING_INSTANCES',
  /** Instances in Standby. */
  STANDBY_INSTANCES = 'STANDBY_INSTANCES',
  /** Instances being terminated. */
  TERMINATING_INSTANCES = 'TERMINATING_INSTANCES',
  /** Every instance of the group: in service, pending and terminating. */
  TOTAL_INSTANCES = 'TOTAL_INSTANCES',
}

const INSTANCE_METRIC_NAMES: Record<InstanceMetric, string> = {
  [InstanceMetric.CPU_UTILIZATION]: EC2_METRICS.cpuUtilization,
  [InstanceMetric.CPU_CREDIT_BALANCE]: EC2_METRICS.cpuCreditBalance,
  [InstanceMetric.NETWORK_IN]: EC2_METRICS.networkIn,
  [InstanceMetric.NETWORK_OUT]: EC2_METRICS.networkOut,
  [InstanceMetric.STATUS_CHECK_FAILED]: EC2_METRICS.statusCheckFailed,
  [InstanceMetric.STATUS_CHECK_FAILED_SYSTEM]: EC2_METRICS.statusCheckFailedSystem,
  [InstanceMetric.STATUS_CHECK_FAILED_INSTANCE]: EC2_METRICS.statusCheckFailedInstance,
};

const STATUS_CHECK_NAMES: Record<StatusCheck, string> = {
  [StatusCheck.ANY]: EC2_METRICS.statusCheckFailed,
  [StatusCheck.SYSTEM]: EC2_METRICS.statusCheckFailedSystem,
  [StatusCheck.INSTANCE]: EC2_METRICS.statusCheckFailedInstance,
  [StatusCheck.ATTACHED_EBS]: EC2_METRICS.statusCheckFailedAttachedEbs,
};

const GROUP_METRIC_NAMES: Record<AutoScalingGroupMetric, string> = {
  [AutoScalingGroupMetric.MIN_SIZE]: AUTO_SCALING_GROUP_METRICS.minSize,
  [AutoScalingGroupMetric.MAX_SIZE]: AUTO_SCALING_GROUP_METRICS.maxSize,
  [AutoScalingGroupMetric.DESIRED_CAPACITY]: AUTO_SCALING_GROUP_METRICS.desiredCapacity,
  [AutoScalingGroupMetric.IN_SERVICE_INSTANCES]: AUTO_SCALING_GROUP_METRICS.inServiceInstances,
  [AutoScalingGroupMetric.PENDING_INSTANCES]: AUTO_SCALING_GROUP_METRICS.pendingInstances,
  [AutoScalingGroupMetric.STANDBY_INSTANCES]: AUTO_SCALING_GROUP_METRICS.standbyInstances,
  [AutoScalingGroupMetric.TERMINATING_INSTANCES]: AUTO_SCALING_GROUP_METRICS.terminatingInstances,
  [AutoScalingGroupMetric.TOTAL_INSTANCES]: AUTO_SCALING_GROUP_METRICS.totalInstances,
};

/** Options of {@link ComputeMetrics.instancesQuery}. */
export interface InstancesQueryOptions {
  /** How the instances' series are combined (per contributor when grouped). */
  readonly aggregation: MetricsInsightsAggregation;
  /**
   * Keep only instances whose resource tag has this value, written `tag.<key>`
   * (`{ 'tag.fleet': 'web' }`); several entries are combined with AND.
   * @default - every instance: requires `accountWide`
   */
  readonly where?: { [tag: string]: string };
  /**
   * One contributor per instance (`GROUP BY InstanceId`): the alarm names the instance and
   * may take EC2 actions on it.
   * @default false
   */
  readonly perInstance?: boolean;
  /**
   * One series per linked account too (`GROUP BY AWS.AccountId`), in a monitoring account
   * of cross-account observability.
   * @default false
   */
  readonly perAccount?: boolean;
  /**
   * Keep only this many series (at most 500).
   * @default - no limit clause
   */
  readonly limit?: number;
  /**
   * The query deliberately reads every instance of the account and Region (or of every
   * linked account).
   * @default false
   */
  readonly accountWide?: boolean;
}

/**
 * The EC2 and Auto Scaling metrics of a {@link ComputeTarget}, typed: an instance's own
 * series (`InstanceId`), a group's EC2 aggregates (published for instances with detailed
 * monitoring) and its group metrics (`AWS/AutoScaling`, once metrics collection is on).
 * Options override the statistic, period and label (CloudWatch's defaults: average over
 * five minutes).
 *
 * @example
 * const target = ComputeTarget.fromAutoScalingGroup(group);
 * const cpu = ComputeMetrics.cpuUtilization(target, { statistic: 'Maximum' });
 * const system = ComputeMetrics.statusCheckFailed(target, StatusCheck.SYSTEM);
 */
export class ComputeMetrics {
  /** CPU utilization, percent (`CPUUtilization`). */
  public static cpuUtilization(target: ComputeTarget, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return ComputeMetrics.ec2Metric(target, EC2_METRICS.cpuUtilization, options);
  }

  /** CPU credits earned and not yet spent, burstable types only (`CPUCreditBalance`). */
  public static cpuCreditBalance(target: ComputeTarget, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return ComputeMetrics.ec2Metric(target, EC2_METRICS.cpuCreditBalance, options);
  }

  /** Bytes received on all network interfaces (`NetworkIn`). */
  public static networkIn(target: ComputeTarget, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return ComputeMetrics.ec2Metric(target, EC2_METRICS.networkIn, options);
  }

  /** Bytes sent on all network interfaces (`NetworkOut`). */
  public static networkOut(target: ComputeTarget, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return ComputeMetrics.ec2Metric(target, EC2_METRICS.networkOut, options);
  }

  /**
   * A failed status check, 0 or 1 once a minute (the group's aggregate: any of its instances).
   * @param check which check
   */
  public static statusCheckFailed(target: ComputeTarget, check: StatusCheck = StatusCheck.ANY,
    options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return ComputeMetrics.ec2Metric(target, STATUS_CHECK_NAMES[check], options);
  }

  /** A group metric of an Auto Scaling group target (`AWS/AutoScaling`). Fails for an instance. */
  public static autoScalingGroupMetric(target: ComputeTarget, metric: AutoScalingGroupMetric,
    options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    if (!target.isAutoScalingGroup) {
      throw new WatchkeeperValidationError(ruleCode('ComputeMetrics', 'target'),
        `ComputeMetrics.autoScalingGroupMetric: target must be an Auto Scaling group (group metrics describe a group), got ${target.displayName}`);
    }
    return new cloudwatch.Metric({
      namespace: AUTO_SCALING_NAMESPACE,
      metricName: GROUP_METRIC_NAMES[metric],
      ...options,
      dimensionsMap: { [COMPUTE_DIMENSIONS.autoScalingGroupName]: target.autoScalingGroupName! },
    });
  }

  /**
   * Any `AWS/EC2` metric of the target, by name: the escape hatch for a metric without a
   * method here (`EBSIOBalance%`, `MetadataNoToken`...).
   * @param metricName the name EC2 publishes the metric under
   */
  public static ec2Metric(target: ComputeTarget, metricName: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    const dimensionsMap: cloudwatch.DimensionsMap = target.instanceId !== undefined
      ? { [COMPUTE_DIMENSIONS.instanceId]: target.instanceId }
      : { [COMPUTE_DIMENSIONS.autoScalingGroupName]: target.autoScalingGroupName! };
    return new cloudwatch.Metric({ namespace: EC2_NAMESPACE, metricName, ...options, dimensionsMap });
  }

  /**
   * A Metrics Insights query over the per-instance series of an EC2 metric
   * (`SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) ...`): one alarm for a
   * whole fleet, one contributor per instance with `perInstance`.
   */
  public static instancesQuery(metric: InstanceMetric, options: InstancesQueryOptions): MetricsInsightsQuery {
    const groupBy = [
      ...(options.perAccount ? [ACCOUNT_ID_LABEL] : []),
      ...(options.perInstance ? [COMPUTE_DIMENSIONS.instanceId] : []),
    ];
    return MetricsInsightsQuery.aggregate({
      aggregation: options.aggregation,
      namespace: EC2_NAMESPACE,
      metricName: INSTANCE_METRIC_NAMES[metric],
      schemaDimensions: [COMPUTE_DIMENSIONS.instanceId],
      where: options.where,
      groupBy,
      limit: options.limit,
      accountWide: options.accountWide,
    });
  }

  /**
   * A `SEARCH()` over every Auto Scaling group of the account and Region, for graphs (never
   * alarms): an EC2 metric aggregated per group, one line per group.
   */
  public static searchAutoScalingGroups(metric: InstanceMetric, options: cloudwatch.MetricOptions = {}): cloudwatch.SearchExpression {
    return search(EC2_NAMESPACE, INSTANCE_METRIC_NAMES[metric], options);
  }

  /** A `SEARCH()` over a group metric of every Auto Scaling group of the account and Region, for graphs (never alarms). */
  public static searchAutoScalingGroupMetric(metric: AutoScalingGroupMetric, options: cloudwatch.MetricOptions = {}): cloudwatch.SearchExpression {
    return search(AUTO_SCALING_NAMESPACE, GROUP_METRIC_NAMES[metric], options);
  }

  private constructor() {}
}

/** `SEARCH('{namespace,AutoScalingGroupName} MetricName="name"', statistic, seconds)`. */
function search(namespace: string, metricName: string, options: cloudwatch.MetricOptions): cloudwatch.SearchExpression {
  const period = options.period;
  const seconds = period?.toSeconds() ?? 300;
  return new cloudwatch.SearchExpression({
    expression: `SEARCH('{${namespace},${COMPUTE_DIMENSIONS.autoScalingGroupName}} MetricName="${metricName}"', '${options.statistic ?? 'Average'}', ${seconds})`,
    label: options.label,
    period,
  });
}
