import * as fs from 'fs';
import * as path from 'path';
import { Annotations, CfnResource, ISynthesisSession, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { WatchkeeperValidationError } from './validation';

/** CloudFormation's limits on one stack (AWS CloudFormation quotas). */
export const MAX_RESOURCES_PER_STACK = 500;
/** Largest template CloudFormation accepts (uploaded through S3 by the CDK), in bytes. */
export const MAX_TEMPLATE_BYTES = 1_000_000;
/** Share of a limit at which we warn, so there is time to spread services out. */
export const WARN_AT = 0.8;

const WATCHED = Symbol.for('cdk-watchkeeper.StackBudget');

const ADVICE = 'Spread services over several stacks (ServiceStacks), alarm per Auto Scaling group or per fleet '
  + 'instead of per instance, and share one AlertTopic per stack.';

/** What synthesis calls to render and write one stack's template (aws-cdk-lib, every 2.x). */
type SynthesizeTemplate = (this: Stack, session: ISynthesisSession, ...rest: unknown[]) => void;

/**
 * Makes sure the stack that holds `scope` is checked once, at synth, against
 * CloudFormation's resource and template-size limits: a warning at 80 % naming what to do,
 * an error beyond the limit (CloudFormation would refuse the stack at deploy time).
 *
 * The resource count is checked with the tree's other validations. The template size is
 * measured exactly on the template synthesis writes, right after it is written (and before
 * the stack's warnings are collected into the assembly), so the check renders nothing of its own.
 */
export function watchStackBudget(scope: IConstruct): void {
  const stack = Stack.of(scope);
  if ((stack as any)[WATCHED]) return;
  Object.defineProperty(stack, WATCHED, { value: true, enumerable: false });
  const measuresWrittenTemplate = measureWrittenTemplate(stack);
  stack.node.addValidation({ validate: () => checkResources(stack, !measuresWrittenTemplate) });
}

function checkResources(stack: Stack, renderTemplate: boolean): string[] {
  const resources = stack.node.findAll().filter(c => CfnResource.isCfnResource(c) && Stack.of(c) === stack).length;
  const errors: string[] = [];
  if (resources > MAX_RESOURCES_PER_STACK) {
    errors.push(`${stack.node.path} has ${resources} resources; CloudFormation accepts at most ${MAX_RESOURCES_PER_STACK}. ${ADVICE}`);
  } else if (resources >= MAX_RESOURCES_PER_STACK * WARN_AT) {
    Annotations.of(stack).addWarningV2('cdk-watchkeeper:StackBudget.resources',
      `${stack.node.path} has ${resources} of CloudFormation's ${MAX_RESOURCES_PER_STACK} resources per stack. ${ADVICE}`);
  }
  // Only where the written template cannot be measured: render it once more here.
  const error = renderTemplate ? checkTemplateBytes(stack, renderedTemplateBytes(stack)) : undefined;
  return error ? [...errors, error] : errors;
}

/** The error beyond the limit; a warning near it. */
function checkTemplateBytes(stack: Stack, bytes: number): string | undefined {
  if (bytes > MAX_TEMPLATE_BYTES) {
    return `${stack.node.path} renders a ${bytes}-byte template; CloudFormation accepts at most ${MAX_TEMPLATE_BYTES}. ${ADVICE}`;
  }
  if (bytes >= MAX_TEMPLATE_BYTES * WARN_AT) {
    Annotations.of(stack).addWarningV2('cdk-watchkeeper:StackBudget.templateSize',
      `${stack.node.path} renders a ${bytes}-byte template, near CloudFormation's limit of ${MAX_TEMPLATE_BYTES} bytes. ${ADVICE}`);
  }
  return undefined;
}

/**
 * Wraps the stack's template synthesis so the written template's size is checked as soon as
 * it is on disk. Returns false when this aws-cdk-lib has no such step to wrap.
 */
function measureWrittenTemplate(stack: Stack): boolean {
  const synthesizeTemplate = (stack as unknown as { _synthesizeTemplate?: SynthesizeTemplate })._synthesizeTemplate;
  if (typeof synthesizeTemplate !== 'function') return false;
  Object.defineProperty(stack, '_synthesizeTemplate', {
    configurable: true,
    writable: true,
    value: function (this: Stack, session: ISynthesisSession, ...rest: unknown[]) {
      synthesizeTemplate.call(this, session, ...rest);
      const bytes = fs.statSync(path.join(session.assembly.outdir, this.templateFile)).size;
      const error = checkTemplateBytes(this, bytes);
      if (error) throw new WatchkeeperValidationError('StackBudget.templateSize', error);
    },
  });
  return true;
}

function renderedTemplateBytes(stack: Stack): number {
  // Stack#_toCloudFormation is what synthesis itself calls to render the template; it
  // returns the template resolved already.
  const template = (stack as any)._toCloudFormation();
  return Buffer.byteLength(JSON.stringify(template, undefined, 1));
}
