import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IAlertTopic } from '../../core/alert-topic-base';
import { EventNotifications } from '../../events/event-notifications';
import { BuiltCompute } from '../compute-options';

/**
 * EventBridge rules that tell the alert topic what happens to the service's compute: state
 * changes of its instances, or failed launches and terminations of an existing group. A group
 * the service created already sends its launch and terminate events (failures included) to
 * the topic as group notifications; a rule would only repeat them.
 */
export function notifyComputeEvents(service: Construct, alertTopic: IAlertTopic, compute: BuiltCompute,
  plannedStopInstances: ec2.IInstance[]): EventNotifications | undefined {
  const group = compute.autoScalingGroup;
  const groups = group && !compute.created ? [group] : [];
  const instances = group ? [] : compute.instances;
  if (groups.length === 0 && instances.length === 0) return undefined;
  return new EventNotifications(service, 'Events', {
    alertTopic,
    autoScalingGroups: groups,
    instances,
    // Idle shutdown stops them on purpose: only their termination notifies.
    plannedStopInstances,
    scheduledMaintenance: false,
  });
}
