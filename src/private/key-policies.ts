import { ArnFormat, Stack, aws_iam as iam, aws_kms as kms } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

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
