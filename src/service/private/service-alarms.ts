import { createHash } from 'crypto';
import { Stack } from 'aws-cdk-lib';
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

/** Creates one preset alarm set per compute target of the service. */
export function createServiceAlarms(
  scope: Construct, compute: BuiltCompute, alertTopic: IAlertTopic, agent: IAgentMetricSource | undefined, options: ServiceAlarmOptions,
  serviceName?: string,
): AlarmSet[] {
  if (options.enabled === false) return [];
  if (options.generatedAlarmNames && options.alarmNamePrefix !== undefined) {
    invalid(scope, 'alarms.alarmNamePrefix', 'left out when alarms.generatedAlarmNames is true (CloudFormation names the alarms)', options.alarmNamePrefix);
  }
  const prefix = options.generatedAlarmNames ? undefined : options.alarmNamePrefix ?? defaultAlarmNamePrefix(scope);
  const props = {
    ...options,
    routing: options.routing ?? AlarmRouting.toTopic(options.alertTopic ?? alertTopic),
    serviceName: options.serviceName ?? serviceName,
    agent,
    instanceType: compute.instanceType,
  };
  const targets = compute.targets;
  const several = targets.length > 1;
  const ids = targets.map(target => target.instance?.node.id);
  const distinctIds = ids.every(id => id !== undefined) && new Set(ids).size === ids.length;
  return targets.map((target, i) => {
    const id = several ? `Alarms${i}` : 'Alarms';
    // One set per instance: the instance's construct ID (or its position) keeps the names apart.
    const alarmNamePrefix = prefix !== undefined && several ? `${prefix}-${distinctIds ? ids[i] : i}` : prefix;
    return target.autoScalingGroup
      ? new AutoScalingGroupAlarms(scope, id, { ...props, alarmNamePrefix, autoScalingGroup: target.autoScalingGroup })
      : new InstanceAlarms(scope, id, { ...props, alarmNamePrefix, instance: target.instance });
  });
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
