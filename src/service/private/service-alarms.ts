import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AutoScalingGroupAlarms } from '../../alarms/auto-scaling-group-alarms';
import { InstanceAlarms } from '../../alarms/instance-alarms';
import { IAgentMetricSource } from '../../core/agent-metrics';
import { AlarmRouting } from '../../core/alarm-routing';
import { AlarmSet } from '../../core/alarm-set';
import { IAlertTopic } from '../../core/alert-topic-base';
import { BuiltCompute } from '../compute-options';
import { ServiceAlarmOptions } from '../service-alarm-options';


/** Creates the preset alarm sets for the service's compute. */
export function createServiceAlarms(
  scope: Construct, compute: BuiltCompute, alertTopic: IAlertTopic, agent: IAgentMetricSource | undefined, options: ServiceAlarmOptions,
  serviceName?: string,
): AlarmSet[] {
  if (options.enabled === false) return [];
  const common = {
    routing: options.routing ?? AlarmRouting.toTopic(alertTopic),
    alarmNamePrefix: options.alarmNamePrefix,
    runbookUrl: options.runbookUrl,
    livenessSuppressor: options.livenessSuppressor,
    serviceName,
    owner: options.owner,
    warmUp: options.warmUp,
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
      autoScalingGroup: compute.autoScalingGroup,
      systemStatusCheck: options.systemStatusCheck,
      instanceStatusCheck: options.instanceStatusCheck,
      inServiceCapacity: options.inServiceCapacity,
    })];
  }
  return compute.instances.map((instance: ec2.IInstance, i) => new InstanceAlarms(scope, compute.instances.length === 1 ? 'Alarms' : `Alarms${i}`, {
    ...common,
    instance,
    systemStatusCheck: options.systemStatusCheck,
    instanceStatusCheck: options.instanceStatusCheck,
  }));
}
