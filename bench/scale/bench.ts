// npm run bench: synth time, memory and template footprint per monitored service, for
// cdk-watchkeeper and cdk-monitoring-constructs configured with the same alarms and
// dashboards, in one run on one machine. Prints a table; every number is measured here.
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { FLEET_SERVICES_PER_STACK, FLEET_VARIANT, VARIANTS } from './variants';

interface Row {
  variant: string; services: number; stacks: number; elapsedMs: number; peakHeapMb: number;
  maxRssMb: number; resources: number; bytes: number; maxStackResources: number; maxStackBytes: number;
}

const SIZES = (process.env.BENCH_SIZES ?? '1,10,50,200,1000').split(',').map(Number);
/** A |-separated subset of variants to run (all by default). */
const ONLY = process.env.BENCH_VARIANTS?.split('|');
const FLEET = Number(process.env.BENCH_FLEET ?? 1000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1);

function runOne(variant: string, n: number, perStack?: number): Row {
  const args = [require.resolve('ts-node/dist/bin'), '--transpile-only', '-P', path.join(__dirname, '../../examples/tsconfig.json'),
    path.join(__dirname, 'run-one.ts'), variant, String(n), ...(perStack ? [String(perStack)] : [])];
  let best: Row | undefined;
  for (let r = 0; r < REPEAT; r++) {
    const out = execFileSync(process.execPath, ['--max-old-space-size=8192', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const row = JSON.parse(out.trim().split('\n').pop()!) as Row;
    if (!best || row.elapsedMs < best.elapsedMs) best = row;
  }
  return best!;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const monitored = Object.keys(VARIANTS).filter(v => v !== 'baseline' && (!ONLY || ONLY.includes(v)));

console.log(`# cdk-watchkeeper scale benchmark — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`);
console.log('Monitoring footprint = variant minus the same Auto Scaling groups without monitoring (baseline).');
console.log('');
console.log('| services | variant | synth s | monitoring ms/service | peak heap MB | max RSS MB | resources/service | template KB/service | largest stack (resources, KB) |');
console.log('|---:|---|---:|---:|---:|---:|---:|---:|---|');
const summary: Record<string, { msPerService: number[]; bytesPerService: number[]; resPerService: number[] }> = {};
for (const n of SIZES) {
  const base = runOne('baseline', n);
  for (const v of monitored) {
    const row = runOne(v, n);
    const ms = (row.elapsedMs - base.elapsedMs) / n;
    const res = (row.resources - base.resources) / n;
    const kb = (row.bytes - base.bytes) / n / 1024;
    (summary[v] ??= { msPerService: [], bytesPerService: [], resPerService: [] });
    summary[v].msPerService.push(ms); summary[v].bytesPerService.push(kb); summary[v].resPerService.push(res);
    const limit = row.maxStackResources > 500 || row.maxStackBytes > 1_000_000 ? ' **over a CloudFormation limit**' : '';
    console.log(`| ${n} | ${v} | ${fmt(row.elapsedMs / 1000, 1)} | ${fmt(ms, 1)} | ${row.peakHeapMb} | ${row.maxRssMb} | ${fmt(res, 1)} | ${fmt(kb, 1)} | ${row.maxStackResources}, ${fmt(row.maxStackBytes / 1024)}${limit} |`);
  }
}

console.log('');
for (const v of monitored) {
  const s = summary[v];
  const last = s.msPerService.length - 1;
  console.log(`${v}: at ${SIZES[last]} services ${fmt(s.resPerService[last], 1)} resources and ${fmt(s.bytesPerService[last], 1)} KB of template per service, ${fmt(s.msPerService[last], 1)} ms of synth per service`);
}

if (FLEET > 0) {
  const row = runOne(FLEET_VARIANT, FLEET, FLEET_SERVICES_PER_STACK);
  console.log('');
  console.log(`fleet: ${FLEET} services in ${row.stacks} stacks synthesized in ${fmt(row.elapsedMs / 1000, 1)} s (target < 60 s), peak heap ${row.peakHeapMb} MB, max RSS ${row.maxRssMb} MB; `
    + `largest stack ${row.maxStackResources} resources (limit 500), ${fmt(row.maxStackBytes / 1024)} KB (limit 1,000 KB)`);
  if (row.elapsedMs > 60_000 || row.maxStackResources > 500 || row.maxStackBytes > 1_000_000) process.exitCode = 1;
}
