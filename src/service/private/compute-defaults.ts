import { Annotations, Size, aws_ec2 as ec2, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkInteger, invalid } from '../../private/validation';
import { ComputeContext, NewComputeOptions } from '../compute-options';
import { ServiceEgress } from '../egress';

const DEFAULT_ROOT_SIZE = Size.gibibytes(16);

export function requireVpc(scope: Construct, options: NewComputeOptions, context: ComputeContext): ec2.IVpc {
  const vpc = options.vpc ?? context.vpc;
  if (!vpc) {
    invalid(scope, 'vpc', 'set on the service or in the compute options when the service creates instances', undefined);
  }
  return vpc;
}

export function newRole(scope: Construct, options: NewComputeOptions): iam.IRole {
  return options.role ?? new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    description: `Instances of ${scope.node.path}`,
  });
}

export function newSecurityGroup(scope: Construct, vpc: ec2.IVpc, options: NewComputeOptions): ec2.ISecurityGroup {
  if (options.securityGroup) {
    if (options.egress) {
      invalid(scope, 'egress', 'unset when you bring your own securityGroup (its rules are yours)', options.egress.description);
    }
    return options.securityGroup;
  }
  const egress = options.egress ?? ServiceEgress.httpsOnly();
  if (!egress._allowAllOutbound && egress._peerCount === 0) {
    invalid(scope, 'egress', 'ServiceEgress.httpsTo() with at least one peer', '[]');
  }
  const group = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc,
    // The description is fixed: changing it replaces the group, so it does not name the egress.
    description: `Instances of ${scope.node.path}: no inbound rule unless allowed`,
    allowAllOutbound: egress._allowAllOutbound,
  });
  egress._apply(group);
  return group;
}

export function blockDevices(scope: Construct, options: NewComputeOptions): ec2.BlockDevice[] {
  if (options.blockDevices) {
    for (const device of options.blockDevices) {
      const ebs = device.volume.ebsDevice;
      if (ebs && ebs.encrypted !== true) {
        Annotations.of(scope).addWarningV2('cdk-watchkeeper:ServiceCompute.unencryptedVolume',
          `Block device ${device.deviceName} is not encrypted: set encrypted: true (or rely on EBS encryption by default in the account).`);
      }
    }
    return options.blockDevices;
  }
  const size = options.rootVolumeSize ?? DEFAULT_ROOT_SIZE;
  const gib = size.toMebibytes() / 1024;
  checkInteger(scope, 'rootVolumeSize (GiB)', gib, 1, 16384);
  return [{
    deviceName: options.rootDeviceName ?? '/dev/xvda',
    volume: ec2.BlockDeviceVolume.ebs(gib, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }),
  }];
}

export function defaultImage(options: NewComputeOptions): ec2.IMachineImage {
  return options.machineImage ?? ec2.MachineImage.latestAmazonLinux2023();
}

export function defaultType(options: NewComputeOptions): ec2.InstanceType {
  return options.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.SMALL);
}

export function privateSubnets(options: NewComputeOptions): ec2.SubnetSelection {
  return options.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
}

