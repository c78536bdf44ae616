import {
  Annotations, Duration, Lazy, Stack, Tags, Token,
  aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ResourceTagsForTelemetry } from '../alarms/resource-tags-for-telemetry';
import { AgentMetricTarget, IAgentMetricSource } from '../core/agent-metrics';
import { AlarmRouting, AlarmSeverity } from '../core/alarm-routing';
import { AlarmSet } from '../core/alarm-set';
import { ComputeMetrics, InstanceMetric } from '../core/compute-metrics';
import { MetricsInsightsAggregation, MetricsInsightsQuery } from '../core/metrics-insights-query';
import { recordAnalysedMetrics } from '../private/alarm-metadata';
import { EC2_METRICS } from '../private/compute-metric-names';
import { MAX_SERIES_PER_QUERY } from '../private/metrics-insights';
import { checkInteger, checkPattern, checkRange, invalid, invalidMessage } from '../private/validation';
import { PartitionTagger, scopedId } from './private/partition-tagger';

/**
 * Instances a partition holds by default (by the groups' MaxSize): half of the 500 series
 * a query returns. While instances are replaced a group runs more than its MaxSize for a
 * while (an instance maintenance policy or instance refresh keeps up to 200 % of the desired
 * capacity in service and pending), and a replaced instance's series stays in the query
 * until its data leaves the alarm's window, so a partition filled to 500 can return more
 * than 500 series: the alarm then evaluates PARTIAL_DATA and some instances go unwatched.
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-instance-maintenance-policy.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html
 */
const DEFAULT_INSTANCES_PER_PARTITION = MAX_SERIES_PER_QUERY / 2;

/** What an OK from a per-instance alarm may mean (a contributor the query stops returning goes to OK). */
const GONE_INSTANCE_OK = 'An OK for an instance that is gone (terminated, replaced, scaled in) means it stopped reporting, not that it recovered: '
  + 'the reporting-instances alarm tells whether the fleet is short of instances.';

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
   * No longer supported: fleet instances are members of Auto Scaling groups, which replace an
   * unhealthy instance themselves (EC2 recover would race the replacement), and the recover
   * action works only on `StatusCheckFailed_System`. The status-check alarm only notifies.
   * `true` fails at synth.
   * @default false
   * @deprecated the status-check alarm never recovers; leave this unset
   */
  readonly recoverInstances?: boolean;
  /**
   * The most instances (by the groups' MaxSize) one partition holds, between 1 and 500.
   * A query returns at most 500 series, and during replacements (instance refresh, health
   * replacements, an instance maintenance policy of up to 200 %) a group briefly has more
   * series than its MaxSize: the default leaves room for every instance to be replaced at
   * once. Raise it only for groups that never replace more than a few instances at a time.
   * @default 250
   */
  readonly maxInstancesPerPartition?: number;
  /**
   * Turn on resource tags for telemetry in the account and Region of this stack (one
   * {@link ResourceTagsForTelemetry} per account and Region in the app, reused if there is
   * one). The partition queries filter on an instance tag and match nothing without it. Leave
   * it off when the setting is already on in the account (turned on by another app or by
   * hand): the second one would fail at deploy.
   * @default false
   */
  readonly enableResourceTagsForTelemetry?: boolean;
  /**
   * Tag the instances a group already runs, at every deploy, not only those it launches
   * afterwards (an Auto Scaling group propagates a tag only to instances it launches after
   * the tag is added). A custom resource per stack of groups does it with one small function
   * per stack (`ec2:DescribeInstances`, and `ec2:CreateTags`/`DeleteTags` of the partition tag
   * on group members only). It also retags the instances of a group that moves to another
   * partition, and untags those of a group that leaves the fleet.
   *
   * Turned off, instances running when a group joins (or moves) keep no partition tag (or the
   * old one) until the group replaces them: tag them yourself with the value
   * `addAutoScalingGroup` returns, for example
   * `aws ec2 create-tags --resources <instance ids> --tags Key=WatchkeeperFleet,Value=<fleet>-p1`.
   * @default true
   */
  readonly tagRunningInstances?: boolean;
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
   * The most instances the group can run: its share of a partition (`maxInstancesPerPartition`).
   * @default - the group's MaxSize, when it is a group this app defines
   */
  readonly maxInstances?: number;
  /**
   * How many instances the group runs at least: the fleet expects that many to report.
   * @default - the lowest of the group's MinSize and the MinSize of its scheduled actions, when it is a group this app defines, else 0
   */
  readonly minInstances?: number;
}

interface Partition {
  readonly index: number;
  readonly tagValue: string;
  readonly set: AlarmSet;
  maxInstances: number;
  /** Each group's minimum, read when the template is written (scheduled actions may be added later). */
  minimums: Array<() => number>;
  groups: number;
}

/** The partition's expected reporting instances: the sum of its groups' lowest minimums. */
const expectedOf = (p: Partition) => p.minimums.reduce((sum, min) => sum + min(), 0);

/**
 * Minutes the reporting-instances alarm waits before it pages: longer than an Auto Scaling group
 * takes to replace an instance (terminate, launch, boot, status checks initialising, publication).
 */
const REPORTING_WINDOW_MINUTES = 15;

/**
 * Watches every Auto Scaling group of a fleet with one Metrics Insights alarm per signal,
 * each query `GROUP BY` the instance (or group), so CloudWatch evaluates and notifies per
 * contributor and a new instance or group is watched without a redeploy of the alarms.
 *
 * What each alarm catches (per partition of at most 250 instances by default, one tag value each):
 * - **StatusCheckFailed** per instance (CRITICAL): a failing instance or host. It only
 *   notifies: the Auto Scaling group replaces an unhealthy instance itself.
 * - **CPUUtilization** per instance (WARNING): one instance saturated.
 * - **Reporting instances** (CRITICAL, liveness): for 15 minutes (longer than a replacement
 *   takes) fewer instances report than the groups' lowest minimum, their scheduled actions'
 *   included (a nightly scale-in is no outage; a group of minimum 0 never pages). A contributor
 *   that stops publishing leaves the per-instance alarms with an OK notification if it was in
 *   ALARM (never INSUFFICIENT_DATA), so this count is what makes a vanished instance visible.
 * And once for the fleet, with `agentMetrics`: memory, disk and swap per group (WARNING).
 *
 * Limits by construction: a partition holds at most `maxInstancesPerPartition` instances
 * (250, half of the 500 series one query returns, room for replacements); a larger group
 * fails at synth; the agent alarms fail at synth when the fleet's groups times their disk
 * paths exceed 500.
 *
 * Needs resource tags for telemetry in the account and Region, for the `tag.` filter: set
 * `enableResourceTagsForTelemetry`, or each alarm warns at synth.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/resource-tags-for-telemetry.html
 */
export class FleetAlarms extends Construct {
  /** The fleet's name (tag value and alarm name prefix). */
  public readonly fleetName: string;
  /** The tag key that carries each instance's partition. */
  public readonly partitionTagKey: string;
  /** The most instances (by MaxSize) a partition holds. */
  public readonly maxInstancesPerPartition: number;

  private readonly props: FleetAlarmsProps;
  private readonly parts: Partition[] = [];
  private readonly agentSet?: AlarmSet;
  private agentGroups = 0;
  private agentSeriesPerGroup = 0;
  /** The groups defined in this app, by stack, each with its partition: what the partition tags resource tags. */
  private readonly groupsByStack = new Map<Stack, Array<{ group: autoscaling.IAutoScalingGroup; tagValue: string }>>();

  public constructor(scope: Construct, id: string, props: FleetAlarmsProps) {
    super(scope, id);
    this.props = props;
    this.fleetName = props.fleetName ?? `${Stack.of(this).stackName}-${id}`;
    this.partitionTagKey = props.partitionTagKey ?? 'WatchkeeperFleet';
    checkPattern(this, 'fleetName', this.fleetName, /^[A-Za-z0-9 _.:/=+@-]{1,200}$/, 'a tag value of 1 to 200 letters, digits and _ . : / = + @ - or spaces');
    checkPattern(this, 'partitionTagKey', this.partitionTagKey, /^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'a tag key of 1 to 128 letters, digits and underscores, not starting with a digit');
    checkRange(this, 'cpuThresholdPercent', props.cpuThresholdPercent, 0, 100);
    checkRange(this, 'agentThresholdPercent', props.agentThresholdPercent, 0, 100);
    this.maxInstancesPerPartition = props.maxInstancesPerPartition ?? DEFAULT_INSTANCES_PER_PARTITION;
    checkInteger(this, 'maxInstancesPerPartition', this.maxInstancesPerPartition, 1, MAX_SERIES_PER_QUERY);
    if (props.recoverInstances === true) {
      // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/UsingAlarmActions.html
      invalid(this, 'recoverInstances', 'false or unset: fleet instances belong to Auto Scaling groups, which replace unhealthy instances themselves '
        + `(EC2 recover would race the replacement), and recover works only on ${EC2_METRICS.statusCheckFailedSystem}`, true);
    }
    if (props.enableResourceTagsForTelemetry) ResourceTagsForTelemetry.ensure(this);
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

  /** How many partitions (of at most `maxInstancesPerPartition` instances each) the fleet has. */
  public get partitionCount(): number {
    return this.parts.length;
  }

  /**
   * Adds a group to the fleet: tags it (and the instances it launches) with its partition,
   * opening a new partition when the current one would exceed `maxInstancesPerPartition`.
   * Returns the partition's tag value.
   */
  public addAutoScalingGroup(group: autoscaling.IAutoScalingGroup, options: FleetGroupOptions = {}): string {
    const cfn = group.node.defaultChild instanceof autoscaling.CfnAutoScalingGroup ? group.node.defaultChild : undefined;
    const max = options.maxInstances ?? sizeOf(cfn?.maxSize);
    const min = options.minInstances ?? sizeOf(cfn?.minSize) ?? 0;
    // A schedule that lowers the minimum (nights, weekends) makes fewer instances legitimate.
    const lowest = () => (options.minInstances !== undefined || !cfn ? min : Math.min(min, ...scheduledMinimums(cfn)));
    if (max === undefined) {
      invalid(this, `addAutoScalingGroup(${group.node.path}).maxInstances`, 'given for a group whose MaxSize is not known at synth', 'undefined');
    }
    const room = this.maxInstancesPerPartition;
    if (!Number.isInteger(max) || max < 1 || max > room) {
      invalid(this, `addAutoScalingGroup(${group.node.path}).maxInstances`,
        `a whole number between 1 and ${room} (maxInstancesPerPartition: a query returns at most ${MAX_SERIES_PER_QUERY} series, `
        + 'and replacements briefly add series)', max);
    }
    if (!Number.isInteger(min) || min < 0 || min > max) invalid(this, `addAutoScalingGroup(${group.node.path}).minInstances`, `a whole number between 0 and ${max}`, min);
    let part = this.parts[this.parts.length - 1];
    if (!part || part.maxInstances + max > room) part = this.addPartition();
    part.maxInstances += max;
    part.minimums.push(lowest);
    part.groups += 1;
    this.agentGroups += 1;
    if (cfn) {
      Tags.of(group).add(this.partitionTagKey, part.tagValue, { applyToLaunchedInstances: true });
      if (this.props.tagRunningInstances !== false) this.tagMembersAtDeploy(group, part.tagValue);
    } else {
      Annotations.of(this).addWarningV2('cdk-watchkeeper:FleetAlarms.untaggedGroup',
        `${group.node.path} is not defined in this app: tag it and its instances ${this.partitionTagKey}=${part.tagValue} yourself, or the fleet alarms do not see it.`);
    }
    return part.tagValue;
  }

  /**
   * The instances a group runs already are tagged at deploy time by the stack's partition
   * tagger (the group's tag reaches only instances launched after it). One resource per
   * stack of groups; it runs after each of its groups is created or updated.
   */
  private tagMembersAtDeploy(group: autoscaling.IAutoScalingGroup, tagValue: string): void {
    const stack = Stack.of(group);
    let entries = this.groupsByStack.get(stack);
    if (!entries) {
      const list: Array<{ group: autoscaling.IAutoScalingGroup; tagValue: string }> = [];
      entries = list;
      this.groupsByStack.set(stack, list);
      PartitionTagger.of(stack).addFleet(stack, scopedId(this, 'PartitionTags'), this.partitionTagKey, this.fleetName, () => list);
    }
    // The resource names each group by Ref, so CloudFormation creates or updates the group
    // (and the tag it propagates) first.
    entries.push({ group, tagValue });
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
    const part: Partition = { index, tagValue, set, maxInstances: 0, minimums: [], groups: 0 };
    const where = { [`tag.${this.partitionTagKey}`]: tagValue };
    const perInstance = (metric: InstanceMetric) =>
      ComputeMetrics.instancesQuery(metric, { aggregation: MetricsInsightsAggregation.MAX, where, perInstance: true });
    // Notify only: the group replaces an instance that fails its health checks, and EC2's
    // recover action works only on StatusCheckFailed_System, never on this combined check.
    const statusCheckFailed = set.addMetricsInsightsAlarm('StatusCheckFailed', {
      query: perInstance(InstanceMetric.STATUS_CHECK_FAILED),
      threshold: 1,
      period: Duration.minutes(1),
      evaluationPeriods: 2,
      severity: AlarmSeverity.CRITICAL,
      description: `An instance of fleet partition ${tagValue} fails its status checks for 2 minutes. `
        + 'The notification names the instance (InstanceId); its Auto Scaling group replaces it when the group\'s health check marks it unhealthy. '
        + `Check its console output and system log. ${GONE_INSTANCE_OK}`,
    });
    const cpuUtilization = set.addMetricsInsightsAlarm('CpuUtilization', {
      query: perInstance(InstanceMetric.CPU_UTILIZATION),
      threshold: this.props.cpuThresholdPercent ?? 90,
      period: Duration.minutes(5),
      evaluationPeriods: 3,
      description: `An instance of fleet partition ${tagValue} runs at or above ${this.props.cpuThresholdPercent ?? 90} % CPU for 15 minutes. `
        + `The notification names the instance (InstanceId): find the busy process, or scale the group. ${GONE_INSTANCE_OK}`,
    });
    const reportingInstances = set.addMetricsInsightsAlarm('ReportingInstances', {
      query: ComputeMetrics.instancesQuery(InstanceMetric.STATUS_CHECK_FAILED, { aggregation: MetricsInsightsAggregation.COUNT, where }),
      threshold: Lazy.uncachedNumber({ produce: () => expectedOf(part) }),
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      period: Duration.minutes(1),
      evaluationPeriods: REPORTING_WINDOW_MINUTES,
      liveness: true,
      severity: AlarmSeverity.CRITICAL,
      description: Lazy.uncachedString({
        produce: () => `Fewer than ${expectedOf(part)} instances of fleet partition ${tagValue} (${part.groups} groups) report for ${REPORTING_WINDOW_MINUTES} minutes `
          + '(the groups\' lowest minimum, scheduled actions included): instances vanished or groups cannot launch. '
          + 'Check the groups\' activity history and in-service capacity.',
      }),
    });
    // Groups whose minimum is 0 may be empty: no instance reporting is then no outage, and missing data must not page.
    (reportingInstances.node.defaultChild as cloudwatch.CfnAlarm).treatMissingData = Lazy.string({
      produce: () => (expectedOf(part) > 0 ? cloudwatch.TreatMissingData.BREACHING : cloudwatch.TreatMissingData.NOT_BREACHING),
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
          + `(its busiest instance, from the agent's per-group series ${stat.metricName}). The notification names the group. `
          + 'An OK for a group that is gone (deleted, or no agent reports) means it stopped reporting, not that it recovered.',
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

/** The MinSize values the group's scheduled actions set (read from the group's stack when it is synthesized). */
function scheduledMinimums(group: autoscaling.CfnAutoScalingGroup): number[] {
  const stack = Stack.of(group);
  const ref = JSON.stringify(stack.resolve(group.ref));
  return stack.node.findAll()
    .filter((c): c is autoscaling.CfnScheduledAction => c instanceof autoscaling.CfnScheduledAction)
    .filter(a => JSON.stringify(stack.resolve(a.autoScalingGroupName)) === ref && typeof a.minSize === 'number')
    .map(a => a.minSize as number);
}

function sizeOf(value: string | undefined): number | undefined {
  if (value === undefined || Token.isUnresolved(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
