import { Duration, aws_autoscaling as autoscaling, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { blockDevices, defaultImage, defaultType, newRole, newSecurityGroup, privateSubnets, requireVpc } from './compute-defaults';
import { ComputeTarget } from '../../core/compute-target';
import { allowAutoScalingToPublish, allowAutoScalingToUseEbsKey } from '../../private/key-policies';
import { registerUsage } from '../../private/usage-registry';
import { checkInteger, invalid } from '../../private/validation';
import { BuiltCompute, ComputeContext, NewAutoScalingGroupOptions } from '../compute-options';

/** A new Auto Scaling group from a launch template, with the library's secure defaults. */
export function buildNewGroup(scope: Construct, context: ComputeContext, o: NewAutoScalingGroupOptions): BuiltCompute {
  const vpc = requireVpc(scope, o, context);
  const minCapacity = o.minCapacity ?? 1;
  const maxCapacity = o.maxCapacity ?? Math.max(2, minCapacity);
  checkInteger(scope, 'minCapacity', minCapacity, 0, 10000);
  checkInteger(scope, 'maxCapacity', maxCapacity, 0, 10000);
  checkInteger(scope, 'desiredCapacity', o.desiredCapacity, 0, 10000);
  if (minCapacity > maxCapacity) {
    invalid(scope, 'minCapacity', `at most maxCapacity (${maxCapacity})`, minCapacity);
  }
  if (o.desiredCapacity !== undefined && (o.desiredCapacity < minCapacity || o.desiredCapacity > maxCapacity)) {
    invalid(scope, 'desiredCapacity', `between minCapacity (${minCapacity}) and maxCapacity (${maxCapacity})`, o.desiredCapacity);
  }
  const warmup = o.defaultInstanceWarmup ?? Duration.minutes(5);
  checkInteger(scope, 'defaultInstanceWarmup (seconds)', warmup.toSeconds(), 0, 3600);

  const role = newRole(scope, o);
  const securityGroup = newSecurityGroup(scope, vpc, o);
  const image = defaultImage(o);
  const devices = blockDevices(scope, o);
  for (const device of devices) {
    const key = device.volume.ebsDevice?.kmsKey;
    if (key) allowAutoScalingToUseEbsKey(scope, key);
  }
  const launchTemplate = new ec2.LaunchTemplate(scope, 'LaunchTemplate', {
    instanceType: defaultType(o),
    machineImage: image,
    role,
    securityGroup,
    // The image's own kind of user data: PowerShell for Windows images, a shell script otherwise.
    userData: o.userData ?? image.getImage(scope).userData,
    blockDevices: devices,
    requireImdsv2: true,
    httpPutResponseHopLimit: 2,
    detailedMonitoring: o.detailedMonitoring ?? true,
    associatePublicIpAddress: false,
  });

  const group = new autoscaling.AutoScalingGroup(scope, 'Group', {
    vpc,
    vpcSubnets: privateSubnets(o),
    launchTemplate,
    minCapacity,
    maxCapacity,
    desiredCapacity: o.desiredCapacity,
    defaultInstanceWarmup: warmup,
    healthChecks: o.healthChecks,
    groupMetrics: [autoscaling.GroupMetrics.all()],
    notifications: [{ topic: context.alertTopic.topic, scalingEvents: o.notificationEvents ?? autoscaling.ScalingEvents.ALL }],
  });
  allowAutoScalingToPublish(scope, context.alertTopic);
  // Detailed monitoring is billed as custom metrics (CloudWatch pricing), for every running instance.
  if (o.detailedMonitoring ?? true) {
    registerUsage(group, () => ({ detailedMonitoringInstances: o.desiredCapacity ?? minCapacity, detailedMonitoringInstancesMax: maxCapacity }));
  }

  return {
    autoScalingGroup: group,
    instances: [],
    targets: [ComputeTarget.fromAutoScalingGroup(group)],
    role,
    securityGroup,
    connections: group.connections,
    created: true,
    instanceType: defaultType(o),
    userData: launchTemplate.userData,
    expectedInstances: o.desiredCapacity ?? minCapacity,
    maxInstances: maxCapacity,
  };
}
