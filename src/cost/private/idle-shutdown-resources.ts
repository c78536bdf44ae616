import { Duration, Stack, Validations, aws_iam as iam, aws_kms as kms, aws_logs as logs, aws_sqs as sqs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { nagPart } from './idle-shutdown-support';
import { IAlertTopic } from '../../core/alert-topic-base';
import { IDLE_SHUTDOWN_READS, READ_ALARMS, READ_METRIC_DATA, unscopedStatement } from '../../private/unscoped-actions';
import { SILENCED_TAG } from '../idle-decision.pure';

/** What the idle-shutdown function's policy names. */
export interface IdleShutdownPolicyProps {
  readonly topic: IAlertTopic;
  readonly queue: sqs.IQueue;
  readonly queueKey: kms.IKey;
  readonly logGroup: logs.ILogGroup;
  readonly optInTagKey: string;
  readonly optInTagValue: string;
}

/**
 * The idle-shutdown function's managed policy (`Policy`): exactly what it does. Reads on `*`
 * where AWS offers no resource type, stops and tags only instances with the opt-in tag,
 * reports to the topic, logs to its own group, sends to its own dead-letter queue.
 */
export function idleShutdownPolicy(scope: Construct, props: IdleShutdownPolicyProps): iam.ManagedPolicy {
  const stack = Stack.of(scope);
  // The reads cannot be scoped to resources; they can be kept to the stack's Region.
  const readsInThisRegion = unscopedStatement('ReadInstances', IDLE_SHUTDOWN_READS);
  readsInThisRegion.addCondition('StringEquals', { 'aws:RequestedRegion': stack.region });
  const statements = [
    readsInThisRegion,
    unscopedStatement('ReadMetrics', READ_METRIC_DATA),
    // The composite notifiers of livenessSuppressor are silenced like metric alarms; without
    // Resource * DescribeAlarms leaves them out, and they would page on every idle stop.
    unscopedStatement('ReadAlarms', READ_ALARMS),
    new iam.PolicyStatement({
      sid: 'StopOptedInInstances',
      actions: ['ec2:StopInstances'],
      resources: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
      conditions: { StringEquals: { [`aws:ResourceTag/${props.optInTagKey}`]: props.optInTagValue } },
    }),
    new iam.PolicyStatement({
      sid: 'MarkSilencedInstances',
      actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
      resources: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
      conditions: {
        'StringEquals': { [`aws:ResourceTag/${props.optInTagKey}`]: props.optInTagValue },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [SILENCED_TAG] },
      },
    }),
    new iam.PolicyStatement({ sid: 'Report', actions: ['sns:Publish'], resources: [props.topic.topicArn] }),
    new iam.PolicyStatement({ sid: 'Log', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [props.logGroup.logGroupArn] }),
    new iam.PolicyStatement({ sid: 'DeadLetters', actions: ['sqs:SendMessage'], resources: [props.queue.queueArn] }),
    new iam.PolicyStatement({
      sid: 'EncryptReportsAndDeadLetters',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [props.queueKey.keyArn, ...(props.topic.encryptionKey ? [props.topic.encryptionKey.keyArn] : [])],
    }),
  ];
  const policy = new iam.ManagedPolicy(scope, 'Policy', { description: 'Idle shutdown: exactly what the function does', statements });
  Validations.of(policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: `${IDLE_SHUTDOWN_READS.reason} ${READ_METRIC_DATA.reason} ${READ_ALARMS.reason}` });
  Validations.of(policy).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:${nagPart(stack.region, 'AWS::Region')}:${nagPart(stack.account, 'AWS::AccountId')}:instance/*]`,
    reason: 'Opted-in instances are chosen by tag at run time; the aws:ResourceTag condition limits StopInstances to them.',
  });
  return policy;
}

/**
 * Where runs that failed after Lambda's retries wait (`DeadLetters`): encrypted with a key of
 * its own (`DeadLetterKey`), TLS only, kept 14 days.
 */
export function idleShutdownDeadLetterQueue(scope: Construct): { queue: sqs.Queue; key: kms.Key } {
  const key = new kms.Key(scope, 'DeadLetterKey', { enableKeyRotation: true, description: 'Encrypts idle-shutdown runs that failed' });
  const queue = new sqs.Queue(scope, 'DeadLetters', {
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is the dead-letter queue of the idle-shutdown function; it needs none of its own.',
  });
  return { queue, key };
}
