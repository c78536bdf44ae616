import { Annotations, ArnFormat, Stack, aws_iam as iam, aws_kms as kms } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

/**
 * Lets CloudWatch alarms of this account and EventBridge publish to a topic encrypted
 * with the key. Returns false when the key's policy cannot be changed (imported key).
 */
export function allowServicesToUseKey(scope: IConstruct, key: kms.IKey): boolean {
  const stack = Stack.of(scope);
  const alarms = key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  }), true);
  // EventBridge does not send aws:SourceAccount/aws:SourceArn with its KMS requests:
  // a condition on them would drop every event silently.
  const rules = key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowEventBridgeToPublish',
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
  }), true);
  return alarms.statementAdded && rules.statementAdded;
}

const ebsKeysGranted = new WeakSet<kms.IKey>();

/**
 * Auto Scaling launches a group's instances with its service-linked role, which must be
 * allowed to use a customer managed key of the launch template's volumes, or every launch
 * fails ("Client.InternalError: Client error on launch"). The key policy AWS documents,
 * naming the role through a condition for the reason given below:
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
 */
export function allowAutoScalingToUseEbsKey(scope: Construct, key: kms.IKey): void {
  if (ebsKeysGranted.has(key)) return;
  const stack = Stack.of(scope);
  const role = `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*`;
  const use = key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowAutoScalingToUseTheKeyForVolumes',
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    resources: ['*'],
    conditions: { StringEquals: { 'kms:CallerAccount': stack.account }, ArnLike: { 'aws:PrincipalArn': role } },
  }), true);
  const grant = key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowAutoScalingToGrantTheKeyToVolumes',
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'kms:CallerAccount': stack.account },
      ArnLike: { 'aws:PrincipalArn': role },
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    },
  }), true);
  if (use.statementAdded && grant.statementAdded) {
    ebsKeysGranted.add(key);
  } else {
    Annotations.of(scope).addWarningV2('cdk-watchkeeper:ServiceCompute.ebsKey',
      'Cannot extend the policy of the volumes\' KMS key: allow the Auto Scaling service-linked role (AWSServiceRoleForAutoScaling) '
      + 'kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*, kms:DescribeKey and kms:CreateGrant (with kms:GrantIsForAWSResource), '
      + 'or the group cannot launch instances.');
  }
}

/** A topic, as far as its key policy is concerned (the bottom layer knows no topic type). */
export interface EncryptedTopic {
  readonly encryptionKey?: kms.IKey;
}

/**
 * Auto Scaling publishes group notifications with its service-linked role, which must be
 * allowed to use the topic's key. The statement names the role through a condition rather
 * than as principal: KMS rejects a key policy naming a role that does not exist yet, and
 * the service-linked role is only created with the account's first group.
 */
export function allowAutoScalingToPublish(scope: Construct, alertTopic: EncryptedTopic): void {
  const key = alertTopic.encryptionKey;
  const stack = Stack.of(scope);
  const added = key?.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowAutoScalingNotifications',
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'kms:CallerAccount': stack.account, 'kms:ViaService': `sns.${stack.region}.amazonaws.com` },
      ArnLike: {
        'aws:PrincipalArn': `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*`,
      },
    },
  }), true);
  if (key !== undefined && !added?.statementAdded) {
    Annotations.of(scope).addWarningV2('cdk-watchkeeper:MonitoredService.topicKey',
      'Cannot extend the policy of the alert topic\'s KMS key: allow the Auto Scaling service-linked role '
      + '(AWSServiceRoleForAutoScaling) kms:Decrypt and kms:GenerateDataKey* on it, or group notifications are dropped.');
  }
}
