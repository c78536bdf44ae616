import { ArnFormat, Stack, aws_events as events, aws_events_targets as targets, aws_iam as iam, aws_sns as sns } from 'aws-cdk-lib';

/**
 * Lets CloudWatch alarms of this account publish to the topic. Returns false when the
 * topic's policy cannot be changed (imported topic).
 *
 * A topic policy replaces SNS's default policy, so CloudWatch needs its own Allow, scoped to
 * alarms of this account (composite alarms have `alarm:` ARNs too). See "Using Amazon SNS
 * notifications" in the CloudWatch user guide:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/US_SetupSNS.html
 */
export function allowAlarmsToPublish(topic: sns.ITopic): boolean {
  const stack = Stack.of(topic);
  return topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  })).statementAdded;
}


/**
 * An EventBridge target that publishes to the topic, admitted by the topic policy only for
 * rules of this account and Region. `targets.SnsTopic` allows `events.amazonaws.com` with no
 * condition, which lets a rule of any account publish (the confused deputy). EventBridge
 * sends `aws:SourceArn` (the rule) and `aws:SourceAccount` with its SNS requests:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
 * Its KMS requests carry neither, so the key policy cannot be scoped the same way; the topic
 * policy is the gate.
 */
export class AccountScopedTopicTarget implements events.IRuleTarget {
  public constructor(private readonly topic: sns.ITopic, private readonly message?: events.RuleTargetInput) {}

  public bind(rule: events.IRule, id?: string): events.RuleTargetConfig {
    // A topic whose policy we cannot extend (imported by ARN) keeps CDK's own target.
    if (!(this.topic instanceof sns.Topic)) return new targets.SnsTopic(this.topic, { message: this.message }).bind(rule, id);
    allowRulesToPublish(this.topic);
    return { arn: this.topic.topicArn, input: this.message, targetResource: this.topic };
  }
}

const rulesAllowed = new WeakSet<sns.ITopic>();

/** Lets EventBridge rules of this account and Region publish to the topic (once per topic). */
function allowRulesToPublish(topic: sns.ITopic): void {
  if (rulesAllowed.has(topic)) return;
  const stack = Stack.of(topic);
  const added = topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowEventBridgeRulesToPublish',
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: '*' }) },
    },
  }));
  if (added.statementAdded) rulesAllowed.add(topic);
}
