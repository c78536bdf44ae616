import { App } from 'aws-cdk-lib';
import { ExampleServiceStack } from '../../examples/example-stack';

/**
 * The stack of examples/app.ts, the same class (examples/app.ts itself synthesizes with every
 * nag pack when imported, so it cannot be imported here).
 */
export { ExampleServiceStack as ProofExampleStack };

/** The example stack in an app of its own, environment-agnostic like examples/app.ts. */
export function exampleTemplate(id = 'WatchkeeperExample'): Record<string, any> {
  const app = new App();
  const stack = new ExampleServiceStack(app, id);
  return app.synth().getStackByName(stack.stackName).template;
}
