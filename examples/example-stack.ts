// The example's stack, shared by the app (examples/app.ts) and the tests that check what AWS
// will do with it, so they cannot drift apart.
import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { addExampleAlarms, addExampleFleetAlarms } from './alarms';
import { addExampleIdleShutdown, addExampleOfficeHours } from './cost';
import { addExampleLogs } from './logs';
import { addExampleServices } from './service';
import { AlarmRouting, AlarmSeverity, AlertTopic, CostReport } from '../src';

/** Properties of the example stack. */
export interface ExampleServiceStackProps extends StackProps {
  /** Print the cost table at synth (the app does; tests do not). */
  readonly printCostReport?: boolean;
}

/** A web API and a batch worker, watched. */
export class ExampleServiceStack extends Stack {
  /** What all of it costs per month. */
  public readonly costReport: CostReport;

  public constructor(scope: Construct, id: string, props: ExampleServiceStackProps = {}) {
    super(scope, id, props);

    // Who hears that alerts do not arrive: a second topic, since the alert topic cannot
    // deliver news of its own failure.
    const escalation = new AlertTopic(this, 'Escalation', {
      displayName: 'Example alert delivery failures',
      emails: ['platform@example.com'],
    });
    const alerts = new AlertTopic(this, 'Alerts', {
      displayName: 'Example service alerts',
      emails: ['oncall@example.com'],
      failedDeliveryRouting: AlarmRouting.toTopic(escalation),
    });
    // The orders team's pager hears only its CRITICAL alarms (by the tags alarms carry).
    alerts.addSmsSubscription('+14155550100', { severities: [AlarmSeverity.CRITICAL], owners: ['orders-team'] });
    addExampleAlarms(this, alerts);
    const idleShutdown = addExampleIdleShutdown(this, alerts);
    const { api, worker } = addExampleServices(this, alerts, idleShutdown);
    addExampleOfficeHours(this, worker, alerts);
    addExampleFleetAlarms(this, alerts, [api, worker]);
    addExampleLogs(this, { alerts, appRole: api.role, autoScalingGroup: api.autoScalingGroup });

    // What all of the above costs per month, written to cdk.out and printed at synth. Log
    // ingestion and storage need a volume: about 1 GB a month for each log group here.
    this.costReport = new CostReport(this, 'CostReport', { title: 'Example service', defaultLogGbPerMonth: 1, print: props.printCostReport });
  }
}
