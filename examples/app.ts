// The example app a newcomer synthesizes first: `npx cdk synth` (offline, no AWS account).
// Every cdk-nag pack we gate on is registered, so a finding fails the synth.
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { Construct } from 'constructs';
import { addExampleAlarms, addExampleFleetAlarms } from './alarms';
import { addExampleIdleShutdown, addExampleOfficeHours } from './cost';
import { addExampleLogs } from './logs';
import { addExampleServices } from './service';
import { AlertTopic, CostReport, MonitoringReport } from '../src';

/** A web API and a batch worker, watched. */
export class ExampleServiceStack extends Stack {
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
    addExampleFleetAlarms(this, alerts, [api, worker]);
    addExampleLogs(this, { alerts, appRole: api.role, autoScalingGroup: api.autoScalingGroup });

    // What all of the above costs per month, written to cdk.out and printed at synth. Log
    // ingestion and storage need a volume: about 1 GB a month for each log group here.
    new CostReport(this, 'CostReport', { title: 'Example service', defaultLogGbPerMonth: 1, print: true });
  }
}

const app = new App();
new ExampleServiceStack(app, 'WatchkeeperExample');
// monitoring-report.md and .html in cdk.out: every alarm, log group, schedule and dollar.
MonitoringReport.of(app);
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app),
  new NIST80053R5Checks(app),
  new HIPAASecurityChecks(app),
  new PCIDSS321Checks(app),
);
app.synth();
