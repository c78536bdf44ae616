import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The stack's one managed policy of an id, attached to the role: created by `create` on first
 * use, attached again for every later role. A policy that names no service serves every
 * service of the stack, so a stack of many services pays one resource.
 */
export function stackManagedPolicy(scope: IConstruct, id: string, role: iam.IRole,
  create: (stack: Stack, id: string) => iam.ManagedPolicy): iam.ManagedPolicy {
  const stack = Stack.of(scope);
  const policy = (stack.node.tryFindChild(id) as iam.ManagedPolicy | undefined) ?? create(stack, id);
  policy.attachToRole(role);
  return policy;
}
