import { App, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2, cx_api as cxapi } from 'aws-cdk-lib';
import { Variant } from './variants';

/**
 * Builds an app of `services` Auto Scaling groups, `perStack` to a stack, each monitored the
 * variant's way, and synthesizes it into `outdir`; returns the assembly.
 */
export function buildApp(variant: Variant, outdir: string, services: number, perStack: number): cxapi.CloudAssembly {
  const app = new App({ outdir });
  let stack: Stack | undefined;
  let vpc: ec2.IVpc | undefined;
  let shared: unknown;
  for (let i = 0; i < services; i++) {
    if (i % perStack === 0) {
      stack = new Stack(app, `Services${Math.floor(i / perStack)}`, { env: { account: '123456789012', region: 'us-east-1' } });
      vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a', 'us-east-1b'],
        privateSubnetIds: ['subnet-11111111', 'subnet-22222222'],
      });
      shared = variant.shared(stack);
    }
    const s = stack!;
    const asg = new autoscaling.AutoScalingGroup(s, `Svc${i}Group`, {
      vpc: vpc!,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
      machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' }),
      minCapacity: 1, maxCapacity: 4,
    });
    variant.service(s, `Svc${i}`, asg, shared);
  }
  return app.synth();
}
