import { Annotations, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { blockDevices, defaultImage, defaultType, newRole, newSecurityGroup, privateSubnets, requireVpc } from './compute-defaults';
import { ComputeTarget } from '../../core/compute-target';
import { registerUsage } from '../../private/usage-registry';
import { BuiltCompute, ComputeContext, NewInstanceOptions } from '../compute-options';

/** A new single instance with the library's secure defaults and termination protection. */
export function buildNewInstance(scope: Construct, context: ComputeContext, o: NewInstanceOptions): BuiltCompute {
  const vpc = requireVpc(scope, o, context);
  const role = newRole(scope, o);
  const securityGroup = newSecurityGroup(scope, vpc, o);
  if (vpc.selectSubnets(privateSubnets(o)).hasPublic) {
    Annotations.of(scope).addWarningV2('cdk-watchkeeper:ServiceCompute.publicSubnet',
      'The instance is placed in a public subnet: it gets a public IP address when the subnet assigns them. '
      + 'Prefer private subnets; inbound access goes through Session Manager.');
  }
  const instance = new ec2.Instance(scope, 'Instance', {
    vpc,
    vpcSubnets: privateSubnets(o),
    instanceType: defaultType(o),
    machineImage: defaultImage(o),
    instanceName: o.instanceName,
    role,
    securityGroup,
    userData: o.userData,
    blockDevices: blockDevices(scope, o),
    detailedMonitoring: o.detailedMonitoring ?? true,
    // No associatePublicIpAddress here: setting it moves the subnet into a network
    // interface, which hides the VPC placement from compliance rules. Private subnets
    // assign no public address.
    disableApiTermination: o.terminationProtection ?? true,
  });
  requireImdsv2WithoutName(scope, instance);
  // Detailed monitoring is billed as custom metrics (CloudWatch pricing).
  if (o.detailedMonitoring ?? true) registerUsage(instance, () => ({ detailedMonitoringInstances: 1, detailedMonitoringInstancesMax: 1 }));
  return {
    instances: [instance],
    targets: [ComputeTarget.fromInstance(instance)],
    role,
    securityGroup,
    connections: instance.connections,
    created: true,
    instanceType: defaultType(o),
    userData: instance.userData,
    expectedInstances: 1,
  };
}

/**
 * Requires IMDSv2 through a launch template of our own that has no name. `requireImdsv2`
 * would name it `<id>LaunchTemplate` unless the app sets the
 * `@aws-cdk/aws-ec2:uniqueImdsv2TemplateName` flag, and launch template names are unique
 * per account and Region: a second copy of the stack would fail to deploy. The template holds
 * only the metadata options, which never change, so its version (part of the instance's
 * launch template reference, a replacing property) stays 1.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-launchtemplate.html
 */
function requireImdsv2WithoutName(scope: Construct, instance: ec2.Instance): void {
  const template = new ec2.CfnLaunchTemplate(scope, 'InstanceMetadataOptions', {
    launchTemplateData: { metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled', httpPutResponseHopLimit: 2 } },
  });
  instance.instance.launchTemplate = { launchTemplateId: template.ref, version: template.attrLatestVersionNumber };
}

