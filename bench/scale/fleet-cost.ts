// Per-service alarms against fleet alarms for the same fleet: monitoring resources, the cost
// report's monthly estimate, and whether adding a service changes any alarm. Prints a
// Markdown table (docs/benchmarks.md and docs/fleet.md quote it; test/docs/bench-numbers.test.ts checks the quotes).
import { App, CfnResource, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { VARIANTS } from './variants';
import { CostReport } from '../../src';

/** Services per stack, as `ServiceStacks` spreads them by default. */
export const PER_STACK = 25;

/** What one variant of the fleet costs: its resources, its alarms and the cost report's estimate. */
export interface FleetCost {
  /** Resources in all the templates. */
  readonly resources: number;
  /** Each alarm as `stack/logicalId:properties`, to compare two builds. */
  readonly alarms: string[];
  /** The cost report's monthly estimate, USD. */
  readonly usd: number;
  /** Every resource's construct path and type (the docs test counts resources by what creates them). */
  readonly resourceList: Array<{ readonly path: string; readonly type: string }>;
}

/** Adds `services` Auto Scaling groups of 1 to 2 instances, watched the way `variant` does, 25 to a stack. */
export function addServices(app: App, variant: string, services: number): void {
  const v = VARIANTS[variant];
  let stack: Stack | undefined; let vpc: ec2.IVpc | undefined; let shared: unknown;
  for (let i = 0; i < services; i++) {
    if (i % PER_STACK === 0) {
      stack = new Stack(app, `Services${Math.floor(i / PER_STACK)}`, { env: { account: '123456789012', region: 'us-east-1' } });
      vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-11111111'] });
      shared = v.shared(stack);
    }
    const asg = new autoscaling.AutoScalingGroup(stack!, `Svc${i}Group`, {
      vpc: vpc!,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
      machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' }),
      minCapacity: 1, maxCapacity: 2,
    });
    v.service(stack!, `Svc${i}`, asg, shared);
  }
}

/** Builds `services` Auto Scaling groups watched the way `variant` does, 25 to a stack, and synthesizes them. */
export function build(variant: string, services: number): FleetCost {
  const app = new App();
  addServices(app, variant, services);
  const report = new CostReport(app, 'Cost', { metricsInsightsSeriesPerAlarm: 1 });
  const assembly = app.synth();
  let resources = 0; const alarms: string[] = [];
  for (const s of assembly.stacks) {
    for (const [id, r] of Object.entries<any>(s.template.Resources ?? {})) {
      resources++;
      if (r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::CloudWatch::CompositeAlarm') alarms.push(`${s.stackName}/${id}:${JSON.stringify(r.Properties)}`);
    }
  }
  const resourceList = app.node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType !== 'AWS::CDK::Metadata')
    .map(c => ({ path: c.node.path, type: c.cfnResourceType }));
  return { resources, alarms, usd: report.totalMonthlyUsd(), resourceList };
}

/** Prints the comparison of the two variants for `SERVICES` services as a Markdown table. */
function printTable(SERVICES: number): void {
  const rows: string[] = [];
  for (const variant of ['cdk-watchkeeper, fleet dashboard', 'cdk-watchkeeper, fleet alarms']) {
    const base = build('baseline', SERVICES).resources;
    const full = build(variant, SERVICES);
    const plusOne = build(variant, SERVICES + 1);
    const before = new Set(full.alarms);
    const changed = plusOne.alarms.filter(a => !before.has(a)).length;
    rows.push(`| ${variant} | ${SERVICES} | ${full.resources - base} | ${((full.resources - base) / SERVICES).toFixed(2)} | $${full.usd.toFixed(2)} | ${changed === 0 ? 'no' : `yes (${changed} alarms added or changed)`} |`);
  }
  console.log(`| variant | services (groups of 1-2 instances) | monitoring resources | per service | monthly estimate (cost report) | adding a service changes alarms |`);
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
}

if (require.main === module) printTable(Number(process.argv[2] ?? 200));
