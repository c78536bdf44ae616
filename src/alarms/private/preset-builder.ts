import {
  Annotations, Duration, Lazy, Stack, Token,
  aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cw_actions, aws_ec2 as ec2,
} from 'aws-cdk-lib';
import { GROUP_DESCRIPTIONS, INSTANCE_DESCRIPTIONS, PresetDescriptions, inServiceCapacityDescription } from './preset-descriptions';
import { IAgentMetricSource } from '../../core/agent-metrics';
import { AlarmSeverity } from '../../core/alarm-routing';
import { AlarmSet } from '../../core/alarm-set';
import { AutoScalingGroupMetric, ComputeMetrics, StatusCheck } from '../../core/compute-metrics';
import { ComputeTarget } from '../../core/compute-target';
import { AUTO_SCALING_GROUP_METRICS } from '../../private/compute-metric-names';
import { checkRange, invalid } from '../../private/validation';
import { AlarmPresetOptions, AutoScalingGroupAlarmPresets, ComputeAlarmPresets, ComputeAlarmSources } from '../preset-options';

/** The documented defaults of one preset. Not exported from the package. */
export interface PresetDefaults {
  readonly statistic: string;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly liveness: boolean;
  readonly severity: AlarmSeverity;
}

const LIVENESS = { liveness: true, severity: AlarmSeverity.CRITICAL };
const UTILISATION = { liveness: false, severity: AlarmSeverity.WARNING };
const ABOVE = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
const AT_LEAST = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
const BELOW = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD;

/** The presets' defaults, the single source for the code and the README table. */
export const PRESETS = {
  systemStatusCheck: { statistic: 'Maximum', threshold: 1, comparisonOperator: AT_LEAST, period: Duration.minutes(1), evaluationPeriods: 2, datapointsToAlarm: 2, ...LIVENESS },
  instanceStatusCheck: { statistic: 'Maximum', threshold: 1, comparisonOperator: AT_LEAST, period: Duration.minutes(1), evaluationPeriods: 3, datapointsToAlarm: 3, ...LIVENESS },
  // Not liveness: Xen-based instance types never publish StatusCheckFailed_AttachedEBS, and
  // the two checks above already see an instance that is gone.
  attachedEbsStatusCheck: { statistic: 'Maximum', threshold: 1, comparisonOperator: AT_LEAST, period: Duration.minutes(1), evaluationPeriods: 3, datapointsToAlarm: 3, liveness: false, severity: AlarmSeverity.CRITICAL },
  cpu: { statistic: 'Average', threshold: 90, comparisonOperator: ABOVE, period: Duration.minutes(5), evaluationPeriods: 3, datapointsToAlarm: 3, ...UTILISATION },
  cpuCreditBalance: { statistic: 'Minimum', threshold: 20, comparisonOperator: BELOW, period: Duration.minutes(5), evaluationPeriods: 3, datapointsToAlarm: 3, ...UTILISATION },
  memory: { statistic: 'Average', threshold: 90, comparisonOperator: ABOVE, period: Duration.minutes(5), evaluationPeriods: 3, datapointsToAlarm: 3, ...UTILISATION },
  disk: { statistic: 'Maximum', threshold: 85, comparisonOperator: ABOVE, period: Duration.minutes(5), evaluationPeriods: 2, datapointsToAlarm: 2, ...UTILISATION },
  swap: { statistic: 'Average', threshold: 50, comparisonOperator: ABOVE, period: Duration.minutes(5), evaluationPeriods: 3, datapointsToAlarm: 3, ...UTILISATION },
  inServiceCapacity: { statistic: 'Minimum', threshold: 0, comparisonOperator: BELOW, period: Duration.minutes(1), evaluationPeriods: 5, datapointsToAlarm: 5, ...LIVENESS },
} satisfies Record<string, PresetDefaults>;

/** Creates one preset alarm with the user's overrides, or nothing when disabled. */
export function presetAlarm(
  set: AlarmSet,
  id: string,
  defaults: PresetDefaults,
  options: AlarmPresetOptions | undefined,
  metric: (statistic: string, period: Duration) => cloudwatch.IMetric,
  spec: { threshold?: number; description: (threshold: number, span: string) => string; actions?: cloudwatch.IAlarmAction[] },
): cloudwatch.Alarm | undefined {
  if (options?.enabled === false) return undefined;
  const threshold = spec.threshold ?? defaults.threshold;
  const evaluationPeriods = options?.evaluationPeriods ?? defaults.evaluationPeriods;
  const datapointsToAlarm = options?.datapointsToAlarm
    ?? (options?.evaluationPeriods !== undefined ? Math.min(defaults.datapointsToAlarm, evaluationPeriods) : defaults.datapointsToAlarm);
  const period = options?.period ?? defaults.period;
  return set.addAlarm(id, metric(defaults.statistic, period), {
    threshold,
    comparisonOperator: defaults.comparisonOperator,
    evaluationPeriods,
    datapointsToAlarm,
    treatMissingData: options?.treatMissingData,
    liveness: defaults.liveness,
    severity: options?.severity ?? defaults.severity,
    runbookUrl: options?.runbookUrl,
    description: spec.description(threshold, span(datapointsToAlarm, evaluationPeriods, period)),
    actions: spec.actions,
  });
}

/** A threshold in percent, checked. */
export function percent(set: AlarmSet, prop: string, value: number | undefined): number | undefined {
  checkRange(set, prop, value, 0, 100);
  return value;
}

/** `T2`, `T3`, `T3a`, `T4g`...: the burstable families that earn and spend CPU credits. */
export function isBurstable(instanceType: ec2.InstanceType): boolean {
  return /^t\d+[a-z]*\./i.test(instanceType.toString());
}

/** The disk paths to alarm on: the requested ones, each of which the agent must publish. */
export function diskPaths(set: AlarmSet, agent: IAgentMetricSource, requested: string[] | undefined): string[] {
  const published = agent.diskPaths;
  const paths = requested ?? published;
  for (const path of paths) {
    if (!published.includes(path)) {
      invalid(set, 'disk.paths', `paths the agent publishes (${published.map(p => `'${p}'`).join(', ') || 'none'})`, path);
    }
  }
  return paths;
}

/** A construct id for a disk path: `/` → `Root`, `/var/log` → `VarLog`, `C:` → `C`. */
export function diskId(path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.length === 0 ? 'Root' : words.map(w => w[0].toUpperCase() + w.slice(1)).join('');
}

/** "for 15 minutes" or "in 3 of 5 periods of 1 minute", for descriptions. */
export function span(datapoints: number, evaluationPeriods: number, period: Duration): string {
  const each = period.toHumanString();
  if (datapoints === evaluationPeriods) {
    return `for ${Duration.seconds(period.toSeconds() * evaluationPeriods).toHumanString()}`;
  }
  return `in ${datapoints} of ${evaluationPeriods} periods of ${each}`;
}

/** Everything the planner reads: the overrides, the sources and the group-only presets. */
export interface PresetInput extends ComputeAlarmPresets, ComputeAlarmSources, AutoScalingGroupAlarmPresets {}

/** The alarms the planner created (undefined where a preset is off or does not apply). */
export interface PresetAlarms {
  readonly systemStatusCheckAlarm?: cloudwatch.Alarm;
  readonly instanceStatusCheckAlarm?: cloudwatch.Alarm;
  readonly attachedEbsStatusCheckAlarm?: cloudwatch.Alarm;
  readonly cpuAlarm?: cloudwatch.Alarm;
  readonly cpuCreditBalanceAlarm?: cloudwatch.Alarm;
  readonly memoryAlarm?: cloudwatch.Alarm;
  readonly diskAlarms: cloudwatch.Alarm[];
  readonly swapAlarm?: cloudwatch.Alarm;
  readonly inServiceCapacityAlarm?: cloudwatch.Alarm;
}

/** The group metrics the capacity alarm reads, as metrics collection names them. */
const CAPACITY_GROUP_METRICS = [AUTO_SCALING_GROUP_METRICS.inServiceInstances, AUTO_SCALING_GROUP_METRICS.minSize];

/**
 * The presets of one compute target, decided once for instances and groups: which EC2 actions
 * a status check may take, whether the credit alarm applies, which agent series and
 * statistics the memory, disk and swap alarms read, and, for a group, in-service capacity.
 */
export function planPresets(set: AlarmSet, target: ComputeTarget, input: PresetInput): PresetAlarms {
  const texts = target.isAutoScalingGroup ? GROUP_DESCRIPTIONS : INSTANCE_DESCRIPTIONS;
  const what = target.displayName;
  const statusCheck = (check: StatusCheck) => (statistic: string, period: Duration) =>
    ComputeMetrics.statusCheckFailed(target, check, { statistic, period });
  const { recover, reboot } = ec2Actions(set, target, input);
  // A group's instances come and go: while the group replaces its only instance nothing reports
  // for minutes, which is no failure. A group below its minimum is the capacity alarm's to catch.
  const whileReplacing = target.isAutoScalingGroup ? { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING } : {};
  return {
    systemStatusCheckAlarm: presetAlarm(set, 'SystemStatusCheck', PRESETS.systemStatusCheck, { ...whileReplacing, ...input.systemStatusCheck },
      statusCheck(StatusCheck.SYSTEM), {
        description: () => texts.systemStatusCheck(what, recover ? 'recover' : target.autoScalingGroupName !== undefined ? 'group' : 'restart'),
        actions: recover ? [new cw_actions.Ec2Action(cw_actions.Ec2InstanceAction.RECOVER)] : [],
      }),
    instanceStatusCheckAlarm: presetAlarm(set, 'InstanceStatusCheck', PRESETS.instanceStatusCheck, { ...whileReplacing, ...input.instanceStatusCheck },
      statusCheck(StatusCheck.INSTANCE), {
        description: () => texts.instanceStatusCheck(what, reboot),
        actions: reboot ? [new cw_actions.Ec2Action(cw_actions.Ec2InstanceAction.REBOOT)] : [],
      }),
    attachedEbsStatusCheckAlarm: presetAlarm(set, 'AttachedEbsStatusCheck', PRESETS.attachedEbsStatusCheck, input.attachedEbsStatusCheck,
      statusCheck(StatusCheck.ATTACHED_EBS), { description: () => texts.attachedEbsStatusCheck(what) }),
    cpuAlarm: presetAlarm(set, 'Cpu', PRESETS.cpu, input.cpu, (statistic, period) => ComputeMetrics.cpuUtilization(target, { statistic, period }), {
      threshold: percent(set, 'cpu.thresholdPercent', input.cpu?.thresholdPercent),
      description: (t, when) => texts.cpu(what, t, when),
    }),
    cpuCreditBalanceAlarm: creditAlarm(set, target, input, texts),
    ...agentAlarms(set, target, input, texts),
    inServiceCapacityAlarm: target.isAutoScalingGroup ? capacityAlarm(set, target, input) : undefined,
  };
}

/**
 * The EC2 actions of the status checks. Only an instance outside any group is recovered: a
 * group replaces an unhealthy instance, and recovering it as well would race the replacement
 * (and an alarm on a group's aggregate names no instance to act on).
 */
function ec2Actions(set: AlarmSet, target: ComputeTarget, input: PresetInput): { recover: boolean; reboot: boolean } {
  const inGroup = target.autoScalingGroupName !== undefined;
  if (inGroup && input.systemStatusCheck?.recover === true) {
    invalid(set, 'systemStatusCheck.recover', `false or unset for ${target.isAutoScalingGroup ? 'an Auto Scaling group' : 'a member of an Auto Scaling group'} `
      + '(the group replaces an unhealthy instance; EC2 recover would race the replacement)', true);
  }
  if (target.isAutoScalingGroup && input.instanceStatusCheck?.reboot === true) {
    invalid(set, 'instanceStatusCheck.reboot', 'false or unset for an Auto Scaling group (the group replaces an unhealthy instance; '
      + 'an alarm on the group\'s aggregate names no instance to reboot)', true);
  }
  return { recover: input.systemStatusCheck?.recover ?? !inGroup, reboot: input.instanceStatusCheck?.reboot ?? false };
}

/** The CPU credit alarm, for burstable types only: decided from the instance type when it is known. */
function creditAlarm(set: AlarmSet, target: ComputeTarget, input: PresetInput, texts: PresetDescriptions): cloudwatch.Alarm | undefined {
  const options = input.cpuCreditBalance;
  if (options?.enabled === false) return undefined;
  const type = input.instanceType;
  const burstable = type !== undefined && !Token.isUnresolved(type.toString()) ? isBurstable(type) : undefined;
  if (options?.enabled === true && burstable === false) {
    invalid(set, 'cpuCreditBalance.enabled', 'false or unset for a non-burstable instance type (only T types have CPU credits)', type!.toString());
  }
  if (options?.enabled !== true && burstable !== true) {
    if (burstable === undefined) {
      Annotations.of(set).addInfoV2('cdk-watchkeeper:ComputeAlarmPresets.noCreditAlarm',
        'No CPU credit balance alarm: the instance type is unknown. Pass instanceType, or set cpuCreditBalance.enabled for a T instance.');
    }
    return undefined;
  }
  const threshold = options?.thresholdCredits;
  if (threshold !== undefined && !Token.isUnresolved(threshold) && threshold < 0) {
    invalid(set, 'cpuCreditBalance.thresholdCredits', 'a number of credits of at least 0', threshold);
  }
  return presetAlarm(set, 'CpuCreditBalance', PRESETS.cpuCreditBalance, options,
    (statistic, period) => ComputeMetrics.cpuCreditBalance(target, { statistic, period }), {
      threshold,
      description: t => texts.cpuCreditBalance(target.displayName, t),
    });
}

/**
 * Memory, disk and swap from the agent, read through the target's agent series. A group's
 * alarms watch its fullest instance (maximum of the roll-up), an instance's its average.
 */
function agentAlarms(set: AlarmSet, target: ComputeTarget, input: PresetInput, texts: PresetDescriptions):
Pick<PresetAlarms, 'memoryAlarm' | 'diskAlarms' | 'swapAlarm'> {
  const agent = input.agent;
  for (const [prop, options] of [['memory', input.memory], ['disk', input.disk], ['swap', input.swap]] as const) {
    if (!agent && options?.enabled === true) {
      invalid(set, `${prop}.enabled`, 'false or unset when no agent is given (the metric would never arrive)', true);
    }
  }
  if (!agent) return { diskAlarms: [] };
  const series = target.agentTarget;
  const what = target.displayName;
  const worst = target.isAutoScalingGroup ? { statistic: 'Maximum' } : {};
  const memoryAlarm = presetAlarm(set, 'Memory', { ...PRESETS.memory, ...worst }, input.memory,
    (statistic, period) => agent.metricMemUsedPercent(series, { statistic, period }), {
      threshold: percent(set, 'memory.thresholdPercent', input.memory?.thresholdPercent),
      description: (t, when) => texts.memory(what, t, when),
    });
  const diskAlarms: cloudwatch.Alarm[] = [];
  if (input.disk?.enabled !== false) {
    const threshold = percent(set, 'disk.thresholdPercent', input.disk?.thresholdPercent);
    for (const path of diskPaths(set, agent, input.disk?.paths)) {
      const alarm = presetAlarm(set, `Disk${diskId(path)}`, PRESETS.disk, input.disk,
        (statistic, period) => agent.metricDiskUsedPercent(path, series, { statistic, period }), {
          threshold,
          description: t => texts.disk(what, path, t),
        });
      if (alarm) diskAlarms.push(alarm);
    }
  }
  const swapAlarm = presetAlarm(set, 'Swap', { ...PRESETS.swap, ...worst }, input.swap,
    (statistic, period) => agent.metricSwapUsedPercent(series, { statistic, period }), {
      threshold: percent(set, 'swap.thresholdPercent', input.swap?.thresholdPercent),
      description: (t, when) => texts.swap(what, t, when),
    });
  return { memoryAlarm, diskAlarms, swapAlarm };
}

/** In-service instances below the group's minimum, with the group metrics it needs turned on. */
function capacityAlarm(set: AlarmSet, target: ComputeTarget, input: PresetInput): cloudwatch.Alarm | undefined {
  if (input.inServiceCapacity?.enabled === false) return undefined;
  const group = target.autoScalingGroup;
  if ((input.enableGroupMetrics ?? true) && group instanceof autoscaling.AutoScalingGroup) {
    enableGroupMetrics(group, CAPACITY_GROUP_METRICS);
  } else {
    Annotations.of(set).addWarningV2('cdk-watchkeeper:AutoScalingGroupAlarms.groupMetrics',
      `The in-service capacity alarm needs group metrics collection (${CAPACITY_GROUP_METRICS.join(', ')}, 1Minute) on ${group?.node.path ?? target.autoScalingGroupName}. `
      + 'Turn it on for the group; without it the alarm goes to ALARM (missing data is breaching).');
  }
  return presetAlarm(set, 'InServiceCapacity', PRESETS.inServiceCapacity, input.inServiceCapacity,
    (statistic, period) => new cloudwatch.MathExpression({
      expression: 'inService - minSize',
      label: 'In-service instances minus minimum size',
      period,
      usingMetrics: {
        inService: ComputeMetrics.autoScalingGroupMetric(target, AutoScalingGroupMetric.IN_SERVICE_INSTANCES, { statistic, period }),
        minSize: ComputeMetrics.autoScalingGroupMetric(target, AutoScalingGroupMetric.MIN_SIZE, { statistic: 'Maximum', period }),
      },
    }), { description: () => inServiceCapacityDescription(target.displayName) });
}

/**
 * Adds group metrics to an Auto Scaling group of this app at 1-minute granularity, keeping
 * whatever it already collects (the L2 offers no method to add them after construction).
 */
function enableGroupMetrics(group: autoscaling.AutoScalingGroup, metrics: string[]): void {
  const cfn = group.node.defaultChild as autoscaling.CfnAutoScalingGroup;
  const stack = Stack.of(cfn);
  cfn.addPropertyOverride('MetricsCollection', Lazy.any({
    produce: () => {
      const existing = (stack.resolve(cfn.metricsCollection) ?? []) as Array<{ granularity: string; metrics?: string[] }>;
      if (existing.some(e => e.metrics === undefined || e.metrics.length === 0)) {
        // An entry without a metric list collects every group metric already.
        return existing.map(e => ({ Granularity: e.granularity, Metrics: e.metrics }));
      }
      const all = new Set<string>(existing.flatMap(e => e.metrics ?? []));
      metrics.forEach(m => all.add(m));
      return [{ Granularity: '1Minute', Metrics: [...all].sort() }];
    },
  }));
}
