// The example app a newcomer synthesizes first: `npx cdk synth` (offline, no AWS account).
// Every cdk-nag pack we gate on is registered, so a finding fails the synth.
// `cdk synth` prints one line: where the report is and what the monitoring costs a month
// (cdk.json sets "quiet": the template is in cdk.out, not on the screen).
import { Annotations, App } from 'aws-cdk-lib';
import { ExampleServiceStack } from './example-stack';
import { registerNagPacks } from './nag';
import { MonitoringReport } from '../src';

const app = new App();
const stack = new ExampleServiceStack(app, 'WatchkeeperExample');
// monitoring-report.md and .html in cdk.out: every alarm, log group, schedule and dollar.
MonitoringReport.of(app);
// Notes this app has read: the report's line carries the estimate (the table is in
// cdk.out/watchkeeper-cost-report.txt), the stack has no env so it synthesizes offline (priced
// at us-east-1), and the API's latency is kept per route on purpose.
Annotations.of(stack).acknowledgeInfo('cdk-watchkeeper:CostReport.estimate', 'MonitoringReport prints the estimate after synth');
Annotations.of(stack).acknowledgeInfo('cdk-watchkeeper:CostReport.regionAssumed', 'the example synthesizes offline without an env; us-east-1 prices are the estimate');
Annotations.of(stack).acknowledgeInfo('cdk-watchkeeper:JsonLogMetrics.dimensionCost', 'the example API has a handful of routes: one latency metric each');
registerNagPacks(app);
app.synth();
