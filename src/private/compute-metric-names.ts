// The names of the EC2 and Auto Scaling metrics, namespaces and dimensions, the one place in
// the library that spells them. `core/compute-metrics.ts` builds typed metrics from them;
// pure modules (the idle-shutdown decision, the rehearsal's simulated fleet) import them from
// here, which imports nothing, so a Lambda bundle stays free of the CDK. A lint test fails on
// a metric name spelled in any other file of src/.

/** The namespace of the EC2 instance metrics (per instance, and per Auto Scaling group). */
export const EC2_NAMESPACE = 'AWS/EC2';
/** The namespace of the Auto Scaling group metrics (published once metrics collection is on). */
export const AUTO_SCALING_NAMESPACE = 'AWS/AutoScaling';

/** The dimensions that name what an EC2 or Auto Scaling metric is about. */
export const COMPUTE_DIMENSIONS = {
  instanceId: 'InstanceId',
  autoScalingGroupName: 'AutoScalingGroupName',
} as const;

/**
 * The `AWS/EC2` instance metrics the library reads, by the name EC2 publishes them under.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html
 */
export const EC2_METRICS = {
  cpuUtilization: 'CPUUtilization',
  cpuCreditBalance: 'CPUCreditBalance',
  cpuCreditUsage: 'CPUCreditUsage',
  networkIn: 'NetworkIn',
  networkOut: 'NetworkOut',
  statusCheckFailed: 'StatusCheckFailed',
  statusCheckFailedSystem: 'StatusCheckFailed_System',
  statusCheckFailedInstance: 'StatusCheckFailed_Instance',
  statusCheckFailedAttachedEbs: 'StatusCheckFailed_AttachedEBS',
} as const;

/**
 * The `AWS/AutoScaling` group metrics, as `EnableMetricsCollection` and the MetricsCollection
 * property name them.
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_MetricCollectionType.html
 */
export const AUTO_SCALING_GROUP_METRICS = {
  minSize: 'GroupMinSize',
  maxSize: 'GroupMaxSize',
  desiredCapacity: 'GroupDesiredCapacity',
  inServiceInstances: 'GroupInServiceInstances',
  pendingInstances: 'GroupPendingInstances',
  standbyInstances: 'GroupStandbyInstances',
  terminatingInstances: 'GroupTerminatingInstances',
  totalInstances: 'GroupTotalInstances',
} as const;
