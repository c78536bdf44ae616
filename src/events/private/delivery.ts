import { Duration, Validations, aws_cloudwatch as cloudwatch, aws_events as events, aws_events_targets as targets, aws_sqs as sqs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AlarmRouting, AlarmSeverity } from '../../core/alarm-routing';
import { AlarmSet } from '../../core/alarm-set';
import { IAlertTopic } from '../../core/alert-topic-base';

/** How long EventBridge keeps retrying a notification before it goes to the dead-letter queue. */
const MAX_EVENT_AGE = Duration.hours(2);
const RETRY_ATTEMPTS = 10;

/**
 * Delivery of a construct's notification rules to its topic, made visible when it fails:
 * a target that EventBridge retries and then sends to a dead-letter queue (instead of
 * dropping the event), an alarm on each rule's permanently failed invocations, and an alarm
 * on the queue. Every alarm goes through one {@link AlarmSet}.
 *
 * EventBridge counts an invocation in `FailedInvocations` when it fails permanently (for a
 * topic: a publish the topic policy or its key refuses), and puts events it could not
 * deliver after its retries into the dead-letter queue
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
 */
export class TopicDelivery extends Construct {
  /** The queue of notifications EventBridge could not deliver. */
  public readonly queue: sqs.Queue;
  /** The alarms on failed deliveries. */
  public readonly alarms: AlarmSet;

  public constructor(scope: Construct, id: string, private readonly topic: IAlertTopic) {
    super(scope, id);
    // SSE-SQS: EventBridge cannot send to a queue encrypted with the AWS managed key aws/sqs.
    this.queue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of EventBridge targets; a dead-letter queue needs none of its own.',
    });
    this.alarms = new AlarmSet(this, 'Alarms', { routing: AlarmRouting.toTopic(topic) });
    this.alarms.addAlarm('DeadLettersVisible', this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), {
      threshold: 1,
      evaluationPeriods: 1,
      severity: AlarmSeverity.WARNING,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `Notifications of ${scope.node.path} could not be delivered to ${topic.node.path} after EventBridge's retries; `
        + 'they wait in its dead-letter queue (kept 14 days, each message names the error). Fix the topic policy or key, then replay or purge the queue.',
    });
  }

  /** The topic as the target of a rule: retried, then dead-lettered; with an alarm on the rule's failed invocations. */
  public target(id: string, message: events.RuleTargetInput): events.IRuleTarget {
    return new DeadLetteredTarget(this.topic.eventTarget(message), this.queue, rule => {
      this.alarms.addAlarm(`${id}FailedInvocations`, new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensionsMap: { RuleName: rule.ruleName },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }), {
        threshold: 1,
        evaluationPeriods: 1,
        severity: AlarmSeverity.WARNING,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        description: `EventBridge failed to deliver notifications of rule ${rule.node.path} to ${this.topic.node.path}. `
          + 'Check the topic policy (events.amazonaws.com may publish) and its key policy (events.amazonaws.com may use the key).',
      });
    });
  }
}

/** A target whose failed invocations are retried, then kept in a dead-letter queue. */
class DeadLetteredTarget implements events.IRuleTarget {
  public constructor(
    private readonly inner: events.IRuleTarget,
    private readonly queue: sqs.IQueue,
    private readonly onBind: (rule: events.IRule) => void,
  ) {}

  public bind(rule: events.IRule, id?: string): events.RuleTargetConfig {
    const config = this.inner.bind(rule, id);
    targets.addToDeadLetterQueueResourcePolicy(rule, this.queue);
    this.onBind(rule);
    return {
      ...config,
      deadLetterConfig: { arn: this.queue.queueArn },
      retryPolicy: { maximumRetryAttempts: RETRY_ATTEMPTS, maximumEventAgeInSeconds: MAX_EVENT_AGE.toSeconds() },
    };
  }
}
