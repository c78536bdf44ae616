import { App, Stack } from 'aws-cdk-lib';

/** A fixed environment, so templates (ARNs, AZs) are the same on every machine. */
export const TEST_ENV = { account: '123456789012', region: 'us-east-1' };

/** A new app and stack for one test, in the fixed test environment. */
export function newStack(id = 'TestStack'): Stack {
  const app = new App();
  return new Stack(app, id, { env: TEST_ENV });
}
