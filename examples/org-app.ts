// One monitoring account for a whole organisation, synthesized offline:
//   npx cdk synth --app 'npx ts-node --project examples/tsconfig.json --prefer-ts-exts examples/org-app.ts' -o cdk.out.org --quiet
// (or `npx projen synth:org`). Every cdk-nag pack we gate on is registered, so a finding fails the synth.
//
// Deploy each stack into the monitoring account, one per Region it watches. The monitoring
// account must be a delegated administrator of CloudFormation StackSets for the source-link
// StackSet (or deploy that StackSet from the management account with StackSetCaller.SELF).
import { App } from 'aws-cdk-lib';
import { registerNagPacks } from './nag';
import { OrgMonitoringStack, REGIONS } from './org';
import { MonitoringReport } from '../src';

const app = new App();
for (const region of REGIONS) new OrgMonitoringStack(app, `WatchkeeperOrg-${region}`, { region });
MonitoringReport.of(app);
registerNagPacks(app);
app.synth();
