import { aws_iam as iam } from 'aws-cdk-lib';

/**
 * IAM actions that AWS offers no resource-level permission for: a statement granting them
 * must say `Resource: '*'`. Each entry carries the reason, which is also the text of the
 * cdk-nag acknowledgement on the policy that holds it, so a reviewer reads the same claim
 * in the code, the template and the nag report.
 *
 * Keep this list short and checked against the Service Authorization Reference.
 */
export interface UnscopedActions {
  /** The actions, all of one service. */
  readonly actions: string[];
  /** Why they cannot be scoped. */
  readonly reason: string;
}

/**
 * Session Manager channels (SSM Agent opens them from the instance). The `ssmmessages`
 * actions have no resource type in the Service Authorization Reference.
 */
export const SESSION_MANAGER_CHANNELS: UnscopedActions = {
  actions: [
    'ssmmessages:CreateControlChannel',
    'ssmmessages:CreateDataChannel',
    'ssmmessages:OpenControlChannel',
    'ssmmessages:OpenDataChannel',
  ],
  reason: 'ssmmessages:CreateControlChannel, CreateDataChannel, OpenControlChannel and OpenDataChannel have no resource type '
    + '(Service Authorization Reference, Amazon Message Gateway Service): Session Manager needs them on Resource *.',
};

/** A statement granting the actions on `*`, with a Sid so the template shows which list it came from. */
export function unscopedStatement(sid: string, unscoped: UnscopedActions): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid, actions: [...unscoped.actions], resources: ['*'] });
}

/**
 * Publishing custom metrics. `cloudwatch:PutMetricData` has no resource type; the
 * `cloudwatch:namespace` condition key is what limits it, so every grant of it carries that
 * condition.
 */
export const PUT_METRIC_DATA: UnscopedActions = {
  actions: ['cloudwatch:PutMetricData'],
  reason: 'cloudwatch:PutMetricData has no resource type (Service Authorization Reference, Amazon CloudWatch): '
    + 'it is limited to one namespace by the cloudwatch:namespace condition instead.',
};

/**
 * Reading metric data for dashboards and alarm graphs. `cloudwatch:GetMetricData` has no
 * resource type and no condition key that limits it to some metrics.
 */
export const READ_METRIC_DATA: UnscopedActions = {
  actions: ['cloudwatch:GetMetricData'],
  reason: 'cloudwatch:GetMetricData has no resource type (Service Authorization Reference, Amazon CloudWatch): '
    + 'dashboards and alarm graphs cannot render without it.',
};

/**
 * Listing saved Logs Insights queries. `logs:DescribeQueryDefinitions` has no resource type;
 * starting a query and reading its results are scoped to the log groups.
 */
export const READ_QUERY_RESULTS: UnscopedActions = {
  actions: ['logs:DescribeQueryDefinitions'],
  reason: 'logs:DescribeQueryDefinitions has no resource type (Service Authorization Reference, Amazon CloudWatch Logs): '
    + 'listing saved queries needs Resource *; starting queries and reading their results is scoped to the granted log groups.',
};

/**
 * What a log alarm's scheduled query needs besides its log group: stopping a query it
 * started and listing log groups (the log alarm page lists both for the query role). Neither
 * has a resource type.
 */
export const LOG_ALARM_QUERY_CONTROL: UnscopedActions = {
  actions: ['logs:StopQuery', 'logs:DescribeLogGroups'],
  reason: 'logs:StopQuery and logs:DescribeLogGroups have no resource type (Service Authorization Reference, Amazon CloudWatch Logs): '
    + 'the scheduled query of a log alarm needs them on Resource *; starting queries and reading results is scoped to the log group.',
};

/**
 * What the CloudWatch agent reads about its own instance: its tags (for the
 * `AutoScalingGroupName` dimension) and its volumes (for EBS dimensions of disk metrics).
 * Neither action supports resource-level permissions.
 */
export const AGENT_EC2_METADATA: UnscopedActions = {
  actions: ['ec2:DescribeTags', 'ec2:DescribeVolumes'],
  reason: 'ec2:DescribeTags and ec2:DescribeVolumes do not support resource-level permissions (Service Authorization Reference, '
    + 'Amazon EC2): the CloudWatch agent reads its instance\'s tags and volumes with them.',
};

/**
 * What idle shutdown reads: the opted-in instances (found by tag at run time) and the
 * alarms on their status checks (found by metric at run time).
 */
export const IDLE_SHUTDOWN_READS: UnscopedActions = {
  actions: ['ec2:DescribeInstances'],
  reason: 'ec2:DescribeInstances has no resource type (Service Authorization Reference, Amazon EC2): '
    + 'idle shutdown lists opted-in instances with it, filtered by tag.',
};

/**
 * Reading alarms, composite alarms included. `cloudwatch:DescribeAlarms` has a resource type
 * (alarm), but CloudWatch returns composite alarms only to a caller whose permission for it is
 * scoped to `*`; scoped to alarm ARNs, the call succeeds and leaves the composites out
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
 * It is a read: switching alarm actions stays scoped to the alarms named.
 */
export const READ_ALARMS: UnscopedActions = {
  actions: ['cloudwatch:DescribeAlarms'],
  reason: 'cloudwatch:DescribeAlarms returns composite alarms only to a caller whose permission for it is scoped to Resource * '
    + '(CloudWatch API reference, DescribeAlarms); it is a read, and switching alarm actions stays scoped to the alarms named.',
};

/**
 * The channel through which SSM Agent receives the commands of State Manager associations
 * and reports their results. The `ec2messages` actions have no resource type.
 */
export const EC2_MESSAGES: UnscopedActions = {
  actions: [
    'ec2messages:AcknowledgeMessage',
    'ec2messages:DeleteMessage',
    'ec2messages:FailMessage',
    'ec2messages:GetEndpoint',
    'ec2messages:GetMessages',
    'ec2messages:SendReply',
  ],
  reason: 'ec2messages:AcknowledgeMessage, DeleteMessage, FailMessage, GetEndpoint, GetMessages and SendReply have no resource type '
    + '(Service Authorization Reference, Amazon Message Delivery Service): SSM Agent receives State Manager commands through them.',
};
