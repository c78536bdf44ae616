import { Stack, aws_cloudwatch as cloudwatch, aws_iam as iam, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { logGroupArns } from '../private/log-group-arns';
import { GrantStatement, ManagedPolicyGrants } from '../private/managed-grants';
import { PUT_METRIC_DATA, READ_METRIC_DATA, READ_QUERY_RESULTS } from '../private/unscoped-actions';
import { registerUsage } from '../private/usage-registry';
import { checkNamespace, invalid } from '../private/validation';

/** Properties of {@link TelemetryAccess}. */
export interface TelemetryAccessProps {
  /**
   * The service's log groups.
   * @default - none yet (add them with addLogGroup)
   */
  readonly logGroups?: logs.ILogGroup[];
  /**
   * The service's alarms.
   * @default - none yet (add them with addAlarm)
   */
  readonly alarms?: cloudwatch.IAlarm[];
  /**
   * The service's dashboards.
   * @default - none yet (add them with addDashboard)
   */
  readonly dashboards?: cloudwatch.Dashboard[];
}

/**
 * Least-privilege access to a service's telemetry: `grantPutMetricData` for the
 * application (one namespace only) and `grantRead` for people (the service's dashboards,
 * alarms and log groups, nothing else). Statements go into customer managed policies of
 * this construct attached to the grantee's role, user or group.
 *
 * @example
 * declare const appLogs: AppLogGroup;
 * const access = new TelemetryAccess(this, 'Access', { logGroups: [appLogs.logGroup] });
 * access.grantPutMetricData(role, 'Orders/Api');
 */
export class TelemetryAccess extends Construct {
  private readonly logGroups: logs.ILogGroup[];
  private readonly alarms: cloudwatch.IAlarm[];
  private readonly dashboards: cloudwatch.Dashboard[];
  private readonly grants: ManagedPolicyGrants;

  public constructor(scope: Construct, id: string, props: TelemetryAccessProps = {}) {
    super(scope, id);
    this.logGroups = [...props.logGroups ?? []];
    this.alarms = [...props.alarms ?? []];
    this.dashboards = [...props.dashboards ?? []];
    this.grants = new ManagedPolicyGrants(this, 'Policy');
  }

  /** Adds a log group that `grantRead` covers (grants made before are not extended). */
  public addLogGroup(logGroup: logs.ILogGroup): void {
    this.logGroups.push(logGroup);
  }

  /** Adds an alarm that `grantRead` covers (grants made before are not extended). */
  public addAlarm(alarm: cloudwatch.IAlarm): void {
    this.alarms.push(alarm);
  }

  /** Adds a dashboard that `grantRead` covers (grants made before are not extended). */
  public addDashboard(dashboard: cloudwatch.Dashboard): void {
    this.dashboards.push(dashboard);
  }

  /**
   * Lets the grantee publish custom metrics into `namespace` only
   * (`cloudwatch:PutMetricData` on `*` with a `cloudwatch:namespace` condition: the
   * action has no resource type). Each call is a billed API request and each series a
   * custom metric: declare them with `AppMetrics` so the cost report prices them (it warns
   * otherwise), or publish through the agent's EMF listener instead (`AgentConfig` `emf`),
   * which needs no grant.
   */
  public grantPutMetricData(grantee: iam.IGrantable, namespace: string): iam.Grant {
    checkNamespace(this, namespace);
    // The cost report prices what the app publishes there once it is declared (AppMetrics).
    registerUsage(this, () => ({ putMetricDataGranted: [namespace] }));
    return this.grants.grant(grantee, [{
      actions: PUT_METRIC_DATA.actions,
      resourceArns: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': namespace } },
      unscoped: PUT_METRIC_DATA,
    }]);
  }

  /**
   * Read-only access for people: open the service's dashboards, see its alarms and their
   * history, read and query its log groups. Nothing is granted on other resources,
   * except what AWS cannot scope, which is limited to the stack's Region: reading metric
   * data (dashboards and alarm graphs), fetching Logs Insights results and listing saved
   * queries. The console's log group list (`logs:DescribeLogGroups`) is not granted:
   * open the groups from the dashboard or by name.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    if (this.logGroups.length + this.alarms.length + this.dashboards.length === 0) {
      invalid(this, 'logGroups, alarms or dashboards', 'given before grantRead (there is nothing to read)', []);
    }
    const stack = Stack.of(this);
    const statements: GrantStatement[] = [];
    // What AWS cannot scope to resources is at least kept to the service's Region.
    const thisRegion = { StringEquals: { 'aws:RequestedRegion': stack.region } };
    if (this.dashboards.length > 0) {
      statements.push({
        actions: ['cloudwatch:GetDashboard'],
        resourceArns: this.dashboards.map(d => stack.formatArn({
          service: 'cloudwatch', region: '', resource: 'dashboard', resourceName: d.dashboardName,
        })),
      });
    }
    if (this.alarms.length > 0) {
      statements.push({
        actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
        resourceArns: this.alarms.map(a => a.alarmArn),
      });
    }
    if (this.dashboards.length + this.alarms.length > 0) {
      statements.push({ actions: READ_METRIC_DATA.actions, resourceArns: ['*'], conditions: thisRegion, unscoped: READ_METRIC_DATA });
    }
    if (this.logGroups.length > 0) {
      statements.push({
        // logs:GetQueryResults is authorized on the queried log group (its required resource
        // type in the Service Authorization Reference), so it is scoped like StartQuery.
        actions: ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:GetQueryResults', 'logs:GetLogGroupFields'],
        resourceArns: this.logGroups.flatMap(logGroupArns),
      });
      statements.push({ actions: READ_QUERY_RESULTS.actions, resourceArns: ['*'], conditions: thisRegion, unscoped: READ_QUERY_RESULTS });
    }
    return this.grants.grant(grantee, statements);
  }
}
