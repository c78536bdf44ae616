// The organisation example's stack, one per Region: a monitoring account with its
// source-link StackSet and cost report. examples/org-app.ts synthesizes it with every nag pack.
import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CostReport, MonitoringAccount, SourceLinkStackSet, StackSetCaller } from '../src';

/** What the organisation looks like: its id and the OUs whose accounts run services. */
const ORGANIZATION_ID = 'o-a1b2c3d4e5';
const WORKLOAD_OUS = ['ou-ab12-11111111', 'ou-ab12-22222222'];
export const REGIONS = ['eu-west-1', 'us-east-1'];

export interface OrgMonitoringStackProps extends StackProps {
  /** The Region this stack watches (one sink per account and Region). */
  readonly region: string;
}

/** The organisation's monitoring in one Region: sink, alarms, dashboard, and the links of every workload account. */
export class OrgMonitoringStack extends Stack {
  /** The monitoring account of this Region. */
  public readonly monitoring: MonitoringAccount;
  /** What the monitoring account's resources cost per month. */
  public readonly costReport: CostReport;

  public constructor(scope: Construct, id: string, props: OrgMonitoringStackProps) {
    super(scope, id, { ...props, env: { region: props.region } });

    const monitoring = this.monitoring = new MonitoringAccount(this, 'Monitoring', {
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
    this.costReport = new CostReport(this, 'CostReport', { title: `Organisation monitoring (${props.region})`, fileName: `org-cost-report-${props.region}`, print: true });
  }
}

