// How fast a rehearsal runs: a week of the example app at 1-minute steps (target under 10 s on a
// 2-core machine) and a week of 200 services in fleet mode (target under 60 s). Prints a Markdown
// table with wall-clock and CPU seconds (CPU time is what a busy machine does not inflate).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { ExampleServiceStack } from '../../examples/example-stack';
import { readAssembly } from '../../src/rehearsal/assembly';
import { prepareApp, rehearse } from '../../src/rehearsal/rehearse.pure';
import { stockScenario } from '../../src/rehearsal/stock-scenarios.pure';
import { addServices } from '../scale/app';

const SERVICES = Number(process.argv[2] ?? 200);

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

/** Services in fleet mode, as bench/scale/fleet-cost.ts builds them. */
function fleet(services: number): string {
  const dir = outdir();
  const app = new App({ outdir: dir });
  addServices(app, 'cdk-watchkeeper, fleet alarms', services, { maxCapacity: 2 });
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
