import { App, CfnResource, NestedStack, Stack, aws_ssm as ssm } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ServiceStacks } from '../../src';
import { watchStackBudget } from '../../src/private/stack-budget';
import { newStack } from '../helpers';

function addResources(stack: Stack, count: number, valueBytes = 10): void {
  for (let i = 0; i < count; i++) {
    new CfnResource(stack, `R${i}`, { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: 'x'.repeat(valueBytes) } });
  }
}

describe('ServiceStacks', () => {
  test('places services in order, starting a new stack every servicesPerStack', () => {
    const app = new App();
    const fleet = new ServiceStacks(app, 'Fleet', { servicesPerStack: 2 });
    const placed = [0, 1, 2, 3, 4].map(() => fleet.stackForNextService());
    expect(placed.map(s => s.node.id)).toEqual(['Services0', 'Services0', 'Services1', 'Services1', 'Services2']);
    expect(fleet.stacks).toHaveLength(3);
    expect(fleet.serviceCount).toBe(5);
  });

  test('appending services never moves an existing one', () => {
    const placement = (n: number) => {
      const fleet = new ServiceStacks(new App(), 'Fleet', { servicesPerStack: 3 });
      return Array.from({ length: n }, () => fleet.stackForNextService().node.path);
    };
    expect(placement(10).slice(0, 7)).toEqual(placement(7));
  });

  test('defaults to 25 services per stack and passes stack props on', () => {
    const app = new App();
    const fleet = new ServiceStacks(app, 'Fleet', { stackProps: { env: { account: '123456789012', region: 'eu-west-1' } } });
    expect(fleet.servicesPerStack).toBe(25);
    const stacks = Array.from({ length: 26 }, () => fleet.stackForNextService());
    expect(new Set(stacks).size).toBe(2);
    expect(stacks[0].region).toBe('eu-west-1');
  });

  test('nested stacks live under one parent stack', () => {
    const app = new App();
    const fleet = new ServiceStacks(app, 'Fleet', { servicesPerStack: 1, nested: true });
    const a = fleet.stackForNextService();
    const b = fleet.stackForNextService();
    expect(NestedStack.isNestedStack(a)).toBe(true);
    expect(a.nestedStackParent).toBe(fleet.parentStack);
    expect(b).not.toBe(a);
  });

  test.each([0, -1, 1.5, 501])('fails on servicesPerStack %p', (value) => {
    expect(() => new ServiceStacks(new App(), 'Fleet', { servicesPerStack: value }))
      .toThrow(`Fleet: servicesPerStack must be a whole number between 1 and 500, got ${value}`);
  });
});

describe('StackBudget', () => {
  test('warns at 80 % of the resource limit', () => {
    const stack = newStack();
    addResources(stack, 400);
    watchStackBudget(stack);
    Annotations.fromStack(stack).hasWarning('/TestStack', Match.stringLikeRegexp('400 of CloudFormation\'s 500 resources'));
  });

  test('stays quiet below 80 %', () => {
    const stack = newStack();
    addResources(stack, 399);
    watchStackBudget(stack);
    expect(Annotations.fromStack(stack).findWarning('/TestStack', Match.stringLikeRegexp('StackBudget'))).toHaveLength(0);
  });

  test('fails synth beyond 500 resources, naming the stack and what to do', () => {
    const stack = newStack();
    addResources(stack, 501);
    watchStackBudget(stack);
    expect(() => (stack.node.root as App).synth())
      .toThrow(/TestStack has 501 resources; CloudFormation accepts at most 500\. Spread services over several stacks/);
  });

  test('warns near and fails beyond the 1 MB template size', () => {
    const near = newStack();
    addResources(near, 100, 8_200);
    watchStackBudget(near);
    Annotations.fromStack(near).hasWarning('/TestStack', Match.stringLikeRegexp('byte template, near CloudFormation\'s limit'));

    const over = newStack();
    addResources(over, 130, 8_000);
    watchStackBudget(over);
    expect(() => (over.node.root as App).synth()).toThrow(/renders a \d+-byte template; CloudFormation accepts at most 1000000/);
  });

  test('measures the template synthesis writes instead of rendering it a second time', () => {
    const stack = newStack();
    addResources(stack, 120, 8_000);
    watchStackBudget(stack);
    const render = jest.spyOn(stack as any, '_toCloudFormation');
    Annotations.fromStack(stack).hasWarning('/TestStack', Match.stringLikeRegexp('renders a \\d+-byte template'));
    expect(render).toHaveBeenCalledTimes(1);
  });

  test('fails synth when a nested stack\'s template is beyond 1 MB', () => {
    const app = new App();
    const fleet = new ServiceStacks(app, 'Fleet', { servicesPerStack: 1, nested: true });
    addResources(fleet.stackForNextService(), 130, 8_000);
    expect(() => app.synth()).toThrow(/Fleet\/Parent\/Services0 renders a \d+-byte template; CloudFormation accepts at most 1000000/);
  });

  test('checks each stack once however many constructs ask', () => {
    const stack = newStack();
    new ssm.StringParameter(stack, 'P', { stringValue: 'x' });
    const addValidation = jest.spyOn(stack.node, 'addValidation');
    watchStackBudget(stack);
    watchStackBudget(stack);
    expect(addValidation).toHaveBeenCalledTimes(1);
  });
});
