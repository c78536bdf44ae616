import * as fs from 'fs';
import * as path from 'path';
import {
  Annotations, CfnResource, Stack, Stage, Token, attachCustomSynthesis,
  aws_cloudwatch as cloudwatch, aws_kms as kms, aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { pricesFor } from './private/cloudwatch-prices.pure';
import { CostEstimate, UsageCounts, estimateCost, formatCostTable } from './private/cost-estimate.pure';
import { analysedMetrics, logAlarmQuery } from '../private/alarm-metadata';
import { collectUsage } from '../private/usage-registry';
import { checkRange, checkPattern, invalidMessage } from '../private/validation';

const DEFAULT_FILE_NAME = 'watchkeeper-cost-report';

/** Expected log volume of one log group, for the report. */
export interface LogVolume {
  /** The log group. */
  readonly logGroup: logs.ILogGroup;
  /** Data ingested per month, in GB (uncompressed). */
  readonly gbPerMonth: number;
  /**
   * How long data is kept, in days, for the storage estimate.
   * @default - the group's retention when it is defined in this app, otherwise 30 days
   */
  readonly retentionDays?: number;
}

/** Properties of a {@link CostReport}. */
export interface CostReportProps {
  /**
   * The report's title.
   * @default - the path of the scope the report covers
   */
  readonly title?: string;
  /**
   * Base name of the files written into the cloud assembly (`<name>.json`, `<name>.txt`).
   * Every report of one cloud assembly (an app, or a stage) writes into the same directory:
   * two reports given the same name fail at synth rather than one overwriting the other.
   * @default 'watchkeeper-cost-report' when it is the only report of its cloud assembly
   * without a file name; otherwise `watchkeeper-cost-report-<construct path>`, with `/` as `-`
   * (`watchkeeper-cost-report-Prod-CostReport`)
   */
  readonly fileName?: string;
  /**
   * The Region whose prices to use.
   * @default - the stack's Region when it is known, otherwise us-east-1
   */
  readonly region?: string;
  /**
   * Metrics each Metrics Insights query alarm analyses (it is billed per metric the query
   * matches, which is only known at run time), for alarms whose creator does not know it.
   * `FleetAlarms` records its own: one metric per instance a partition can hold, or per
   * group and disk path for the agent alarms.
   * @default 10
   */
  readonly metricsInsightsSeriesPerAlarm?: number;
  /**
   * Expected log volumes, for ingestion and storage estimates (a CloudTrail trail's log
   * group is billed like any other: $0.50/GB ingested in us-east-1).
   * @default - only `defaultLogGbPerMonth`
   */
  readonly logVolumes?: LogVolume[];
  /**
   * Data ingested per month, in GB, assumed for every log group defined in the scope that
   * has no volume in `logVolumes`. Log groups with neither are left out of the estimate,
   * with a warning.
   * @default - no assumed volume
   */
  readonly defaultLogGbPerMonth?: number;
  /**
   * Also print the table to standard error during synthesis.
   * @default false
   */
  readonly print?: boolean;
  /**
   * How often per month the dashboards are loaded or refreshed: each time, their Logs
   * Insights widgets ("Recent errors") run their query over the dashboard's time range.
   * @default 2112 - open 8 hours on each of 22 working days, refreshed every 5 minutes
   */
  readonly dashboardLoadsPerMonth?: number;
}

/**
 * A synth-time estimate of what the monitoring in its scope costs per month: agent custom
 * metrics (from the telemetry model), alarms by kind, dashboards, idle-shutdown runs and
 * API calls, KMS keys, and log ingestion/storage from the volumes you declare.
 *
 * Written into the cloud assembly as JSON and as a table, and shown as an info annotation.
 * It counts what the app defines, at list prices (see `cloudwatch-prices`), and leaves out
 * free tiers: it is an estimate to compare designs, not a bill.
 *
 * @example
 * new CostReport(this, 'CostReport', { print: true });
 */
export class CostReport extends Construct {
  private readonly logVolumes: LogVolume[] = [];

  public constructor(scope: Construct, id: string, private readonly props: CostReportProps = {}) {
    super(scope, id);
    checkRange(this, 'metricsInsightsSeriesPerAlarm', props.metricsInsightsSeriesPerAlarm, 1, 10_000_000);
    checkRange(this, 'defaultLogGbPerMonth', props.defaultLogGbPerMonth, 0, 1_000_000_000);
    checkRange(this, 'dashboardLoadsPerMonth', props.dashboardLoadsPerMonth, 0, 10_000_000);
    checkPattern(this, 'fileName', props.fileName, /^[A-Za-z0-9._-]{1,100}$/, 'a file name of letters, digits, dots, dashes and underscores');
    for (const v of props.logVolumes ?? []) this.addLogVolume(v);

    let estimate: CostEstimate | undefined;
    this.node.addValidation({
      validate: () => {
        estimate = this.estimate();
        const holder = this.annotationTarget();
        const undeclared = this.props.defaultLogGbPerMonth === undefined ? this.logGroupsWithoutVolume() : [];
        if (holder && undeclared.length > 0) {
          Annotations.of(holder).addWarningV2('cdk-watchkeeper:CostReport.logVolumeMissing',
            `${undeclared.length} log group(s) have no expected volume, so their ingestion and storage are not estimated: `
            + `${undeclared.map(g => g.node.path).join(', ')}. Declare them with logVolumes/addLogVolume or set defaultLogGbPerMonth.`);
        }
        const undeclaredApp = this.undeclaredAppNamespaces();
        if (holder && undeclaredApp.length > 0) {
          Annotations.of(holder).addWarningV2('cdk-watchkeeper:CostReport.appMetricsUndeclared',
            `The app may publish custom metrics into ${undeclaredApp.join(', ')} (PutMetricData is granted), but nothing says how many: `
            + 'each call is a billed request ($0.01 per 1,000; one call per request at 10 requests a second is about $260 a month) '
            + 'and each series a custom metric. Declare them with AppMetrics, or publish them through the agent\'s EMF listener.');
        }
        if (holder && !this.props.region && !this.knownRegion()) {
          Annotations.of(holder).addInfoV2('cdk-watchkeeper:CostReport.regionAssumed',
            'The stack is environment-agnostic: the cost report prices it at us-east-1. Set the stack\'s env (or the report\'s region) to price another Region.');
        }
        if (holder) {
          Annotations.of(holder).addInfoV2('cdk-watchkeeper:CostReport.estimate', `Estimated monitoring cost: $${estimate.totalMonthlyUsd.toFixed(2)}/month `
            + `(${estimate.lines.map(l => `${l.item} $${l.monthlyUsd.toFixed(2)}`).join(', ') || 'nothing billable'}), written to ${this.fileName}.json and .txt.`);
        }
        return this.checkUniqueFileName();
      },
    });
    attachCustomSynthesis(this, {
      onSynthesize: (session) => {
        const result = estimate ?? this.estimate();
        const base = path.join(session.outdir, this.fileName);
        const table = formatCostTable(result, this.title);
        fs.writeFileSync(`${base}.json`, JSON.stringify({ title: this.title, ...result }, undefined, 2));
        fs.writeFileSync(`${base}.txt`, `${table}\n`);
        if (this.props.print) process.stderr.write(`\n${table}\n\n`);
      },
    });
  }

  /** The cost reports that write into the same cloud assembly directory as this one (itself included). */
  private reportsOfAssembly(): CostReport[] {
    const stage = Stage.of(this);
    return (stage ? stage.node.findAll() : this.node.root.node.findAll())
      .filter((c): c is CostReport => c instanceof CostReport && Stage.of(c) === stage);
  }

  /**
   * The base name of this report's files: the one given, the default when no other report of
   * the cloud assembly goes without a name, or else one derived from the construct path,
   * which is unique in the app (a second report must not silently replace the first's files).
   */
  private get fileName(): string {
    if (this.props.fileName !== undefined) return this.props.fileName;
    const unnamed = this.reportsOfAssembly().filter(r => r.props.fileName === undefined);
    return unnamed.length <= 1 ? DEFAULT_FILE_NAME : `${DEFAULT_FILE_NAME}-${this.node.path.replace(/[^A-Za-z0-9._-]+/g, '-')}`;
  }

  /** Fails when another report of the cloud assembly writes the same files (names given by the user). */
  private checkUniqueFileName(): string[] {
    const name = this.fileName;
    const same = this.reportsOfAssembly().filter(r => r.fileName === name);
    if (same.length <= 1 || same[0] !== this) return [];
    return [invalidMessage(this, 'fileName', 'unique among the cost reports of one cloud assembly, which write into the same directory '
      + `(${same.map(r => r.node.path).join(', ')} would all write ${name}.json and .txt, each replacing the last): give each its own fileName`, name)];
  }

  /** Adds an expected log volume to the estimate. */
  public addLogVolume(volume: LogVolume): void {
    checkRange(this, 'gbPerMonth', volume.gbPerMonth, 0, 1_000_000_000);
    checkRange(this, 'retentionDays', volume.retentionDays, 1, 36_500);
    this.logVolumes.push(volume);
  }

  /** The report as a table (resolves the app: call after the app is complete). */
  public renderTable(): string {
    return formatCostTable(this.estimate(), this.title);
  }

  /** The estimated total per month in USD (call after the app is complete). */
  public totalMonthlyUsd(): number {
    return this.estimate().totalMonthlyUsd;
  }

  /**
   * The estimate with the title it is reported under, for other reports of the app.
   * @internal
   */
  public _report(): { title: string; estimate: CostEstimate; table: string } {
    const estimate = this.estimate();
    return { title: this.title, estimate, table: formatCostTable(estimate, this.title) };
  }

  private get title(): string {
    return this.props.title ?? (this.node.scope?.node.path || 'App');
  }

  private get covered(): IConstruct {
    return this.node.scope ?? this;
  }

  private annotationTarget(): IConstruct | undefined {
    const inStack = this.node.scopes.some(s => Stack.isStack(s));
    if (inStack) return this;
    return this.covered.node.findAll().find(c => Stack.isStack(c));
  }

  private estimate(): CostEstimate {
    const assumed = !this.props.region && !this.knownRegion();
    const region = this.props.region ?? this.knownRegion() ?? 'us-east-1';
    const { table } = pricesFor(region);
    const usage = this.countUsage();
    const notes = [...usage.notes ?? []];
    for (const c of collectUsage(this.covered).map(u => u.usage)) {
      const alt = c.appMetricsAlternative;
      if (!alt) continue;
      const price = (requests: number, gb: number) => requests / 1000 * table.apiRequestsPer1000 + gb * table.logIngestionPerGb;
      notes.push(`${alt.namespace}: the same traffic through ${alt.via} would cost $${price(alt.putMetricDataRequests, alt.emfGb).toFixed(2)}/month `
        + `instead of $${price(c.putMetricDataRequests ?? 0, c.emfGb ?? 0).toFixed(2)} (API requests or log ingestion; the series cost the same either way).`);
    }
    if (assumed) notes.unshift('environment-agnostic stack (no Region known at synth): priced at us-east-1.');
    return estimateCost({ ...usage, notes }, table, assumed ? 'us-east-1 (assumed)' : region);
  }

  /** Namespaces granted PutMetricData in the scope with no AppMetrics declared for them. */
  private undeclaredAppNamespaces(): string[] {
    const contributed = collectUsage(this.covered).map(c => c.usage);
    const declared = new Set(contributed.flatMap(u => u.appMetricsDeclared ?? []));
    return [...new Set(contributed.flatMap(u => u.putMetricDataGranted ?? []))].filter(n => !declared.has(n));
  }

  private knownRegion(): string | undefined {
    const stacks = this.node.scopes.filter(s => Stack.isStack(s)) as Stack[];
    const stack = stacks.pop() ?? (this.covered.node.findAll().find(c => Stack.isStack(c)) as Stack | undefined);
    return stack && !Token.isUnresolved(stack.region) ? stack.region : undefined;
  }

  private countUsage(): UsageCounts {
    const all = this.covered.node.findAll();
    let standard = 0; let highRes = 0; let anomaly = 0; let highResAnomaly = 0; let insights = 0;
    for (const alarm of all.filter((c): c is cloudwatch.CfnAlarm => c instanceof cloudwatch.CfnAlarm)) {
      const kind = classifyAlarm(alarm);
      if (kind.anomaly && kind.highResolution) highResAnomaly++;
      else if (kind.anomaly) anomaly++;
      else if (kind.insights) insights += analysedMetrics(alarm) ?? this.props.metricsInsightsSeriesPerAlarm ?? 10;
      else if (kind.highResolution) highRes += kind.metrics;
      else standard += kind.metrics;
    }
    const contributed = collectUsage(this.covered).map(c => c.usage);
    const sum = (f: (u: typeof contributed[number]) => number | undefined) => contributed.reduce((t, u) => t + (f(u) ?? 0), 0);
    const volumes = [...this.logVolumes.map(v => ({ gbPerMonth: v.gbPerMonth, days: this.retentionDays(v) }))];
    if (this.props.defaultLogGbPerMonth !== undefined) {
      for (const group of this.logGroupsWithoutVolume()) {
        volumes.push({ gbPerMonth: this.props.defaultLogGbPerMonth, days: retentionOf(group) ?? 30 });
      }
    }
    const logIngestedGb = volumes.reduce((t, v) => t + v.gbPerMonth, 0);
    // Logs Insights widgets: each load scans `hours` of each group's data.
    const gbOf = (group: IConstruct) => {
      const cfn = group.node.defaultChild ?? group;
      const own = this.logVolumes.find(v => v.logGroup.node.defaultChild === cfn || v.logGroup === group);
      return own?.gbPerMonth ?? this.props.defaultLogGbPerMonth ?? 0;
    };
    const loads = this.props.dashboardLoadsPerMonth ?? 2112;
    const insightsGb = contributed.flatMap(u => u.logsInsightsScans ?? [])
      .reduce((t, scan) => t + loads * scan.logGroups.reduce((g, group) => g + gbOf(group) * scan.hours / 730, 0), 0);
    const notes: string[] = [];
    const logStoredGb = volumes.reduce((t, v) => t + v.gbPerMonth * (v.days / 30), 0);
    return {
      customMetricSeries: sum(u => u.customMetricSeries),
      standardAlarmMetrics: standard,
      highResolutionAlarmMetrics: highRes,
      anomalyDetectionAlarms: anomaly,
      highResolutionAnomalyDetectionAlarms: highResAnomaly,
      logMetricSeries: countLogMetricSeries(all),
      metricsInsightsAlarmMetrics: insights,
      compositeAlarms: all.filter(c => c instanceof cloudwatch.CfnCompositeAlarm).length,
      dashboards: all.filter(c => c instanceof cloudwatch.CfnDashboard).length,
      getMetricDataMetrics: sum(u => u.getMetricDataMetrics),
      lambdaInvocations: sum(u => u.lambdaInvocations),
      lambdaGbSeconds: sum(u => u.lambdaGbSeconds),
      logIngestedGb: Math.round(logIngestedGb * 100) / 100,
      logStoredGb: Math.round(logStoredGb * 100) / 100,
      kmsKeys: all.filter(c => c instanceof kms.CfnKey).length,
      customMetricSeriesMax: sum(u => u.customMetricSeriesMax ?? u.customMetricSeries),
      appMetricSeries: sum(u => u.appMetricSeries),
      putMetricDataRequests: sum(u => u.putMetricDataRequests),
      emfGb: sum(u => u.emfGb),
      detailedMonitoringInstances: sum(u => u.detailedMonitoringInstances),
      detailedMonitoringInstancesMax: sum(u => u.detailedMonitoringInstancesMax ?? u.detailedMonitoringInstances),
      logsInsightsGbScanned: Math.round(insightsGb * 100) / 100,
      notes,
      ...this.logAlarmScans(all),
    };
  }

  /**
   * Log alarms and the data their queries scan a month: each run reads its window
   * (StartTimeOffset) of every log group it names, so a month scans volume × window / rate.
   */
  private logAlarmScans(all: IConstruct[]): { logAlarms: number; logAlarmGbScanned: number } {
    const alarms = all.filter(c => c instanceof CfnResource && c.cfnResourceType === 'AWS::CloudWatch::LogAlarm');
    let gb = 0;
    for (const alarm of alarms) {
      const query = logAlarmQuery(alarm);
      if (!query) continue;
      for (const group of query.logGroups) {
        const cfn = group.node.defaultChild ?? group;
        gb += (cfn instanceof logs.CfnLogGroup ? this.volumeOf(cfn) ?? 0 : 0) * query.windowSeconds / query.rateSeconds;
      }
    }
    return { logAlarms: alarms.length, logAlarmGbScanned: Math.round(gb * 100) / 100 };
  }

  /** The declared monthly volume of a log group, GB. */
  private volumeOf(group: logs.CfnLogGroup): number | undefined {
    const declared = this.logVolumes.find(v => v.logGroup.node.defaultChild === group);
    return declared?.gbPerMonth ?? this.props.defaultLogGbPerMonth;
  }

  private retentionDays(volume: LogVolume): number {
    if (volume.retentionDays !== undefined) return volume.retentionDays;
    const cfn = volume.logGroup.node.defaultChild;
    return (cfn instanceof logs.CfnLogGroup ? retentionOf(cfn) : undefined) ?? 30;
  }

  /** Log groups defined in the scope without a volume of their own in `logVolumes`. */
  private logGroupsWithoutVolume(): logs.CfnLogGroup[] {
    const declared = new Set(this.logVolumes.map(v => v.logGroup.node.defaultChild));
    return this.covered.node.findAll()
      .filter((c): c is logs.CfnLogGroup => c instanceof logs.CfnLogGroup)
      .filter(g => !declared.has(g));
  }
}

function retentionOf(group: logs.CfnLogGroup): number | undefined {
  const days = Stack.of(group).resolve(group.retentionInDays);
  return typeof days === 'number' ? days : undefined;
}

/**
 * The custom metric series metric filters publish: one per namespace, name and dimension
 * names (filters on several groups that publish the same metric add none). A filter with
 * dimensions publishes one series per distinct value, unknown at synth: counted once.
 */
function countLogMetricSeries(all: IConstruct[]): number {
  const series = new Set<string>();
  for (const filter of all.filter((c): c is logs.CfnMetricFilter => c instanceof logs.CfnMetricFilter)) {
    const transformations: any[] = Stack.of(filter).resolve(filter.metricTransformations) ?? [];
    for (const t of transformations) {
      const dimensions = (t.dimensions ?? []).map((d: any) => d.key).sort().join(',');
      series.add(JSON.stringify([t.metricNamespace, t.metricName, dimensions]));
    }
  }
  return series.size;
}

/** What CloudWatch bills an alarm as. */
function classifyAlarm(alarm: cloudwatch.CfnAlarm): { metrics: number; highResolution: boolean; anomaly: boolean; insights: boolean } {
  const stack = Stack.of(alarm);
  const queries: any[] = stack.resolve(alarm.metrics) ?? [];
  if (queries.length === 0) {
    const period = stack.resolve(alarm.period);
    return { metrics: 1, highResolution: typeof period === 'number' && period < 60, anomaly: false, insights: false };
  }
  const expressions = queries.map(q => String(q.expression ?? ''));
  const stats = queries.filter(q => q.metricStat);
  return {
    metrics: Math.max(1, stats.length),
    highResolution: stats.some(q => (q.metricStat.period ?? 60) < 60) || queries.some(q => typeof q.period === 'number' && q.period < 60),
    anomaly: expressions.some(e => /ANOMALY_DETECTION_BAND\s*\(/i.test(e)),
    insights: expressions.some(e => /^\s*SELECT\s/i.test(e)),
  };
}
