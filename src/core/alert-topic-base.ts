import {
  IResource, Resource,
  aws_cloudwatch as cloudwatch,
  aws_events as events,
  aws_iam as iam,
  aws_kms as kms,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { AccountScopedTopicTarget } from '../private/topic-policies';

/**
 * A notification plane that alarms and events can reach people through.
 *
 * Implemented by {@link AlertTopic}; obtain one for an existing topic with
 * {@link AlertTopic.fromTopic}.
 */
export interface IAlertTopic extends IResource {
  /** The SNS topic notifications are published to. */
  readonly topic: sns.ITopic;
  /** The topic's ARN. */
  readonly topicArn: string;
  /** The KMS key the topic is encrypted with, when known. */
  readonly encryptionKey?: kms.IKey;
  /** An alarm action that notifies this topic (ALARM, OK or INSUFFICIENT_DATA). */
  readonly alarmAction: cloudwatch.IAlarmAction;

  /**
   * An EventBridge target that publishes to this topic.
   * @param message the message to send instead of the whole event
   * @default - the matched event, as JSON
   */
  eventTarget(message?: events.RuleTargetInput): events.IRuleTarget;

  /** Allows the grantee to publish to the topic (and to use its key). */
  grantPublish(grantee: iam.IGrantable): iam.Grant;
}

/**
 * What every alert topic, owned or imported, does the same way: publish for EventBridge rules
 * of this account, grant publishing, and read the topic's metrics.
 */
export abstract class AlertTopicBase extends Resource implements IAlertTopic {
  public abstract readonly topic: sns.ITopic;
  public abstract readonly topicArn: string;
  public abstract readonly encryptionKey?: kms.IKey;
  public abstract readonly alarmAction: cloudwatch.IAlarmAction;

  public eventTarget(message?: events.RuleTargetInput): events.IRuleTarget {
    return new AccountScopedTopicTarget(this.topic, message);
  }

  public grantPublish(grantee: iam.IGrantable): iam.Grant {
    return this.topic.grantPublish(grantee);
  }
}
