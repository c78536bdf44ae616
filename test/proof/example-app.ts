import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { addExampleAlarms } from '../../examples/alarms';
import { addExampleIdleShutdown, addExampleOfficeHours } from '../../examples/cost';
import { addExampleLogs } from '../../examples/logs';
import { addExampleServices } from '../../examples/service';
import { AlertTopic } from '../../src';

/**
 * The stack of examples/app.ts, built from the same example modules (that file synthesizes
 * with every nag pack when imported, so it cannot be imported here). The cost report is left
 * out: it creates no AWS resource.
 */
export class ProofExampleStack extends Stack {
  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const alerts = new AlertTopic(this, 'Alerts', {
      displayName: 'Example service alerts',
      emails: ['oncall@example.com'],
    });
    addExampleAlarms(this, alerts);
    const idleShutdown = addExampleIdleShutdown(this, alerts);
    const { api, worker } = addExampleServices(this, alerts, idleShutdown);
    addExampleOfficeHours(this, worker);
    addExampleLogs(this, { alerts, appRole: api.role, autoScalingGroup: api.autoScalingGroup });
  }
}

/** The example stack in an app of its own, environment-agnostic like examples/app.ts. */
export function exampleTemplate(id = 'WatchkeeperExample'): Record<string, any> {
  const app = new App();
  const stack = new ProofExampleStack(app, id);
  return app.synth().getStackByName(stack.stackName).template;
}
