import { Token, aws_cloudwatch as cloudwatch, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ComputeAlarmPresets, ComputeAlarmSources } from './preset-options';
import { planPresets } from './private/preset-builder';
import { AlarmSetProps } from '../core/alarm-options';
import { AlarmSet } from '../core/alarm-set';
import { ComputeTarget } from '../core/compute-target';
import { checkPattern, invalid } from '../private/validation';

/** Properties of {@link InstanceAlarms}. */
export interface InstanceAlarmsProps extends AlarmSetProps, ComputeAlarmPresets, ComputeAlarmSources {
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
   * The Auto Scaling group the instance belongs to, if any. The agent appends
   * `AutoScalingGroupName` to every series of a group member, so its memory, disk and swap
   * alarms must name the group too: without it they would watch a series that never exists.
   * A group member is never recovered: the group replaces it (recover would race the
   * replacement), so its system status check only notifies.
   * @default - the instance is not in a group
   */
  readonly autoScalingGroupName?: string;
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
    const target = props.instance
      ? ComputeTarget.fromInstance(props.instance, props.autoScalingGroupName)
      : ComputeTarget.fromInstanceId(props.instanceId!, props.autoScalingGroupName);
    this.instanceId = target.instanceId!;
    const alarms = planPresets(this, target, { ...props, instanceType: props.instanceType ?? typeOf(props.instance) });
    this.systemStatusCheckAlarm = alarms.systemStatusCheckAlarm;
    this.instanceStatusCheckAlarm = alarms.instanceStatusCheckAlarm;
    this.attachedEbsStatusCheckAlarm = alarms.attachedEbsStatusCheckAlarm;
    this.cpuAlarm = alarms.cpuAlarm;
    this.cpuCreditBalanceAlarm = alarms.cpuCreditBalanceAlarm;
    this.memoryAlarm = alarms.memoryAlarm;
    this.diskAlarms = alarms.diskAlarms;
    this.swapAlarm = alarms.swapAlarm;
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
