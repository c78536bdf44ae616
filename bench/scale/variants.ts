import { Stack, aws_autoscaling as autoscaling, aws_kms as kms, aws_sns as sns } from 'aws-cdk-lib';
import { monitorWithPeer } from './peer';

/** One way of monitoring a service, for the benchmark. */
export interface Variant {
  /** The notification topic shared by every service of a stack. */
  topic(stack: Stack): sns.ITopic;
  /** Adds the monitoring of one service around its Auto Scaling group. */
  service(stack: Stack, id: string, asg: autoscaling.AutoScalingGroup, topic: sns.ITopic): void;
}

function encryptedTopic(stack: Stack): sns.ITopic {
  return new sns.Topic(stack, 'Alerts', { masterKey: new kms.Key(stack, 'AlertsKey', { enableKeyRotation: true }) });
}

export const VARIANTS: Record<string, Variant> = {
  /** The Auto Scaling groups alone: subtracted from the others to isolate monitoring. */
  'baseline': { topic: encryptedTopic, service: () => undefined },
  'cdk-monitoring-constructs': { topic: encryptedTopic, service: monitorWithPeer },
};
