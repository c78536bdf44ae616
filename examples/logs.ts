// Application logs, event notifications and the account audit trail of the example service:
// a web API writing one JSON object per line
// ({"timestamp", "level", "message", "request_id", "method", "path", "route", "status_code", "duration_ms"}).
import { Duration, Tags, aws_autoscaling as autoscaling, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  AppLogGroup, AppMetrics, AppMetricsTransport, AuditTrail, EventNotifications, HttpStatusClass, IAlertTopic, JsonLogMetrics, LogQueries, TelemetryAccess,
} from '../src';

/** What the service's logs and events need from the rest of the stack. */
export interface ExampleLogsProps {
  /** Where alarms and notifications go. */
  readonly alerts: IAlertTopic;
  /** The role the API's instances run with (it writes logs and custom metrics); a new one when omitted. */
  readonly appRole?: iam.IRole;
  /** The API's Auto Scaling group, whose launch/terminate failures notify. */
  readonly autoScalingGroup?: autoscaling.IAutoScalingGroup;
}

/** App log group, metric filters with alarms, saved queries, grants, event rules and the audit trail. */
export function addExampleLogs(scope: Construct, props: ExampleLogsProps): void {
  const apiLogs = new AppLogGroup(scope, 'ApiAppLogs', { logGroupName: '/example/orders-api/app' });
  apiLogs.addNoLogsAlarm('ApiSilent', { alertTopic: props.alerts });

  const metrics = new JsonLogMetrics(scope, 'ApiLogMetrics', {
    logGroup: apiLogs.logGroup, namespace: 'WatchkeeperExample/Api', alertTopic: props.alerts,
  });
  metrics.addErrorCount('Errors', { alarm: { threshold: 5, evaluationPeriods: 2 } });
  metrics.addLatency('Latency', { dimensions: { Route: 'route' }, alarm: { threshold: 1500, evaluationPeriods: 3 } });
  metrics.addStatusClassCount('ServerErrors', { statusClass: HttpStatusClass.SERVER_ERROR, alarm: { threshold: 10 } });
  metrics.addStatusClassCount('ClientErrors', { statusClass: HttpStatusClass.CLIENT_ERROR });
  // Error lines, with up to 20 of them (the traceback) in the notification email.
  metrics.addErrorLogAlarm('ErrorLines', { logLines: 20 });
  // The API's log alarms belong to the orders team, like its other alarms.
  Tags.of(metrics).add('service', 'orders-api');
  Tags.of(metrics).add('owner', 'orders-team');

  new LogQueries(scope, 'ApiQueries', {
    logGroups: [apiLogs.logGroup], folder: 'watchkeeper-example/api', slowRequestThreshold: Duration.millis(800),
  });

  const appRole = props.appRole ?? new iam.Role(scope, 'ApiInstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  apiLogs.grantWrite(appRole);
  const access = new TelemetryAccess(scope, 'ApiTelemetryAccess', { logGroups: [apiLogs.logGroup] });
  access.grantPutMetricData(appRole, 'WatchkeeperExample/Api');
  // What the API publishes with PutMetricData (about one call a second), for the cost report;
  // alarms read it through metric(), which names every dimension it publishes.
  new AppMetrics(scope, 'ApiAppMetrics', {
    namespace: 'WatchkeeperExample/Api',
    metricNames: ['RequestCount', 'ResponseTime'],
    dimensions: ['Method', 'Route', 'StatusCode'],
    series: 60,
    transport: AppMetricsTransport.putMetricData(1),
  });
  // People on call read the API's logs (and, in a full service, its alarms and dashboards).
  access.grantRead(new iam.Role(scope, 'OnCallReadOnly', { assumedBy: new iam.AccountRootPrincipal() }));

  new EventNotifications(scope, 'ApiEvents', {
    alertTopic: props.alerts,
    autoScalingGroups: props.autoScalingGroup ? [props.autoScalingGroup] : undefined,
  });

  new AuditTrail(scope, 'Audit', { alertTopic: props.alerts, trailName: 'watchkeeper-example-audit' });
}
