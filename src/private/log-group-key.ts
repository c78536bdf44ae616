import { ArnFormat, Stack, aws_iam as iam, aws_kms as kms } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

const granted = new WeakSet<kms.IKey>();
const SHARED_KEY_ID = 'WatchkeeperLogGroupKey';

/**
 * The customer managed key every log group of this library in the stack is encrypted with
 * unless the user brings one: one key per stack ($1/month), not one per group.
 */
export function sharedLogGroupKey(scope: IConstruct): kms.IKey {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(SHARED_KEY_ID) as kms.Key | undefined;
  if (existing) return existing;
  const key = new kms.Key(stack, SHARED_KEY_ID, {
    description: `Encrypts the CloudWatch Logs groups of ${stack.stackName} created by cdk-watchkeeper`,
    enableKeyRotation: true,
  });
  allowLogsToUseKey(key, key);
  return key;
}

/**
 * Lets CloudWatch Logs of this account and Region use the key for log groups (the key
 * policy AWS documents for encrypting log data with KMS). Returns false when the key's
 * policy cannot be changed (an imported key).
 */
export function allowLogsToUseKey(scope: Construct, key: kms.IKey): boolean {
  if (granted.has(key)) return true;
  const stack = Stack.of(scope);
  const result = key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsToUseTheKey',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
          service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    },
  }), true);
  if (result.statementAdded) granted.add(key);
  return result.statementAdded;
}
