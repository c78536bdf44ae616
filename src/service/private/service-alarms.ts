import { Construct } from 'constructs';
import { AutoScalingGroupAlarms } from '../../alarms/auto-scaling-group-alarms';
import { InstanceAlarms } from '../../alarms/instance-alarms';
import { IAgentMetricSource } from '../../core/agent-metrics';
import { AlarmRouting } from '../../core/alarm-routing';
import { AlarmSet } from '../../core/alarm-set';
import { IAlertTopic } from '../../core/alert-topic-base';
import { BuiltCompute } from '../compute-options';
import { ServiceAlarmOptions } from '../service-alarm-options';

/** Creates one preset alarm set per compute target of the service. */
export function createServiceAlarms(
  scope: Construct, compute: BuiltCompute, alertTopic: IAlertTopic, agent: IAgentMetricSource | undefined, options: ServiceAlarmOptions,
  serviceName?: string,
): AlarmSet[] {
  if (options.enabled === false) return [];
  const props = {
    ...options,
    routing: options.routing ?? AlarmRouting.toTopic(options.alertTopic ?? alertTopic),
    serviceName: options.serviceName ?? serviceName,
    agent,
    instanceType: compute.instanceType,
  };
  const targets = compute.targets;
  return targets.map((target, i) => {
    const id = targets.length === 1 ? 'Alarms' : `Alarms${i}`;
    return target.autoScalingGroup
      ? new AutoScalingGroupAlarms(scope, id, { ...props, autoScalingGroup: target.autoScalingGroup })
      : new InstanceAlarms(scope, id, { ...props, instance: target.instance });
  });
}
