import { Annotations, CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** CloudFormation's limits on one stack (AWS CloudFormation quotas). */
export const MAX_RESOURCES_PER_STACK = 500;
/** Largest template CloudFormation accepts (uploaded through S3 by the CDK), in bytes. */
export const MAX_TEMPLATE_BYTES = 1_000_000;
/** Share of a limit at which we warn, so there is time to spread services out. */
export const WARN_AT = 0.8;

const WATCHED = Symbol.for('cdk-watchkeeper.StackBudget');

/**
 * Makes sure the stack that holds `scope` is checked once, at synth, against
 * CloudFormation's resource and template-size limits: a warning at 80 % naming what to do,
 * an error beyond the limit (CloudFormation would refuse the stack at deploy time).
 */
export function watchStackBudget(scope: IConstruct): void {
  const stack = Stack.of(scope);
  if ((stack as any)[WATCHED]) return;
  Object.defineProperty(stack, WATCHED, { value: true, enumerable: false });
  stack.node.addValidation({ validate: () => checkBudget(stack) });
}

function checkBudget(stack: Stack): string[] {
  const resources = stack.node.findAll().filter(c => CfnResource.isCfnResource(c) && Stack.of(c) === stack).length;
  // Rendering the template is the only exact measure of its size; it costs about as much as
  // the synthesis itself, so only do it when the resource count says the stack is large.
  const bytes = resources >= 100 ? templateBytes(stack) : undefined;
  const errors: string[] = [];
  const advice = 'Spread services over several stacks (ServiceStacks), alarm per Auto Scaling group or per fleet '
    + 'instead of per instance, and share one AlertTopic per stack.';
  if (resources > MAX_RESOURCES_PER_STACK) {
    errors.push(`${stack.node.path} has ${resources} resources; CloudFormation accepts at most ${MAX_RESOURCES_PER_STACK}. ${advice}`);
  } else if (resources >= MAX_RESOURCES_PER_STACK * WARN_AT) {
    Annotations.of(stack).addWarningV2('cdk-watchkeeper:StackBudget.resources',
      `${stack.node.path} has ${resources} of CloudFormation's ${MAX_RESOURCES_PER_STACK} resources per stack. ${advice}`);
  }
  if (bytes !== undefined && bytes > MAX_TEMPLATE_BYTES) {
    errors.push(`${stack.node.path} renders a ${bytes}-byte template; CloudFormation accepts at most ${MAX_TEMPLATE_BYTES}. ${advice}`);
  } else if (bytes !== undefined && bytes >= MAX_TEMPLATE_BYTES * WARN_AT) {
    Annotations.of(stack).addWarningV2('cdk-watchkeeper:StackBudget.templateSize',
      `${stack.node.path} renders a ${bytes}-byte template, near CloudFormation's limit of ${MAX_TEMPLATE_BYTES} bytes. ${advice}`);
  }
  return errors;
}

function templateBytes(stack: Stack): number {
  // Stack#_toCloudFormation is what synthesis itself calls to render the template; it
  // returns the template resolved already (resolving it again walks it for nothing).
  const template = (stack as any)._toCloudFormation();
  return Buffer.byteLength(JSON.stringify(template, undefined, 1));
}
