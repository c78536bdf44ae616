// The example app a newcomer synthesizes first: `npx cdk synth` (offline, no AWS account).
// Every cdk-nag pack we gate on is registered, so a finding fails the synth.
import { App } from 'aws-cdk-lib';
import { ExampleServiceStack } from './example-stack';
import { registerNagPacks } from './nag';
import { MonitoringReport } from '../src';

const app = new App();
new ExampleServiceStack(app, 'WatchkeeperExample', { printCostReport: true });
// monitoring-report.md and .html in cdk.out: every alarm, log group, schedule and dollar.
MonitoringReport.of(app);
registerNagPacks(app);
app.synth();
