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
