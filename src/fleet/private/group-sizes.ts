import { Stack, Token, aws_autoscaling as autoscaling } from 'aws-cdk-lib';

/** The MinSize values the group's scheduled actions set (read from the group's stack when it is synthesized). */
export function scheduledMinimums(group: autoscaling.CfnAutoScalingGroup): number[] {
  const stack = Stack.of(group);
  const ref = JSON.stringify(stack.resolve(group.ref));
  return stack.node.findAll()
    .filter((c): c is autoscaling.CfnScheduledAction => c instanceof autoscaling.CfnScheduledAction)
    .filter(a => JSON.stringify(stack.resolve(a.autoScalingGroupName)) === ref && typeof a.minSize === 'number')
    .map(a => a.minSize as number);
}

/** A group size given as a string (CloudFormation's type), or undefined when it is a token or no number. */
export function sizeOf(value: string | undefined): number | undefined {
  if (value === undefined || Token.isUnresolved(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
