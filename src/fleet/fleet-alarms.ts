import {
  Annotations, Duration, Lazy, Stack, Tags, Token,
  aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cloudwatch_actions,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AgentMetricTarget, IAgentMetricSource } from '../core/agent-metrics';
import { AlarmRouting, AlarmSeverity } from '../core/alarm-routing';
import { AlarmSet } from '../core/alarm-set';
import { MetricsInsightsAggregation, MetricsInsightsQuery } from '../core/metrics-insights-query';
import { recordAnalysedMetrics } from '../private/alarm-metadata';
import { MAX_SERIES_PER_QUERY } from '../private/metrics-insights';
import { checkPattern, checkRange, invalid, invalidMessage } from '../private/validation';

/** Properties of {@link FleetAlarms}. */
export interface FleetAlarmsProps {
  /** Where the fleet's alarms notify, by severity. */
  readonly routing: AlarmRouting;
  /**
   * The fleet's name: the value of the partition tag (`<fleetName>-p<n>`) and the prefix of
   * every alarm name. Names and tags must be unique per account and Region.
   * @default - `<stack name>-<construct id>`
   */
  readonly fleetName?: string;
  /**
   * The tag key that marks each instance with its partition; the queries filter on it
   * (`WHERE tag.<key> = '<fleetName>-p<n>'`).
   * Letters, digits and underscores only (Metrics Insights takes the key unquoted).
   * @default 'WatchkeeperFleet'
   */
  readonly partitionTagKey?: string;
  /**
   * A runbook linked from every alarm's description.
   * @default - no runbook link
   */
  readonly runbookUrl?: string;
  /**
   * Alarm when an instance's CPU is at or above this percentage for 3 of 3 five-minute periods.
   * @default 90
   */
  readonly cpuThresholdPercent?: number;
  /**
   * Recover an instance whose system status check fails (the EC2 action runs per contributing
   * instance). Turn it off for instance types or storage that cannot be recovered.
   * @default true
   */
  readonly recoverInstances?: boolean;
  /**
   * The telemetry model of the fleet's CloudWatch agent: memory, disk and swap alarms on the
   * per-group series it publishes, one alarm per signal for the whole fleet. Its namespace
   * must be the fleet's own (not the shared `CWAgent`), because it scopes those queries.
   * @default - no agent alarms
   */
  readonly agentMetrics?: IAgentMetricSource;
  /**
   * Memory, disk and swap thresholds (percent in use) of the agent alarms.
   * @default 90
   */
  readonly agentThresholdPercent?: number;
  /**
   * An alarm in ALARM while the fleet is intentionally stopped (scheduled stop, idle shutdown):
   * the reporting-instances alarm then notifies through a composite it suppresses.
   * @default - the liveness alarm notifies directly; mute `livenessAlarms` with a `MaintenanceWindow` for scheduled downtime
   */
  readonly livenessSuppressor?: cloudwatch.IAlarm;
}

/** Options of {@link FleetAlarms.addAutoScalingGroup}. */
export interface FleetGroupOptions {
  /**
   * The most instances the group can run: its share of a partition's 500 series.
   * @default - the group's MaxSize, when it is a group this app defines
   */
  readonly maxInstances?: number;
  /**
   * How many instances the group runs at least: the fleet expects that many to report.
   * @default - the group's MinSize, when it is a group this app defines, else 0
   */
  readonly minInstances?: number;
}

interface Partition {
  readonly index: number;
  readonly tagValue: string;
  readonly set: AlarmSet;
  maxInstances: number;
  minInstances: number;
  groups: number;
}

/**
 * Watches every Auto Scaling group of a fleet with one Metrics Insights alarm per signal,
 * each query `GROUP BY` the instance (or group), so CloudWatch evaluates and notifies per
 * contributor and a new instance or group is watched without a redeploy of the alarms.
 *
 * What each alarm catches (per partition of at most 500 instances, one tag value each):
 * - **StatusCheckFailed** per instance (CRITICAL): a failing instance or host; EC2 `recover`
 *   runs on that instance only.
 * - **CPUUtilization** per instance (WARNING): one instance saturated.
 * - **Reporting instances** (CRITICAL, liveness): fewer instances report than the groups'
 *   minimum. Contributors that stop publishing simply leave the per-instance alarms (they are
 *   never INSUFFICIENT_DATA), so this count is what makes a vanished instance visible.
 * And once for the fleet, with `agentMetrics`: memory, disk and swap per group (WARNING).
 *
 * Limits by construction: a partition never holds more instances than one query returns
 * (500); a group larger than that fails at synth; the agent alarms fail at synth when the
 * fleet's groups times their disk paths exceed 500.
 *
 * Needs resource tags on telemetry turned on in the account, for the `tag.` filter:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/EnableResourceTagsOnTelemetry.html
 */
export class FleetAlarms extends Construct {
  /** The fleet's name (tag value and alarm name prefix). */
  public readonly fleetName: string;
  /** The tag key that carries each instance's partition. */
  public readonly partitionTagKey: string;

  private readonly props: FleetAlarmsProps;
  private readonly parts: Partition[] = [];
  private readonly agentSet?: AlarmSet;
  private agentGroups = 0;
  private agentSeriesPerGroup = 0;

  public constructor(scope: Construct, id: string, props: FleetAlarmsProps) {
    super(scope, id);
    this.props = props;
    this.fleetName = props.fleetName ?? `${Stack.of(this).stackName}-${id}`;
    this.partitionTagKey = props.partitionTagKey ?? 'WatchkeeperFleet';
    checkPattern(this, 'fleetName', this.fleetName, /^[A-Za-z0-9 _.:/=+@-]{1,200}$/, 'a tag value of 1 to 200 letters, digits and _ . : / = + @ - or spaces');
    checkPattern(this, 'partitionTagKey', this.partitionTagKey, /^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'a tag key of 1 to 128 letters, digits and underscores, not starting with a digit');
    checkRange(this, 'cpuThresholdPercent', props.cpuThresholdPercent, 0, 100);
    checkRange(this, 'agentThresholdPercent', props.agentThresholdPercent, 0, 100);
    Annotations.of(this).addWarningV2('cdk-watchkeeper:FleetAlarms.resourceTagsOnTelemetry',
      `The fleet alarms filter on the instance tag ${this.partitionTagKey}: turn on resource tags on telemetry in the account `
      + '(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/EnableResourceTagsOnTelemetry.html), or the queries match nothing.');
    if (props.agentMetrics) this.agentSet = this.addAgentAlarms(props.agentMetrics);
    this.node.addValidation({ validate: () => this.checkAgentSeries() });
  }

  /** The alarm sets, one per partition (and one for the agent alarms), in creation order. */
  public get alarmSets(): AlarmSet[] {
    return [...this.parts.map(p => p.set), ...(this.agentSet ? [this.agentSet] : [])];
  }

  /** Every alarm of the fleet. */
  public get alarms(): cloudwatch.IAlarm[] {
    return this.alarmSets.flatMap(s => s.alarms);
  }

  /** The alarms to silence during planned downtime (the reporting-instances alarms and their notifiers). */
  public get livenessAlarms(): cloudwatch.IAlarm[] {
    return this.parts.flatMap(p => p.set.livenessAlarms);
  }

  /** How many partitions (of at most 500 instances each) the fleet has. */
  public get partitionCount(): number {
    return this.parts.length;
  }

  /**
   * Adds a group to the fleet: tags it (and the instances it launches) with its partition,
   * opening a new partition when the current one would exceed 500 instances. Returns the
   * partition's tag value.
   */
  public addAutoScalingGroup(group: autoscaling.IAutoScalingGroup, options: FleetGroupOptions = {}): string {
    const cfn = group.node.defaultChild instanceof autoscaling.CfnAutoScalingGroup ? group.node.defaultChild : undefined;
    const max = options.maxInstances ?? sizeOf(cfn?.maxSize);
    const min = options.minInstances ?? sizeOf(cfn?.minSize) ?? 0;
    if (max === undefined) {
      invalid(this, `addAutoScalingGroup(${group.node.path}).maxInstances`, 'given for a group whose MaxSize is not known at synth', 'undefined');
    }
    if (!Number.isInteger(max) || max < 1 || max > MAX_SERIES_PER_QUERY) {
      invalid(this, `addAutoScalingGroup(${group.node.path}).maxInstances`,
        `a whole number between 1 and ${MAX_SERIES_PER_QUERY} (a partition's per-instance query returns at most ${MAX_SERIES_PER_QUERY} series)`, max);
    }
    if (!Number.isInteger(min) || min < 0 || min > max) invalid(this, `addAutoScalingGroup(${group.node.path}).minInstances`, `a whole number between 0 and ${max}`, min);
    let part = this.parts[this.parts.length - 1];
    if (!part || part.maxInstances + max > MAX_SERIES_PER_QUERY) part = this.addPartition();
    part.maxInstances += max;
    part.minInstances += min;
    part.groups += 1;
    this.agentGroups += 1;
    if (cfn) {
      Tags.of(group).add(this.partitionTagKey, part.tagValue, { applyToLaunchedInstances: true });
    } else {
      Annotations.of(this).addWarningV2('cdk-watchkeeper:FleetAlarms.untaggedGroup',
        `${group.node.path} is not defined in this app: tag it and its instances ${this.partitionTagKey}=${part.tagValue} yourself, or the fleet alarms do not see it.`);
    }
    return part.tagValue;
  }

  private addPartition(): Partition {
    const index = this.parts.length + 1;
    const tagValue = `${this.fleetName}-p${index}`;
    const set = new AlarmSet(this, `Partition${index}`, {
      routing: this.props.routing,
      alarmNamePrefix: tagValue,
      runbookUrl: this.props.runbookUrl,
      livenessSuppressor: this.props.livenessSuppressor,
    });
    const part: Partition = { index, tagValue, set, maxInstances: 0, minInstances: 0, groups: 0 };
    const where = { [`tag.${this.partitionTagKey}`]: tagValue };
    const perInstance = (aggregation: MetricsInsightsAggregation, metricName: string, groupBy: string[] = ['InstanceId']) =>
      MetricsInsightsQuery.aggregate({ aggregation, namespace: 'AWS/EC2', metricName, schemaDimensions: ['InstanceId'], where, groupBy });
    const statusCheckFailed = set.addMetricsInsightsAlarm('StatusCheckFailed', {
      query: perInstance(MetricsInsightsAggregation.MAX, 'StatusCheckFailed'),
      threshold: 1,
      period: Duration.minutes(1),
      evaluationPeriods: 2,
      severity: AlarmSeverity.CRITICAL,
      actions: this.props.recoverInstances === false ? [] : [new cloudwatch_actions.Ec2Action(cloudwatch_actions.Ec2InstanceAction.RECOVER)],
      description: `An instance of fleet partition ${tagValue} fails its status checks for 2 minutes`
        + (this.props.recoverInstances === false ? '. ' : '; EC2 recovers that instance. ')
        + 'The notification names the instance (InstanceId). Check its console output and system log.',
    });
    const cpuUtilization = set.addMetricsInsightsAlarm('CpuUtilization', {
      query: perInstance(MetricsInsightsAggregation.MAX, 'CPUUtilization'),
      threshold: this.props.cpuThresholdPercent ?? 90,
      period: Duration.minutes(5),
      evaluationPeriods: 3,
      description: `An instance of fleet partition ${tagValue} runs at or above ${this.props.cpuThresholdPercent ?? 90} % CPU for 15 minutes. `
        + 'The notification names the instance (InstanceId): find the busy process, or scale the group.',
    });
    const reportingInstances = set.addMetricsInsightsAlarm('ReportingInstances', {
      query: MetricsInsightsQuery.aggregate({
        aggregation: MetricsInsightsAggregation.COUNT, namespace: 'AWS/EC2', metricName: 'StatusCheckFailed', schemaDimensions: ['InstanceId'], where,
      }),
      threshold: Lazy.uncachedNumber({ produce: () => part.minInstances }),
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      period: Duration.minutes(1),
      evaluationPeriods: 5,
      liveness: true,
      severity: AlarmSeverity.CRITICAL,
      description: Lazy.uncachedString({
        produce: () => `Fewer than ${part.minInstances} instances of fleet partition ${tagValue} (${part.groups} groups) report for 5 minutes: `
          + 'instances vanished or groups cannot launch. Check the groups\' activity history and in-service capacity.',
      }),
    });
    // Each query analyses one metric per instance of the partition: that is what it is billed for.
    for (const alarm of [statusCheckFailed, cpuUtilization, reportingInstances]) recordAnalysedMetrics(alarm, () => part.maxInstances);
    this.parts.push(part);
    return part;
  }

  private addAgentAlarms(agent: IAgentMetricSource): AlarmSet {
    if (!Token.isUnresolved(agent.namespace) && (agent.namespace === 'CWAgent' || agent.namespace.startsWith('AWS/'))) {
      invalid(this, 'agentMetrics.namespace', 'the fleet\'s own agent namespace (set AgentConfig namespace): it scopes the agent alarms to this fleet', agent.namespace);
    }
    const set = new AlarmSet(this, 'Agent', { routing: this.props.routing, alarmNamePrefix: `${this.fleetName}-agent`, runbookUrl: this.props.runbookUrl });
    const threshold = this.props.agentThresholdPercent ?? 90;
    const group = AgentMetricTarget.autoScalingGroup('fleet');
    const signals: Array<[string, string, cloudwatch.IMetric[]]> = [
      ['MemoryUsed', 'memory', [agent.metricMemUsedPercent(group)]],
      ['SwapUsed', 'swap', [agent.metricSwapUsedPercent(group)]],
      ['DiskUsed', 'disk', agent.diskPaths.slice(0, 1).map(path => agent.metricDiskUsedPercent(path, group))],
    ];
    for (const [id, what, metrics] of signals) {
      const stat = metrics[0]?.toMetricConfig().metricStat;
      if (!stat) continue; // a math expression (Windows free space) cannot be a Metrics Insights query
      // The series exactly as the telemetry model publishes them: same name, same dimension set.
      const dims = (stat.dimensions ?? []).map(d => d.name).sort();
      this.agentSeriesPerGroup = Math.max(this.agentSeriesPerGroup, what === 'disk' ? agent.diskPaths.length : 1);
      const perGroup = what === 'disk' ? agent.diskPaths.length : 1;
      const alarm = set.addMetricsInsightsAlarm(id, {
        query: MetricsInsightsQuery.aggregate({
          aggregation: MetricsInsightsAggregation.MAX, namespace: agent.namespace, metricName: stat.metricName, schemaDimensions: dims, groupBy: dims,
        }),
        threshold,
        period: Duration.minutes(5),
        evaluationPeriods: 3,
        description: `The ${what} of an Auto Scaling group in fleet ${this.fleetName} is at or above ${threshold} % in use for 15 minutes `
          + `(its busiest instance, from the agent's per-group series ${stat.metricName}). The notification names the group.`,
      });
      recordAnalysedMetrics(alarm, () => this.agentGroups * perGroup);
    }
    return set;
  }

  private checkAgentSeries(): string[] {
    const series = this.agentGroups * this.agentSeriesPerGroup;
    if (!this.agentSet || series <= MAX_SERIES_PER_QUERY) return [];
    return [invalidMessage(this, 'agent alarm series (groups x disk paths)',
      `at most ${MAX_SERIES_PER_QUERY} (the most series a Metrics Insights query returns); split the fleet into several FleetAlarms, each with its own agent namespace`,
      `${this.agentGroups} x ${this.agentSeriesPerGroup} = ${series}`)];
  }
}

function sizeOf(value: string | undefined): number | undefined {
  if (value === undefined || Token.isUnresolved(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
