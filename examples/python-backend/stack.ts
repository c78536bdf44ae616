// The Python backend of app.py on EC2, watched: its JSON logs shipped by the CloudWatch agent
// into a log group with metric filters and saved queries, its request metrics sent as EMF
// events to the agent's listener (no PutMetricData), declared for the cost report and read
// with every dimension the app publishes.
import { Duration, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  AgentConfig, AppMetrics, AppMetricsTransport, CloudWatchAgent, HttpStatusClass, IAlertTopic, JsonLogFormat,
  JsonLogMetrics, LogQueries,
} from '../../src';

/** The log group app.py's lines go to (the agent follows LOG_FILE). */
export const APP_LOG_GROUP = '/python-backend/app';
/** The log group the agent writes the EMF events to: app.py's AWS_EMF_LOG_GROUP_NAME. */
export const EMF_LOG_GROUP = '/python-backend/metrics';
/** app.py's EMF namespace. */
export const APP_NAMESPACE = 'PythonBackend/Api';

/** What the backend's monitoring needs. */
export interface PythonBackendProps {
  /** Where alarms go. */
  readonly alerts: IAlertTopic;
  /** The logger preset app.py runs with (its LOG_FORMAT). */
  readonly format: JsonLogFormat;
}

/** The backend's agent (log groups included), metric filters, queries and app metrics. */
export function addPythonBackend(scope: Construct, props: PythonBackendProps) {
  // The agent ships app.py's log file and listens for its EMF events; it creates both groups.
  const agentConfig = new AgentConfig({
    metrics: [],
    logFiles: [{ filePath: '/var/log/python-backend/app.log', logGroupName: APP_LOG_GROUP, retention: logs.RetentionDays.ONE_MONTH }],
    emf: { logGroupName: EMF_LOG_GROUP, retention: logs.RetentionDays.TWO_WEEKS },
  });
  const agent = new CloudWatchAgent(scope, 'BackendAgent', { config: agentConfig });
  const appLogGroup = agent.logGroups.find(g => g.node.id.startsWith('Logspythonbackendapp'))!;

  const logMetrics = new JsonLogMetrics(scope, 'BackendLogMetrics', {
    logGroup: appLogGroup, namespace: 'PythonBackend/Logs', alertTopic: props.alerts, format: props.format,
  });
  logMetrics.addErrorCount('Errors', { alarm: { threshold: 1 } });
  logMetrics.addLatency('Latency', { dimensions: { Route: 'route' } });
  logMetrics.addStatusClassCount('ServerErrors', { statusClass: HttpStatusClass.SERVER_ERROR });
  logMetrics.addStatusClassCount('ClientErrors', { statusClass: HttpStatusClass.CLIENT_ERROR });

  const queries = new LogQueries(scope, 'BackendQueries', {
    logGroups: [appLogGroup], folder: 'python-backend', format: props.format, slowRequestThreshold: Duration.millis(500),
  });

  const appMetrics = new AppMetrics(scope, 'BackendAppMetrics', {
    namespace: APP_NAMESPACE,
    metricNames: ['RequestCount', 'ResponseTime'],
    dimensions: ['Method', 'Route', 'StatusCode'],
    series: 2 * 3 * 10 * 5,
    transport: AppMetricsTransport.embeddedMetricFormat(10),
  });
  return { logMetrics, queries, agentConfig, agent, appMetrics };
}
