import { createHash } from 'crypto';
import { Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AutoScalingGroupAlarms } from '../../alarms/auto-scaling-group-alarms';
import { InstanceAlarms } from '../../alarms/instance-alarms';
import { IAgentMetricSource } from '../../core/agent-metrics';
import { AlarmRouting } from '../../core/alarm-routing';
import { AlarmSet } from '../../core/alarm-set';
import { IAlertTopic } from '../../core/alert-topic-base';
import { invalid } from '../../private/validation';
import { BuiltCompute } from '../compute-options';
import { ServiceAlarmOptions } from '../service-alarm-options';


/** Creates the preset alarm sets for the service's compute. */
export function createServiceAlarms(
  scope: Construct, compute: BuiltCompute, alertTopic: IAlertTopic, agent: IAgentMetricSource | undefined, options: ServiceAlarmOptions,
): AlarmSet[] {
  if (options.enabled === false) return [];
  if (options.generatedAlarmNames && options.alarmNamePrefix !== undefined) {
    invalid(scope, 'alarms.alarmNamePrefix', 'left out when alarms.generatedAlarmNames is true (CloudFormation names the alarms)', options.alarmNamePrefix);
  }
  const prefix = options.generatedAlarmNames ? undefined : options.alarmNamePrefix ?? defaultAlarmNamePrefix(scope);
  const common = {
    routing: options.routing ?? AlarmRouting.toTopic(alertTopic),
    runbookUrl: options.runbookUrl,
    livenessSuppressor: options.livenessSuppressor,
    agent,
    instanceType: compute.instanceType,
    attachedEbsStatusCheck: options.attachedEbsStatusCheck,
    cpu: options.cpu,
    cpuCreditBalance: options.cpuCreditBalance,
    memory: options.memory,
    disk: options.disk,
    swap: options.swap,
  };
  if (compute.autoScalingGroup) {
    return [new AutoScalingGroupAlarms(scope, 'Alarms', {
      ...common,
      alarmNamePrefix: prefix,
      autoScalingGroup: compute.autoScalingGroup,
      systemStatusCheck: options.systemStatusCheck,
      instanceStatusCheck: options.instanceStatusCheck,
      inServiceCapacity: options.inServiceCapacity,
    })];
  }
  const several = compute.instances.length > 1;
  const ids = compute.instances.map(instance => instance.node.id);
  const distinctIds = new Set(ids).size === ids.length;
  return compute.instances.map((instance: ec2.IInstance, i) => new InstanceAlarms(scope, several ? `Alarms${i}` : 'Alarms', {
    ...common,
    // One set per instance: the instance's construct ID (or its position) keeps the names apart.
    alarmNamePrefix: prefix !== undefined && several ? `${prefix}-${distinctIds ? ids[i] : i}` : prefix,
    instance,
    systemStatusCheck: options.systemStatusCheck,
    instanceStatusCheck: options.instanceStatusCheck,
  }));
}

/** Longest prefix an AlarmSet takes (its own check), leaving room for the signal. */
const MAX_PREFIX = 200;

/**
 * `<stack name>-<construct path within the stack>`, `-` for `/`: unique per stack (construct
 * paths are) and per account and Region (stack names are, and alarm names must be:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html).
 * A prefix that would be too long keeps its start and ends in a hash of the whole.
 */
export function defaultAlarmNamePrefix(scope: Construct): string {
  const stack = Stack.of(scope);
  const relative = scope.node.scopes.slice(scope.node.scopes.indexOf(stack) + 1).map(c => c.node.id).join('-');
  const prefix = `${stack.stackName}-${relative}`;
  if (prefix.length <= MAX_PREFIX) return prefix;
  return `${prefix.slice(0, MAX_PREFIX - 9)}-${hash8(prefix)}`;
}

function hash8(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8).toUpperCase();
}
