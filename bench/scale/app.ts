import { App, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2, cx_api as cxapi } from 'aws-cdk-lib';
import { FLEET_SERVICES_PER_STACK, VARIANTS } from './variants';

/** How the benchmark apps lay out their services. */
export interface ServiceLayout {
  /** Services per stack. @default FLEET_SERVICES_PER_STACK (25, as `ServiceStacks` spreads them) */
  readonly perStack?: number;
  /** Largest size of each Auto Scaling group. @default 4 */
  readonly maxCapacity?: number;
}

/** Adds `services` Auto Scaling groups to `app`, each watched the way `variant` does. */
export function addServices(app: App, variant: string, services: number, layout: ServiceLayout = {}): void {
  const v = VARIANTS[variant];
  const perStack = layout.perStack ?? FLEET_SERVICES_PER_STACK;
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
      shared = v.shared(stack);
    }
    const asg = new autoscaling.AutoScalingGroup(stack!, `Svc${i}Group`, {
      vpc: vpc!,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
      machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' }),
      minCapacity: 1, maxCapacity: layout.maxCapacity ?? 4,
    });
    v.service(stack!, `Svc${i}`, asg, shared);
  }
}

/** Builds an app of `services` watched Auto Scaling groups and synthesizes it into `outdir`. */
export function buildApp(variant: string, outdir: string, services: number, perStack?: number): cxapi.CloudAssembly {
  const app = new App({ outdir });
  addServices(app, variant, services, { perStack });
  return app.synth();
}
