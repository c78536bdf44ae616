import {
  Annotations, Duration, Stack, Token,
  aws_cloudwatch as cloudwatch, aws_oam as oam,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { DEFAULT_SHARED_TELEMETRY, MAX_METRICS_PER_QUERY, ORGANIZATION_ID, ORG_PATH } from './private/org-facts';
import { SharedTelemetryType } from './shared-telemetry';
import { AlertTopic } from '../alarms/alert-topic';
import { AlarmRouting, AlarmSeverity } from '../core/alarm-routing';
import { AlarmSet } from '../core/alarm-set';
import { ComputeMetrics, InstanceMetric } from '../core/compute-metrics';
import { MetricsInsightsAggregation, MetricsInsightsQuery } from '../core/metrics-insights-query';
import { recordAnalysedMetrics } from '../private/alarm-metadata';
import { MAX_SERIES_PER_QUERY } from '../private/metrics-insights';
import { SubstitutedDashboard } from '../private/substituted-dashboard';
import { checkInteger, checkPattern, checkRange, checkUnique, invalid, invalidMessage } from '../private/validation';

/** Properties of a {@link MonitoringAccount}. */
export interface MonitoringAccountProps {
  /**
   * The organisation whose accounts may link to the sink (`aws:PrincipalOrgID`), `o-` and
   * 10 to 32 lowercase letters or digits.
   */
  readonly organizationId: string;
  /**
   * Admit only accounts under these organisation paths (`aws:PrincipalOrgPaths`, matched with
   * `ForAnyValue:StringLike`), for example `o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*`.
   * @default - every account of the organisation
   */
  readonly organizationalUnitPaths?: string[];
  /**
   * What source accounts may share. Links must ask for exactly this list (or part of it):
   * pass the same list to `SourceAccountLink` and `SourceLinkStackSet`.
   * @default - metrics and log groups
   */
  readonly sharedTelemetry?: SharedTelemetryType[];
  /**
   * The sink's name. An account has one sink per Region.
   * @default - `<stack name>-sink`
   */
  readonly sinkName?: string;
  /**
   * Where the organisation's alarms notify. Its topics must be in this account and Region:
   * CloudWatch publishes as a service principal without `aws:PrincipalOrgID`.
   * @default - a new `AlertTopic` in this stack with `alertEmails` subscribed
   */
  readonly routing?: AlarmRouting;
  /**
   * Email addresses subscribed to the new alert topic (ignored with `routing`).
   * @default - no subscriber (a synth-time warning says so)
   */
  readonly alertEmails?: string[];
  /**
   * Alarm when an instance in any linked account runs at or above this CPU percentage for 3 of 3 five-minute periods.
   * @default 90
   */
  readonly cpuThresholdPercent?: number;
  /**
   * How many EC2 instances the linked accounts run in this Region, for the cost report (each
   * query alarm is billed per metric it analyses) and the checks of what one Metrics Insights
   * query covers: every instance up to 500 (the most series a query returns); beyond 500 only
   * the 500 with the highest values are contributors (a synth-time warning); beyond 10,000
   * (the most metrics a query processes) some instances are not read at all (a warning too).
   * @default 100
   */
  readonly expectedInstances?: number;
  /**
   * A runbook linked from every alarm's description.
   * @default - no runbook link
   */
  readonly runbookUrl?: string;
  /**
   * The cross-account dashboard's name.
   * @default - `<stack name>-organisation`
   */
  readonly dashboardName?: string;
}

/**
 * The monitoring account of an organisation, in one Region: a CloudWatch cross-account
 * observability sink that admits only the organisation's accounts (or some of its OUs),
 * one Metrics Insights alarm per signal over every linked account (`GROUP BY AWS.AccountId,
 * InstanceId`: each instance of each account is a contributor, up to the 500 series one query
 * returns; see `expectedInstances`), an alert topic, and a dashboard grouped by account.
 *
 * Cross-account observability works one Region at a time: sink and links live in the same
 * Region, and no alarm reads a metric of another Region. Deploy one monitoring stack per
 * Region, before any link. The template holds the same resources for 1 or 1,000 accounts.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Unified-Cross-Account.html
 *
 * Actions that must act in a source account (EC2 recover, idle shutdown, schedules) stay
 * there: these alarms only notify.
 *
 * @example
 * const monitoring = new MonitoringAccount(this, 'Monitoring', {
 *   organizationId: 'o-a1b2c3d4e5',
 *   alertEmails: ['platform@example.com'],
 * });
 */
export class MonitoringAccount extends Construct {
  /** Whether a construct is a {@link MonitoringAccount}. */
  public static isMonitoringAccount(x: unknown): x is MonitoringAccount {
    return typeof x === 'object' && x !== null && MONITORING_ACCOUNT in x;
  }

  /** The sink. */
  public readonly sink: oam.CfnSink;
  /** The sink's ARN: what source accounts link to. */
  public readonly sinkArn: string;
  /** What source accounts may share (the list the sink policy admits). */
  public readonly sharedTelemetry: SharedTelemetryType[];
  /** The organisation's alarms (one per signal, each per account and instance). */
  public readonly alarmSet: AlarmSet;
  /** The alert topic this construct created, when no `routing` was given. */
  public readonly alertTopic?: AlertTopic;
  /** The dashboard of every linked account. */
  public readonly dashboard: cloudwatch.Dashboard;

  public constructor(scope: Construct, id: string, props: MonitoringAccountProps) {
    super(scope, id);
    Object.defineProperty(this, MONITORING_ACCOUNT, { value: true });
    const { paths, sharedTelemetry, sinkName } = this.validate(props);
    this.sharedTelemetry = sharedTelemetry;
    this.sink = this.newSink(props.organizationId, paths, sinkName);
    this.sinkArn = this.sink.attrArn;

    let routing = props.routing;
    if (!routing) {
      this.alertTopic = new AlertTopic(this, 'Alerts', { displayName: 'Organisation alerts', emails: props.alertEmails });
      routing = AlarmRouting.toTopic(this.alertTopic);
    }
    this.alarmSet = new AlarmSet(this, 'Alarms', { routing, alarmNamePrefix: `${Stack.of(this).stackName}-org`, runbookUrl: props.runbookUrl });
    const instances = props.expectedInstances ?? 100;
    this.addOrganisationAlarms(props.cpuThresholdPercent ?? 90, instances);
    this.warnAboutQueryLimits(instances);
    this.dashboard = this.newDashboard(props);
    this.node.addValidation({ validate: () => this.checkOneSinkPerStack() });
  }

  /** The organisation, its OU paths, what is shared, the thresholds and the sink's name, checked. */
  private validate(props: MonitoringAccountProps): { paths: string[]; sharedTelemetry: SharedTelemetryType[]; sinkName: string } {
    checkPattern(this, 'organizationId', props.organizationId, ORGANIZATION_ID, 'an organization id: o- and 10 to 32 lowercase letters or digits');
    const paths = props.organizationalUnitPaths ?? [];
    if (props.organizationalUnitPaths !== undefined && paths.length === 0) invalid(this, 'organizationalUnitPaths', 'at least one path, or undefined for the whole organisation', '[]');
    paths.forEach((p, i) => {
      checkPattern(this, `organizationalUnitPaths[${i}]`, p, ORG_PATH, 'an organisation path o-xxx/r-xxxx/ou-xxxx-xxxxxxxx/ (optionally ending in *)');
      if (!Token.isUnresolved(p) && !Token.isUnresolved(props.organizationId) && !p.startsWith(`${props.organizationId}/`)) {
        invalid(this, `organizationalUnitPaths[${i}]`, `a path inside organisation ${props.organizationId}`, p);
      }
    });
    const sharedTelemetry = [...(props.sharedTelemetry ?? DEFAULT_SHARED_TELEMETRY)];
    if (sharedTelemetry.length === 0) invalid(this, 'sharedTelemetry', 'at least one telemetry type', '[]');
    checkUnique(this, 'sharedTelemetry', sharedTelemetry);
    checkRange(this, 'cpuThresholdPercent', props.cpuThresholdPercent, 0, 100);
    checkInteger(this, 'expectedInstances', props.expectedInstances, 1, 10_000_000);
    const sinkName = props.sinkName ?? `${Stack.of(this).stackName}-sink`;
    checkPattern(this, 'sinkName', sinkName, /^[a-zA-Z0-9_.-]{1,255}$/, '1 to 255 letters, digits, _ . or -');
    return { paths, sharedTelemetry, sinkName };
  }

  /**
   * The sink, whose policy admits the organisation's accounts (or its OUs) for the shared
   * telemetry types only.
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Unified-Cross-Account-Setup.html
   * (organisation-wide sharing with aws:PrincipalOrgID, or aws:PrincipalOrgPaths for OUs).
   */
  private newSink(organizationId: string, paths: string[], sinkName: string): oam.CfnSink {
    const member = paths.length > 0
      ? { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': paths } }
      : { StringEquals: { 'aws:PrincipalOrgID': organizationId } };
    return new oam.CfnSink(this, 'Resource', {
      name: sinkName,
      policy: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: '*',
          Action: ['oam:CreateLink', 'oam:UpdateLink'],
          Resource: '*',
          Condition: {
            ...member,
            'ForAllValues:StringEquals': { 'oam:ResourceTypes': this.sharedTelemetry },
          },
        }],
      },
    });
  }

  /**
   * One alarm per signal over every linked account. Metrics Insights in a monitoring account
   * queries every linked account; AWS.AccountId names the account a series comes from. ORDER
   * BY ... LIMIT 500 keeps the worst 500 series when more match.
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html
   */
  private addOrganisationAlarms(cpu: number, instances: number): void {
    const perInstance = (metric: InstanceMetric) => ComputeMetrics.instancesQuery(metric, {
      aggregation: MetricsInsightsAggregation.MAX, perAccount: true, perInstance: true, limit: MAX_SERIES_PER_QUERY, accountWide: true,
    });
    const statusChecks = this.alarmSet.addMetricsInsightsAlarm('StatusCheckFailed', {
      query: perInstance(InstanceMetric.STATUS_CHECK_FAILED),
      threshold: 1,
      period: Duration.minutes(1),
      evaluationPeriods: 2,
      severity: AlarmSeverity.CRITICAL,
      description: 'An instance in a linked account fails its status checks for 2 minutes. The notification names the account (AWS.AccountId) '
        + 'and the instance (InstanceId); recovery runs in that account (its own alarms or EC2 automatic recovery).',
    });
    const cpuAlarm = this.alarmSet.addMetricsInsightsAlarm('CpuUtilization', {
      query: perInstance(InstanceMetric.CPU_UTILIZATION),
      threshold: cpu,
      period: Duration.minutes(5),
      evaluationPeriods: 3,
      description: `An instance in a linked account runs at or above ${cpu} % CPU for 15 minutes. The notification names the account and the instance.`,
    });
    for (const alarm of [statusChecks, cpuAlarm]) recordAnalysedMetrics(alarm, () => instances);
  }

  /**
   * A query returns at most 500 series: past 500 instances the alarm evaluates PARTIAL_DATA
   * and only the 500 highest (ORDER BY MAX() DESC) are its contributors.
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-limits.html
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html
   */
  private warnAboutQueryLimits(instances: number): void {
    if (instances > MAX_SERIES_PER_QUERY && instances <= MAX_METRICS_PER_QUERY) {
      Annotations.of(this).addWarningV2('cdk-watchkeeper:MonitoringAccount.seriesPerQuery',
        `expectedInstances is ${instances}, but one Metrics Insights query returns at most ${MAX_SERIES_PER_QUERY} series: `
        + `each organisation alarm evaluates with PARTIAL_DATA and only the ${MAX_SERIES_PER_QUERY} instances with the highest values are its contributors. `
        + `An instance that fails its status checks or runs hot is still caught while fewer than ${MAX_SERIES_PER_QUERY} are worse at the same time, `
        + 'but not every instance is watched (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html). '
        + 'To watch every instance, alarm in the source accounts (FleetAlarms partitions at 500), or use one monitoring account per group of OUs.');
    }
    if (instances > MAX_METRICS_PER_QUERY) {
      Annotations.of(this).addWarningV2('cdk-watchkeeper:MonitoringAccount.metricsPerQuery',
        `expectedInstances is ${instances}, but one Metrics Insights query processes at most ${MAX_METRICS_PER_QUERY} metrics `
        + '(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-limits.html): '
        + `instances beyond that are not read at all, and of those it reads only the ${MAX_SERIES_PER_QUERY} with the highest values are contributors. `
        + 'Use one monitoring account per group of OUs, or alarms in the source accounts.');
    }
  }

  /**
   * StatusCheckFailed is 0 or 1 once a minute per instance, so its SUM over one-minute
   * periods counts the instances failing in that minute; over a longer period it would count
   * failing minutes. INHERIT keeps each graph at its own period whatever the time range
   * (AUTO widens periods with the range).
   * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html#status-check-metrics
   */
  private newDashboard(props: MonitoringAccountProps): cloudwatch.Dashboard {
    return new SubstitutedDashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? `${Stack.of(this).stackName}-organisation`,
      periodOverride: cloudwatch.PeriodOverride.INHERIT,
      widgets: [
        [new cloudwatch.AlarmStatusWidget({ title: 'Organisation alarms', alarms: this.alarmSet.alarms, width: 24, height: 3 })],
        [
          accountWidget('Worst CPU per account (%)', Duration.minutes(5),
            perAccount(InstanceMetric.CPU_UTILIZATION, MetricsInsightsAggregation.MAX)),
          accountWidget('Instances failing status checks per account (each minute)', STATUS_CHECK_PERIOD,
            perAccount(InstanceMetric.STATUS_CHECK_FAILED, MetricsInsightsAggregation.SUM)),
        ],
      ],
    });
  }

  private checkOneSinkPerStack(): string[] {
    const stack = Stack.of(this);
    const sinks = stack.node.findAll().filter((c: IConstruct) => MonitoringAccount.isMonitoringAccount(c) && Stack.of(c) === stack);
    if (sinks.length <= 1 || sinks[0] !== this) return [];
    return [invalidMessage(this, 'MonitoringAccount constructs in one stack',
      'one: an account has one sink per Region (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Unified-Cross-Account-Setup.html)',
      sinks.length)];
  }
}

const MONITORING_ACCOUNT = Symbol.for('cdk-watchkeeper.MonitoringAccount');

/** EC2 publishes status check metrics once a minute. */
const STATUS_CHECK_PERIOD = Duration.minutes(1);

/** The 50 accounts with the highest values of an EC2 metric over their instances. */
function perAccount(metric: InstanceMetric, aggregation: MetricsInsightsAggregation): MetricsInsightsQuery {
  return ComputeMetrics.instancesQuery(metric, { aggregation, perAccount: true, limit: 50, accountWide: true });
}

function accountWidget(title: string, period: Duration, query: MetricsInsightsQuery): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title,
    width: 12,
    height: 6,
    period,
    left: [new cloudwatch.MathExpression({ expression: query.sql, usingMetrics: {}, period, label: '' })],
  });
}
