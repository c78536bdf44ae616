import { Annotations, Stack, Validations, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { stackManagedPolicy } from '../../private/stack-singleton';
import { SESSION_MANAGER_CHANNELS, unscopedStatement } from '../../private/unscoped-actions';

const SINGLETON_ID = 'WatchkeeperSessionManagerPolicy';

/**
 * What SSM Agent needs for Session Manager, in a managed policy of our own (the AWS
 * managed AmazonSSMManagedInstanceCore grants far more: documents, parameters, inventory,
 * patching): register the instance, and open the session channels.
 *
 * The policy names no service, so one per stack serves every service in it: each call
 * attaches the same policy to another role (a stack of many services pays one resource).
 *
 * @internal
 */
export function sessionManagerPolicy(scope: Construct, role: iam.IRole): iam.ManagedPolicy {
  return stackManagedPolicy(scope, SINGLETON_ID, role, createSessionManagerPolicy);
}

/**
 * Lets a service's instances reach Session Manager when their role is known; otherwise warns
 * that it cannot, and how to fix it.
 */
export function grantSessionManager(scope: Construct, role: iam.IRole | undefined): iam.ManagedPolicy | undefined {
  if (role) return sessionManagerPolicy(scope, role);
  Annotations.of(scope).addWarningV2('cdk-watchkeeper:MonitoredService.unknownRole',
    'The instances\' role is not known, so Session Manager (and later the agent) cannot be granted: '
    + 'pass it as `role` to ServiceCompute.existingAutoScalingGroup/existingInstances, or set sessionManager: false.');
  return undefined;
}

function createSessionManagerPolicy(stack: Stack, id: string): iam.ManagedPolicy {
  const instances = stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' });
  const policy = new iam.ManagedPolicy(stack, id, {
    description: 'Session Manager access for watched instances of this stack (no SSH key, no inbound port)',
    statements: [
      new iam.PolicyStatement({
        sid: 'RegisterInstance',
        actions: ['ssm:UpdateInstanceInformation'],
        resources: [instances],
      }),
      unscopedStatement('SessionChannels', SESSION_MANAGER_CHANNELS),
    ],
  });
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: SESSION_MANAGER_CHANNELS.reason,
  });
  Validations.of(policy).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagArn(stack)}]`,
    reason: 'ssm:UpdateInstanceInformation is called by every instance of the group, whose ids are not known at deploy time; '
      + 'limited to instances of this account and Region.',
  });
  return policy;
}

/** The instance ARN pattern the way cdk-nag prints it in a finding id. */
function nagArn(stack: Stack): string {
  const region = stack.resolve(stack.region);
  const account = stack.resolve(stack.account);
  const part = (v: unknown, pseudo: string) => (typeof v === 'string' ? v : `<${pseudo}>`);
  return `arn:<AWS::Partition>:ec2:${part(region, 'AWS::Region')}:${part(account, 'AWS::AccountId')}:instance/*`;
}
