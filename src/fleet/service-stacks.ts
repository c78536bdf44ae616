import { NestedStack, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { watchStackBudget } from '../private/stack-budget';
import { checkInteger } from '../private/validation';

/** Properties of {@link ServiceStacks}. */
export interface ServiceStacksProps {
  /**
   * How many services go into one stack before the next stack is started.
   *
   * A default `MonitoredService` on an Auto Scaling group is about 15 resources with
   * per-group alarms, so 25 services keep a stack well under CloudFormation's 500-resource
   * limit with room for your own resources.
   * @default 25
   */
  readonly servicesPerStack?: number;
  /**
   * Properties of every stack created (environment, tags, termination protection, ...).
   * @default - env-agnostic stacks
   */
  readonly stackProps?: StackProps;
  /**
   * Create the stacks as nested stacks of one parent stack, so the fleet deploys as one
   * unit (`cdk deploy <id>`). Nested stacks have the same limits each, and their
   * templates are uploaded as assets.
   * @default false - sibling top-level stacks
   */
  readonly nested?: boolean;
}

/**
 * Spreads many services over as many stacks as needed, so no stack reaches
 * CloudFormation's limits (500 resources, 1 MB template).
 *
 * Services are placed in the order they are added: service *i* goes into stack
 * `floor(i / servicesPerStack)`. Adding services at the end never moves an existing one
 * (moving a service between stacks would replace its resources), so append new services;
 * do not insert them in the middle.
 *
 * Every stack is checked at synth: a warning at 80 % of either limit, an error beyond it.
 *
 * @example
 * const app = new App();
 * const fleet = new ServiceStacks(app, 'Fleet', { servicesPerStack: 25 });
 * for (const name of ['api', 'worker', 'reports']) {
 *   const stack = fleet.stackForNextService();
 *   // new MonitoredService(stack, name, { ... });
 * }
 */
export class ServiceStacks extends Construct {
  /** Services per stack. */
  public readonly servicesPerStack: number;
  /** The parent stack, when the stacks are nested. */
  public readonly parentStack?: Stack;

  private readonly stackList: Stack[] = [];
  private services = 0;

  public constructor(scope: Construct, id: string, private readonly props: ServiceStacksProps = {}) {
    super(scope, id);
    checkInteger(this, 'servicesPerStack', props.servicesPerStack, 1, 500);
    this.servicesPerStack = props.servicesPerStack ?? 25;
    if (props.nested) {
      this.parentStack = new Stack(this, 'Parent', props.stackProps);
      watchStackBudget(this.parentStack);
    }
  }

  /** The stacks created so far, in order. */
  public get stacks(): Stack[] {
    return [...this.stackList];
  }

  /** How many services have been placed. */
  public get serviceCount(): number {
    return this.services;
  }

  /** Reserves a place for one more service and returns the stack it belongs in. */
  public stackForNextService(): Stack {
    const index = Math.floor(this.services / this.servicesPerStack);
    this.services++;
    while (this.stackList.length <= index) {
      const id = `Services${this.stackList.length}`;
      const stack = this.parentStack
        ? new NestedStack(this.parentStack, id)
        : new Stack(this, id, this.props.stackProps);
      watchStackBudget(stack);
      this.stackList.push(stack);
    }
    return this.stackList[index];
  }
}
