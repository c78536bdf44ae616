import { Annotations, Duration, Token, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cw_actions, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  AlarmPresetOptions, CpuCreditAlarmOptions, DiskAlarmOptions, InstanceStatusCheckAlarmOptions,
  PercentAlarmOptions, SystemStatusCheckAlarmOptions,
} from './preset-options';
import { PRESETS, diskId, diskPaths, isBurstable, percent, presetAlarm } from './private/preset-builder';
import { IAgentMetricSource } from '../core/agent-metrics';
import { AlarmSetProps } from '../core/alarm-options';
import { AlarmSet } from '../core/alarm-set';
import { ComputeMetrics, StatusCheck } from '../core/compute-metrics';
import { ComputeTarget } from '../core/compute-target';
import { checkPattern, invalid } from '../private/validation';

/** Properties of {@link InstanceAlarms}. */
export interface InstanceAlarmsProps extends AlarmSetProps {
  /**
   * The instance to watch. Give either `instance` or `instanceId`.
   * @default - use instanceId
   */
  readonly instance?: ec2.IInstance;
  /**
   * The id of an instance this app does not define. Give either `instance` or `instanceId`.
   * @default - use instance
   */
  readonly instanceId?: string;
  /**
   * The instance type, which decides whether the CPU credit alarm applies (T family only).
   * @default - read from `instance` when it is an `ec2.Instance` of this app; unknown otherwise (no credit alarm)
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * The telemetry model of the agent on this instance. Memory, disk and swap alarms read
   * their metrics from it, with exactly the dimensions the agent publishes.
   * @default - no agent alarms (memory, disk, swap)
   */
  readonly agent?: IAgentMetricSource;
  /**
   * The Auto Scaling group the instance belongs to, if any. The agent appends
   * `AutoScalingGroupName` to every series of a group member, so its memory, disk and swap
   * alarms must name the group too: without it they would watch a series that never exists.
   * A group member is never recovered: the group replaces it (recover would race the
   * replacement), so its system status check only notifies.
   * @default - the instance is not in a group
   */
  readonly autoScalingGroupName?: string;
  /** `StatusCheckFailed_System` ≥ 1 for 2 of 2 minutes → EC2 recover + CRITICAL; missing = breaching. @default - enabled with recover (without recover for a member of an Auto Scaling group) */
  readonly systemStatusCheck?: SystemStatusCheckAlarmOptions;
  /** `StatusCheckFailed_Instance` ≥ 1 for 3 of 3 minutes → CRITICAL (optional reboot); missing = breaching. @default - enabled, no reboot */
  readonly instanceStatusCheck?: InstanceStatusCheckAlarmOptions;
  /** `StatusCheckFailed_AttachedEBS` ≥ 1 for 3 of 3 minutes → CRITICAL; missing = not breaching (Nitro only). @default - enabled */
  readonly attachedEbsStatusCheck?: AlarmPresetOptions;
  /** `CPUUtilization` average > 90 % for 3 of 3 five-minute periods → WARNING. @default - enabled */
  readonly cpu?: PercentAlarmOptions;
  /**
   * `CPUCreditBalance` minimum < 20 credits for 3 of 3 five-minute periods → WARNING.
   * @default - enabled when the instance type is known to be burstable (T family), else not created
   */
  readonly cpuCreditBalance?: CpuCreditAlarmOptions;
  /** Agent `mem_used_percent` average > 90 % for 3 of 3 five-minute periods → WARNING. @default - enabled when `agent` is given */
  readonly memory?: PercentAlarmOptions;
  /** Agent `disk_used_percent` maximum > 85 % for 2 of 2 five-minute periods, per path → WARNING. @default - enabled for every published path when `agent` is given */
  readonly disk?: DiskAlarmOptions;
  /** Agent `swap_used_percent` average > 50 % for 3 of 3 five-minute periods → WARNING. @default - enabled when `agent` is given */
  readonly swap?: PercentAlarmOptions;
}

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/**
 * The alarms one EC2 instance needs: status checks (system failure → EC2 recover),
 * CPU, CPU credits on burstable types, and memory, disk and swap from the agent.
 *
 * @example
 * const alerts = new AlertTopic(this, 'Alerts', { emails: ['oncall@example.com'] });
 * const web = new InstanceAlarms(this, 'Web1', {
 *   instance,
 *   routing: AlarmRouting.toTopic(alerts),
 *   alarmNamePrefix: 'shop-prod-web1',
 *   cpu: { thresholdPercent: 80 },
 *   instanceStatusCheck: { reboot: true },
 * });
 */
export class InstanceAlarms extends AlarmSet {
  /** The watched instance's id. */
  public readonly instanceId: string;
  /** System status check: recover + notify. */
  public readonly systemStatusCheckAlarm?: cloudwatch.Alarm;
  /** Instance status check: notify (and reboot when asked). */
  public readonly instanceStatusCheckAlarm?: cloudwatch.Alarm;
  /** Attached EBS status check. */
  public readonly attachedEbsStatusCheckAlarm?: cloudwatch.Alarm;
  /** CPU high. */
  public readonly cpuAlarm?: cloudwatch.Alarm;
  /** CPU credit balance low (burstable types). */
  public readonly cpuCreditBalanceAlarm?: cloudwatch.Alarm;
  /** Memory high (agent). */
  public readonly memoryAlarm?: cloudwatch.Alarm;
  /** Disk used high, one per path (agent). */
  public readonly diskAlarms: cloudwatch.Alarm[];
  /** Swap high (agent). */
  public readonly swapAlarm?: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: InstanceAlarmsProps) {
    super(scope, id, props);
    if ((props.instance === undefined) === (props.instanceId === undefined)) {
      invalid(this, 'instance/instanceId', 'exactly one of instance or instanceId', props.instance ? 'both' : 'neither');
    }
    checkPattern(this, 'instanceId', props.instanceId, INSTANCE_ID, 'an instance id like i-0123456789abcdef0');
    const compute = props.instance
      ? ComputeTarget.instance(props.instance, props.autoScalingGroupName)
      : ComputeTarget.instanceId(props.instanceId!, props.autoScalingGroupName);
    this.instanceId = compute.instanceId!;
    const statusCheck = (check: StatusCheck) => (statistic: string, period: Duration) =>
      ComputeMetrics.statusCheckFailed(compute, check, { statistic, period });
    const what = compute.displayName;

    // A group member is replaced by its group; recovering it as well would race the replacement.
    const inGroup = compute.isGroupMember;
    if (inGroup && props.systemStatusCheck?.recover === true) {
      invalid(this, 'systemStatusCheck.recover', 'false or unset for a member of an Auto Scaling group (the group replaces an unhealthy instance; '
        + 'EC2 recover would race the replacement)', true);
    }
    const recover = props.systemStatusCheck?.recover ?? !inGroup;
    this.systemStatusCheckAlarm = presetAlarm(this, 'SystemStatusCheck', PRESETS.systemStatusCheck, props.systemStatusCheck,
      statusCheck(StatusCheck.SYSTEM), {
        description: () => `The AWS system status check of ${what} failed (host hardware, power or network) or it stopped reporting. `
          + (recover
            ? 'EC2 is recovering it onto healthy hardware; check it comes back, and stop or replace it yourself if recovery fails.'
            : inGroup ? 'Its Auto Scaling group replaces it once the group marks it unhealthy; check the group\'s activity history.'
              : 'Stop and start the instance to move it to healthy hardware.'),
        actions: recover ? [new cw_actions.Ec2Action(cw_actions.Ec2InstanceAction.RECOVER)] : [],
      });

    const reboot = props.instanceStatusCheck?.reboot ?? false;
    this.instanceStatusCheckAlarm = presetAlarm(this, 'InstanceStatusCheck', PRESETS.instanceStatusCheck, props.instanceStatusCheck,
      statusCheck(StatusCheck.INSTANCE), {
        description: () => `The instance status check of ${what} failed (operating system unreachable: kernel, memory, network configuration, full disk) or it stopped reporting. `
          + (reboot ? 'EC2 reboots it; if that does not help, read the system log and screenshot in the EC2 console.'
            : 'Read the system log and screenshot in the EC2 console, then reboot or replace it.'),
        actions: reboot ? [new cw_actions.Ec2Action(cw_actions.Ec2InstanceAction.REBOOT)] : [],
      });

    this.attachedEbsStatusCheckAlarm = presetAlarm(this, 'AttachedEbsStatusCheck', PRESETS.attachedEbsStatusCheck, props.attachedEbsStatusCheck,
      statusCheck(StatusCheck.ATTACHED_EBS), {
        description: () => `An EBS volume attached to ${what} is impaired (I/O stalls). Check the volume's status checks in the EC2 console; restore from a snapshot or move the data if it stays impaired.`,
      });

    const cpuThreshold = percent(this, 'cpu.thresholdPercent', props.cpu?.thresholdPercent);
    this.cpuAlarm = presetAlarm(this, 'Cpu', PRESETS.cpu, props.cpu, (statistic, period) => ComputeMetrics.cpuUtilization(compute, { statistic, period }), {
      threshold: cpuThreshold,
      description: (t, when) => `CPU of ${what} has been above ${t}% ${when}. Find the busy process (top, CloudWatch Agent procstat), then fix it or move to a larger type.`,
    });

    const instanceType = props.instanceType ?? typeOf(props.instance);
    this.cpuCreditBalanceAlarm = this.creditAlarm(props, instanceType,
      (statistic, period) => ComputeMetrics.cpuCreditBalance(compute, { statistic, period }), what);

    const agent = props.agent;
    const target = compute.agentTarget;
    for (const [prop, options] of [['memory', props.memory], ['disk', props.disk], ['swap', props.swap]] as const) {
      if (!agent && options?.enabled === true) {
        invalid(this, `${prop}.enabled`, 'false or unset when no agent is given (the metric would never arrive)', true);
      }
    }
    this.diskAlarms = [];
    if (agent) {
      this.memoryAlarm = presetAlarm(this, 'Memory', PRESETS.memory, props.memory,
        (statistic, period) => agent.metricMemUsedPercent(target, { statistic, period }), {
          threshold: percent(this, 'memory.thresholdPercent', props.memory?.thresholdPercent),
          description: (t, when) => `Memory in use on ${what} has been above ${t}% ${when}; the kernel may soon kill processes. Find the process that grows, then fix it or move to a type with more memory.`,
        });
      if (props.disk?.enabled !== false) {
        const diskThreshold = percent(this, 'disk.thresholdPercent', props.disk?.thresholdPercent);
        for (const path of diskPaths(this, agent, props.disk?.paths)) {
          const alarm = presetAlarm(this, `Disk${diskId(path)}`, PRESETS.disk, props.disk,
            (statistic, period) => agent.metricDiskUsedPercent(path, target, { statistic, period }), {
              threshold: diskThreshold,
              description: t => `Disk ${path} on ${what} is more than ${t}% full. Delete or rotate old files (logs, caches) or grow the volume before it fills.`,
            });
          if (alarm) this.diskAlarms.push(alarm);
        }
      }
      this.swapAlarm = presetAlarm(this, 'Swap', PRESETS.swap, props.swap,
        (statistic, period) => agent.metricSwapUsedPercent(target, { statistic, period }), {
          threshold: percent(this, 'swap.thresholdPercent', props.swap?.thresholdPercent),
          description: (t, when) => `Swap in use on ${what} has been above ${t}% ${when}: it runs short of memory and slows down. Find the process that grows or move to a type with more memory.`,
        });
    }
  }

  private creditAlarm(props: InstanceAlarmsProps, instanceType: ec2.InstanceType | undefined,
    metric: (statistic: string, period: Duration) => cloudwatch.IMetric, what: string): cloudwatch.Alarm | undefined {
    const options = props.cpuCreditBalance;
    if (options?.enabled === false) return undefined;
    const burstable = instanceType !== undefined && !Token.isUnresolved(instanceType.toString()) ? isBurstable(instanceType) : undefined;
    if (options?.enabled === true && burstable === false) {
      invalid(this, 'cpuCreditBalance.enabled', 'false or unset for a non-burstable instance type (only T types have CPU credits)', instanceType!.toString());
    }
    if (options?.enabled !== true && burstable !== true) {
      if (burstable === undefined) {
        Annotations.of(this).addInfoV2('cdk-watchkeeper:InstanceAlarms.noCreditAlarm', 'No CPU credit balance alarm: the instance type is unknown. Pass instanceType, or set cpuCreditBalance.enabled for a T instance.');
      }
      return undefined;
    }
    const threshold = options?.thresholdCredits;
    if (threshold !== undefined && !Token.isUnresolved(threshold) && threshold < 0) {
      invalid(this, 'cpuCreditBalance.thresholdCredits', 'a number of credits of at least 0', threshold);
    }
    return presetAlarm(this, 'CpuCreditBalance', PRESETS.cpuCreditBalance, options, metric, {
      threshold,
      description: t => `The CPU credit balance of ${what} is below ${t}: it will soon be throttled to its baseline (standard mode) or pay for surplus credits (unlimited mode). Find what keeps the CPU busy or move to a larger or non-burstable type.`,
    });
  }
}

/** The type of an `ec2.Instance` of this app, read from its CloudFormation resource. */
function typeOf(instance: ec2.IInstance | undefined): ec2.InstanceType | undefined {
  const cfn = instance?.node.defaultChild;
  if (cfn instanceof ec2.CfnInstance && typeof cfn.instanceType === 'string' && !Token.isUnresolved(cfn.instanceType)) {
    return new ec2.InstanceType(cfn.instanceType);
  }
  return undefined;
}
