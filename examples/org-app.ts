// One monitoring account for a whole organisation, synthesized offline:
//   npx cdk synth --app 'npx ts-node --project examples/tsconfig.json --prefer-ts-exts examples/org-app.ts' -o cdk.out.org --quiet
// (or `npx projen synth:org`). Every cdk-nag pack we gate on is registered, so a finding fails the synth.
//
// Deploy each stack into the monitoring account, one per Region it watches. The monitoring
// account must be a delegated administrator of CloudFormation StackSets for the source-link
// StackSet (or deploy that StackSet from the management account with StackSetCaller.SELF).
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { Construct } from 'constructs';
import { CostReport, MonitoringAccount, SourceLinkStackSet, StackSetCaller } from '../src';

/** What the organisation looks like: its id and the OUs whose accounts run services. */
const ORGANIZATION_ID = 'o-a1b2c3d4e5';
const WORKLOAD_OUS = ['ou-ab12-11111111', 'ou-ab12-22222222'];
const REGIONS = ['eu-west-1', 'us-east-1'];

interface OrgMonitoringStackProps extends StackProps {
  /** The Region this stack watches (one sink per account and Region). */
  readonly region: string;
}

/** The organisation's monitoring in one Region: sink, alarms, dashboard, and the links of every workload account. */
export class OrgMonitoringStack extends Stack {
  public constructor(scope: Construct, id: string, props: OrgMonitoringStackProps) {
    super(scope, id, { ...props, env: { region: props.region } });

    const monitoring = new MonitoringAccount(this, 'Monitoring', {
      organizationId: ORGANIZATION_ID,
      alertEmails: ['platform-oncall@example.com'],
      expectedInstances: 400,
    });

    // Links every account of the workload OUs (and each account that joins them later) to
    // this Region's sink. The StackSet depends on the sink, so the sink is created first and
    // deleted last.
    new SourceLinkStackSet(this, 'SourceLinks', {
      sinkArn: monitoring.sinkArn,
      region: props.region,
      organizationalUnitIds: WORKLOAD_OUS,
      callAs: StackSetCaller.DELEGATED_ADMIN,
      metricNamespaces: ['AWS/EC2', 'AWS/AutoScaling', 'AWS/EBS', 'CWAgent', 'ExampleApi', 'ExampleWorker'],
    });

    // The monitoring account's own bill: its alarms, dashboard and key (sharing is free).
    new CostReport(this, 'CostReport', { title: `Organisation monitoring (${props.region})`, fileName: `org-cost-report-${props.region}`, print: true });
  }
}

const app = new App();
for (const region of REGIONS) new OrgMonitoringStack(app, `WatchkeeperOrg-${region}`, { region });
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app),
  new NIST80053R5Checks(app),
  new HIPAASecurityChecks(app),
  new PCIDSS321Checks(app),
);
app.synth();
