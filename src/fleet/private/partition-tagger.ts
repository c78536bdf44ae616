import {
  CustomResource, Duration, Lazy, Names, RemovalPolicy, Stack, Token, Validations,
  aws_autoscaling as autoscaling, aws_iam as iam, aws_lambda as lambda, aws_logs as logs, aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { sharedLogGroupKey } from '../../private/log-group-key';
import { UnscopedActions, unscopedStatement } from '../../private/unscoped-actions';
import { PartitionTagsFunction } from '../partition-tags-function';
import { GROUP_TAG } from '../partition-tags.pure';

/** The custom resource type CloudFormation shows. */
export const PARTITION_TAGS_TYPE = 'Custom::WatchkeeperPartitionTags';

/** What the function reads: the members of the groups, found by their group tag at deploy time. */
export const PARTITION_TAGS_READS: UnscopedActions = {
  actions: ['ec2:DescribeInstances'],
  reason: 'ec2:DescribeInstances has no resource type (Service Authorization Reference, Amazon EC2): '
    + 'the fleet\'s partition tagger lists the running members of its Auto Scaling groups with it, filtered by the aws:autoscaling:groupName tag.',
};

const SINGLETON_ID = 'WatchkeeperPartitionTagger';

/**
 * The stack's one function that tags the running members of fleet groups with their
 * partition at deploy time, with its role, policy, log group and dead-letter queue.
 */
export class PartitionTagger extends Construct {
  /** The stack's tagger, created on first use. */
  public static of(scope: IConstruct): PartitionTagger {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(SINGLETON_ID) as PartitionTagger | undefined) ?? new PartitionTagger(stack, SINGLETON_ID);
  }

  public readonly function: lambda.Function;
  public readonly policy: iam.ManagedPolicy;
  private readonly keys = new Map<string, Set<string>>();
  private readonly tag: iam.PolicyStatement;
  private readonly untag: iam.PolicyStatement;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      encryptionKey: sharedLogGroupKey(this),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the partition tagger function; it needs none of its own.',
    });

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Fleet partition tagger: tags the running members of fleet Auto Scaling groups with their partition',
    });
    const reads = unscopedStatement('ReadGroupMembers', PARTITION_TAGS_READS);
    reads.addCondition('StringEquals', { 'aws:RequestedRegion': stack.region });
    const instances = stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' });
    // Only the partition tag keys, only with a fleet's partition values, only on members of an
    // Auto Scaling group (they carry aws:autoscaling:groupName). addFleet adds the keys and values.
    const memberOfAGroup = { Null: { [`aws:ResourceTag/${GROUP_TAG}`]: 'false' } };
    this.tag = new iam.PolicyStatement({ sid: 'TagGroupMembersWithTheirPartition', actions: ['ec2:CreateTags'], resources: [instances], conditions: memberOfAGroup });
    this.untag = new iam.PolicyStatement({ sid: 'UntagGroupMembersThatLeftTheFleet', actions: ['ec2:DeleteTags'], resources: [instances], conditions: memberOfAGroup });
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Fleet partition tagger: exactly what the function does',
      statements: [
        reads,
        this.tag,
        this.untag,
        new iam.PolicyStatement({ sid: 'Log', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
        new iam.PolicyStatement({ sid: 'DeadLetters', actions: ['sqs:SendMessage'], resources: [deadLetters.queueArn] }),
      ],
    });
    this.policy.attachToRole(role);
    Validations.of(this.policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: PARTITION_TAGS_READS.reason });
    Validations.of(this.policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:${nagPart(stack.region, 'AWS::Region')}:${nagPart(stack.account, 'AWS::AccountId')}:instance/*]`,
      reason: 'The members of the groups are known only at deploy time; the conditions allow only the partition tag keys and values, '
        + 'and only on instances of an Auto Scaling group.',
    });

    this.function = new PartitionTagsFunction(this, 'Function', {
      description: 'Tags the running members of fleet Auto Scaling groups with their partition (cdk-watchkeeper)',
      role: role.withoutPolicyUpdates(),
      memorySize: 256,
      timeout: Duration.minutes(5),
      reservedConcurrentExecutions: 1,
      deadLetterQueue: deadLetters,
      logGroup,
    });
    this.function.node.addDependency(this.policy);
    const reason = 'The function calls only the EC2 API and CloudFormation\'s response URL and reaches no resource inside a VPC; '
      + 'placing it in one would add VPC endpoints or a NAT gateway and nothing else.';
    for (const rule of ['NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC']) {
      Validations.of(this.function).acknowledge({ id: rule, reason });
    }
  }

  /**
   * A custom resource that keeps the running members of `groups` tagged `tagKey = value`
   * (each group's partition) at every deploy, and removes the tag from a group that leaves.
   * `groups` is read at synth, so groups added later are included.
   */
  public addFleet(scope: Construct, id: string, tagKey: string, fleetName: string,
    groups: () => Array<{ group: autoscaling.IAutoScalingGroup; tagValue: string }>): CustomResource {
    const values = this.keys.get(tagKey) ?? new Set<string>();
    values.add(`${fleetName}-p*`);
    this.keys.set(tagKey, values);
    const keys = [...this.keys.keys()].sort();
    for (const statement of [this.tag, this.untag]) statement.addCondition('ForAllValues:StringEquals', { 'aws:TagKeys': keys });
    this.tag.addCondition('StringLike', { [`aws:RequestTag/${tagKey}`]: [...values].sort() });
    const resource = new CustomResource(scope, id, {
      serviceToken: this.function.functionArn,
      resourceType: PARTITION_TAGS_TYPE,
      properties: {
        TagKey: tagKey,
        Groups: Lazy.any({ produce: () => groups().map(g => ({ GroupName: g.group.autoScalingGroupName, TagValue: g.tagValue })) }),
      },
    });
    return resource;
  }
}

/** A unique, stable id for a construct's resource in another construct's scope. */
export function scopedId(owner: IConstruct, suffix: string): string {
  return `${Names.uniqueId(owner)}${suffix}`;
}

function nagPart(value: string, pseudo: string): string {
  return Token.isUnresolved(value) ? `<${pseudo}>` : value;
}
