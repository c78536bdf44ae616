import { Annotations, Duration, Lazy, Stack, aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AlarmPresetOptions, CpuCreditAlarmOptions, DiskAlarmOptions, PercentAlarmOptions } from './preset-options';
import { PRESETS, diskId, diskPaths, isBurstable, percent, presetAlarm } from './private/preset-builder';
import { AgentMetricTarget, IAgentMetricSource } from '../core/agent-metrics';
import { AlarmSetProps } from '../core/alarm-options';
import { AlarmSet } from '../core/alarm-set';
import { AutoScalingGroupMetric, ComputeMetrics, StatusCheck } from '../core/compute-metrics';
import { ComputeTarget } from '../core/compute-target';
import { AUTO_SCALING_GROUP_METRICS } from '../private/compute-metric-names';
import { invalid } from '../private/validation';

/** Properties of {@link AutoScalingGroupAlarms}. */
export interface AutoScalingGroupAlarmsProps extends AlarmSetProps {
  /** The group to watch. */
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
  /**
   * The group's instance type, which decides whether the CPU credit alarm applies.
   * @default - unknown: no credit alarm
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * The telemetry model of the agent on the group's instances. Its group-level series
   * (`AutoScalingGroupName` dimension) feed the memory, disk and swap alarms.
   * @default - no agent alarms (memory, disk, swap)
   */
  readonly agent?: IAgentMetricSource;
  /**
   * Turn on the group metrics the capacity alarm needs (`GroupInServiceInstances`,
   * `GroupMinSize`) when the group is an `autoscaling.AutoScalingGroup` of this app. Metrics
   * the group already collects are kept. Group metrics at 1-minute granularity are free.
   * @default true
   */
  readonly enableGroupMetrics?: boolean;
  /** Any instance's `StatusCheckFailed_System` (group maximum) ≥ 1 for 2 of 2 minutes → CRITICAL; missing = breaching. @default - enabled */
  readonly systemStatusCheck?: AlarmPresetOptions;
  /** Any instance's `StatusCheckFailed_Instance` (group maximum) ≥ 1 for 3 of 3 minutes → CRITICAL; missing = breaching. @default - enabled */
  readonly instanceStatusCheck?: AlarmPresetOptions;
  /** Any instance's `StatusCheckFailed_AttachedEBS` (group maximum) ≥ 1 for 3 of 3 minutes → CRITICAL. @default - enabled */
  readonly attachedEbsStatusCheck?: AlarmPresetOptions;
  /** Group `CPUUtilization` average > 90 % for 3 of 3 five-minute periods → WARNING. @default - enabled */
  readonly cpu?: PercentAlarmOptions;
  /** Lowest `CPUCreditBalance` in the group < 20 for 3 of 3 five-minute periods → WARNING. @default - enabled when instanceType is burstable */
  readonly cpuCreditBalance?: CpuCreditAlarmOptions;
  /** Agent `mem_used_percent` group maximum > 90 % for 3 of 3 five-minute periods → WARNING. @default - enabled when `agent` is given */
  readonly memory?: PercentAlarmOptions;
  /** Agent `disk_used_percent` group maximum > 85 % for 2 of 2 five-minute periods, per path → WARNING. @default - enabled when `agent` is given */
  readonly disk?: DiskAlarmOptions;
  /** Agent `swap_used_percent` group maximum > 50 % for 3 of 3 five-minute periods → WARNING. @default - enabled when `agent` is given */
  readonly swap?: PercentAlarmOptions;
  /**
   * In-service instances below the group's minimum size for 5 of 5 minutes → CRITICAL;
   * missing = breaching (group metrics must flow).
   * @default - enabled
   */
  readonly inServiceCapacity?: AlarmPresetOptions;
}

/** The group metrics the capacity alarm reads, as metrics collection names them. */
const GROUP_METRICS = [AUTO_SCALING_GROUP_METRICS.inServiceInstances, AUTO_SCALING_GROUP_METRICS.minSize];

/**
 * The alarms an Auto Scaling group needs, one per signal for the whole group rather than one
 * per instance: any instance failing a status check (the group replaces it; you hear about
 * it), CPU, credits, memory, disk and swap from the agent's group series, and in-service
 * capacity below the minimum.
 *
 * @example
 * const alerts = new AlertTopic(this, 'Alerts', { emails: ['oncall@example.com'] });
 * new AutoScalingGroupAlarms(this, 'WebAlarms', {
 *   autoScalingGroup: group,
 *   routing: AlarmRouting.toTopic(alerts),
 *   cpu: { thresholdPercent: 85 },
 * });
 */
export class AutoScalingGroupAlarms extends AlarmSet {
  /** Any instance's system status check failed. */
  public readonly systemStatusCheckAlarm?: cloudwatch.Alarm;
  /** Any instance's instance status check failed. */
  public readonly instanceStatusCheckAlarm?: cloudwatch.Alarm;
  /** Any instance's attached EBS status check failed. */
  public readonly attachedEbsStatusCheckAlarm?: cloudwatch.Alarm;
  /** Group CPU high. */
  public readonly cpuAlarm?: cloudwatch.Alarm;
  /** Lowest credit balance in the group low. */
  public readonly cpuCreditBalanceAlarm?: cloudwatch.Alarm;
  /** Memory high on an instance (agent). */
  public readonly memoryAlarm?: cloudwatch.Alarm;
  /** Disk used high on an instance, per path (agent). */
  public readonly diskAlarms: cloudwatch.Alarm[];
  /** Swap high on an instance (agent). */
  public readonly swapAlarm?: cloudwatch.Alarm;
  /** In-service instances below the minimum. */
  public readonly inServiceCapacityAlarm?: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: AutoScalingGroupAlarmsProps) {
    super(scope, id, props);
    const group = props.autoScalingGroup;
    const compute = ComputeTarget.autoScalingGroup(group);
    const what = compute.displayName;
    const statusCheck = (check: StatusCheck) => (statistic: string, period: Duration) =>
      ComputeMetrics.statusCheckFailed(compute, check, { statistic, period });

    this.systemStatusCheckAlarm = presetAlarm(this, 'SystemStatusCheck', PRESETS.systemStatusCheck, props.systemStatusCheck,
      statusCheck(StatusCheck.SYSTEM), {
        description: () => `An instance of ${what} failed its AWS system status check (host hardware, power or network), or the group reports no instance at all. `
          + 'With EC2 health checks the group replaces the instance; check that it does and that capacity returns.',
      });
    this.instanceStatusCheckAlarm = presetAlarm(this, 'InstanceStatusCheck', PRESETS.instanceStatusCheck, props.instanceStatusCheck,
      statusCheck(StatusCheck.INSTANCE), {
        description: () => `An instance of ${what} failed its instance status check (operating system unreachable), or the group reports no instance at all. `
          + 'The group replaces it; if this repeats, read a failing instance\'s system log: the launch template or AMI may be broken.',
      });
    this.attachedEbsStatusCheckAlarm = presetAlarm(this, 'AttachedEbsStatusCheck', PRESETS.attachedEbsStatusCheck, props.attachedEbsStatusCheck,
      statusCheck(StatusCheck.ATTACHED_EBS), {
        description: () => `An EBS volume of an instance of ${what} is impaired. Find the instance with the failing check in the EC2 console and terminate it so the group replaces it.`,
      });
    this.cpuAlarm = presetAlarm(this, 'Cpu', PRESETS.cpu, props.cpu, (statistic, period) => ComputeMetrics.cpuUtilization(compute, { statistic, period }), {
      threshold: percent(this, 'cpu.thresholdPercent', props.cpu?.thresholdPercent),
      description: (t, when) => `Average CPU of ${what} has been above ${t}% ${when}: it is short of capacity. Check the scaling policy and maximum size, or find the busy process.`,
    });

    const options = props.cpuCreditBalance;
    const burstable = props.instanceType ? isBurstable(props.instanceType) : undefined;
    if (options?.enabled === true && burstable === false) {
      invalid(this, 'cpuCreditBalance.enabled', 'false or unset for a non-burstable instance type (only T types have CPU credits)', props.instanceType!.toString());
    }
    if (options?.enabled !== false && (burstable === true || options?.enabled === true)) {
      this.cpuCreditBalanceAlarm = presetAlarm(this, 'CpuCreditBalance', PRESETS.cpuCreditBalance, options,
        (statistic, period) => ComputeMetrics.cpuCreditBalance(compute, { statistic, period }), {
          threshold: options?.thresholdCredits,
          description: t => `An instance of ${what} has fewer than ${t} CPU credits left and will soon be throttled or pay for surplus credits. Scale out, or use a larger or non-burstable type.`,
        });
    }

    const agent = props.agent;
    for (const [prop, opts] of [['memory', props.memory], ['disk', props.disk], ['swap', props.swap]] as const) {
      if (!agent && opts?.enabled === true) {
        invalid(this, `${prop}.enabled`, 'false or unset when no agent is given (the metric would never arrive)', true);
      }
    }
    this.diskAlarms = [];
    if (agent) {
      const metrics = agentMetrics(agent, compute.agentTarget);
      this.memoryAlarm = presetAlarm(this, 'Memory', { ...PRESETS.memory, statistic: 'Maximum' }, props.memory, metrics.memory, {
        threshold: percent(this, 'memory.thresholdPercent', props.memory?.thresholdPercent),
        description: (t, when) => `Memory in use on an instance of ${what} has been above ${t}% ${when}. Find the instance and the process that grows.`,
      });
      if (props.disk?.enabled !== false) {
        const threshold = percent(this, 'disk.thresholdPercent', props.disk?.thresholdPercent);
        for (const path of diskPaths(this, agent, props.disk?.paths)) {
          const alarm = presetAlarm(this, `Disk${diskId(path)}`, PRESETS.disk, props.disk, metrics.disk(path), {
            threshold,
            description: t => `Disk ${path} on an instance of ${what} is more than ${t}% full. Rotate or delete old files, or grow the volume in the launch template.`,
          });
          if (alarm) this.diskAlarms.push(alarm);
        }
      }
      this.swapAlarm = presetAlarm(this, 'Swap', { ...PRESETS.swap, statistic: 'Maximum' }, props.swap, metrics.swap, {
        threshold: percent(this, 'swap.thresholdPercent', props.swap?.thresholdPercent),
        description: (t, when) => `Swap in use on an instance of ${what} has been above ${t}% ${when}. Find the instance and the process that grows.`,
      });
    }

    if (props.inServiceCapacity?.enabled !== false) {
      const metricsOn = props.enableGroupMetrics ?? true;
      if (metricsOn && group instanceof autoscaling.AutoScalingGroup) {
        enableGroupMetrics(group, GROUP_METRICS);
      } else {
        Annotations.of(this).addWarningV2('cdk-watchkeeper:AutoScalingGroupAlarms.groupMetrics',
          `The in-service capacity alarm needs group metrics collection (${GROUP_METRICS.join(', ')}, 1Minute) on ${group.node.path}. `
          + 'Turn it on for the group; without it the alarm goes to ALARM (missing data is breaching).');
      }
      this.inServiceCapacityAlarm = presetAlarm(this, 'InServiceCapacity', PRESETS.inServiceCapacity, props.inServiceCapacity,
        (statistic, period) => new cloudwatch.MathExpression({
          expression: 'inService - minSize',
          label: 'In-service instances minus minimum size',
          period,
          usingMetrics: {
            inService: ComputeMetrics.autoScalingGroupMetric(compute, AutoScalingGroupMetric.IN_SERVICE_INSTANCES, { statistic, period }),
            minSize: ComputeMetrics.autoScalingGroupMetric(compute, AutoScalingGroupMetric.MIN_SIZE, { statistic: 'Maximum', period }),
          },
        }), {
          description: () => `${what} has fewer instances in service than its minimum size, or reports no group metrics. `
            + 'Check its activity history for failed launches (capacity, quota, launch template, health checks).',
        });
    }
  }
}

function agentMetrics(agent: IAgentMetricSource, target: AgentMetricTarget) {
  return {
    memory: (statistic: string, period: Duration) => agent.metricMemUsedPercent(target, { statistic, period }),
    swap: (statistic: string, period: Duration) => agent.metricSwapUsedPercent(target, { statistic, period }),
    disk: (path: string) => (statistic: string, period: Duration) => agent.metricDiskUsedPercent(path, target, { statistic, period }),
  };
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
