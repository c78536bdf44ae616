// How fast a rehearsal runs: a week of the example app at 1-minute steps (target under 10 s on a
// 2-core machine) and a week of 200 services in fleet mode (target under 60 s). Prints a Markdown
// table with wall-clock and CPU seconds (CPU time is what a busy machine does not inflate).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { ExampleServiceStack } from '../../examples/example-stack';
import { readAssembly } from '../../src/rehearsal/assembly';
import { prepareApp, rehearse } from '../../src/rehearsal/rehearse.pure';
import { stockScenario } from '../../src/rehearsal/stock-scenarios.pure';
import { VARIANTS } from '../scale/variants';

const SERVICES = Number(process.argv[2] ?? 200);
const PER_STACK = 25;

function outdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rehearse-bench-'));
}

/** The example app, synthesized. */
function example(): string {
  const dir = outdir();
  const app = new App({ outdir: dir });
  new ExampleServiceStack(app, 'WatchkeeperExample');
  app.synth();
  return dir;
}

/** Services in fleet mode (one Auto Scaling group of 1 to 2 instances each, 25 per stack), as bench/scale/fleet-cost.ts builds them. */
function fleet(services: number): string {
  const dir = outdir();
  const app = new App({ outdir: dir });
  const v = VARIANTS['cdk-watchkeeper, fleet alarms'];
  let stack: Stack | undefined; let vpc: ec2.IVpc | undefined; let shared: unknown;
  for (let i = 0; i < services; i++) {
    if (i % PER_STACK === 0) {
      stack = new Stack(app, `Services${Math.floor(i / PER_STACK)}`, { env: { account: '123456789012', region: 'us-east-1' } });
      vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-11111111'] });
      shared = v.shared(stack);
    }
    const asg = new autoscaling.AutoScalingGroup(stack!, `Svc${i}Group`, {
      vpc: vpc!, instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
      machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' }), minCapacity: 1, maxCapacity: 2,
    });
    v.service(stack!, `Svc${i}`, asg, shared);
  }
  app.synth();
  return dir;
}

function measure(label: string, dir: string, target: number): string {
  const app = prepareApp(readAssembly(dir));
  const scenario = stockScenario('quiet-week')!;
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = rehearse(app, scenario);
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - wall0) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const alarms = app.alarms.length;
  const groups = app.fleet.groups.length;
  return `| ${label} | ${alarms} | ${groups} | ${scenario.hours * 60 + 180} | ${result.notifications.length} | ${wall.toFixed(1)} | ${cpuSeconds.toFixed(1)} | < ${target} s |`;
}

const rows = [measure('example app, quiet week', example(), 10), measure(`${SERVICES} services in fleet mode, quiet week`, fleet(SERVICES), 60)];
console.log(`Load average when measured: ${os.loadavg().map(l => l.toFixed(1)).join(', ')} on ${os.cpus().length} cores`);
console.log('');
console.log('| rehearsal | alarms | groups | minutes (1-minute steps, with 3 h of history) | notifications | wall s | CPU s | target |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
