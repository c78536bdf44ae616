// npm run bench:scale: synth time, memory and template footprint per monitored service, for
// every variant (cdk-monitoring-constructs included) in one run on one machine. Each point is
// measured BENCH_REPEAT times in fresh processes, the variants interleaved round by round (so
// a change in the machine's load hits all of them alike), and the fastest run is kept.
// Prints the table and the ratios against cdk-monitoring-constructs; every number is measured here.
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { fmt, median, ratioSpread } from './stats';
import { FLEET_SERVICES_PER_STACK, FLEET_VARIANT, PEER, measuredVariants } from './variants';

interface Row {
  variant: string; services: number; stacks: number; elapsedMs: number; cpuMs: number; peakHeapMb: number;
  maxRssMb: number; resources: number; bytes: number; maxStackResources: number; maxStackBytes: number;
}

const SIZES = (process.env.BENCH_SIZES ?? '1,10,50,200,1000').split(',').map(Number);
/** The size whose fleet-dashboard row is the "1,000 services in one app" check (0: none). */
const FLEET = Number(process.env.BENCH_FLEET ?? 1000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

function runOnce(variant: string, n: number, perStack: number): Row {
  const args = [require.resolve('ts-node/dist/bin'), '--transpile-only', '-P', path.join(__dirname, '../../examples/tsconfig.json'),
    path.join(__dirname, 'run-one.ts'), variant, String(n), String(perStack)];
  const out = execFileSync(process.execPath, ['--max-old-space-size=8192', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!) as Row;
}

const load = () => os.loadavg().map(l => l.toFixed(1)).join(' ');
const monitored = measuredVariants();
const variants = ['baseline', ...monitored];

console.log(`# cdk-watchkeeper scale benchmark — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, `
  + `${fmt(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, load average at start ${load()}`);
console.log(`Each point: best of ${REPEAT} runs in fresh processes, variants interleaved round by round; ${FLEET_SERVICES_PER_STACK} services per stack.`);
console.log('Monitoring = variant minus the same Auto Scaling groups without monitoring (baseline), per service; '
  + `wall time of the fastest run, CPU time of the least CPU-hungry run; "× peer" = monitoring wall ms/service ÷ ${PEER}'s.`);
console.log('');
console.log('| services | variant | synth s (best) | synth s (median) | monitoring ms/service | × peer | monitoring CPU ms/service | peak heap MB | max RSS MB | resources/service | template KB/service | largest stack (resources, KB) |');
console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
const best: Record<string, Record<number, Row>> = {};
const msPerService: Record<string, Record<number, number>> = {};
/** Per round, the variant's monitoring time over the peer's, both less that round's baseline. */
const roundRatios: Record<string, Record<number, number[]>> = {};
let overLimit = false;
for (const n of SIZES) {
  const runs: Record<string, Row[]> = {};
  for (let r = 0; r < REPEAT; r++) {
    for (const v of variants) (runs[v] ??= []).push(runOnce(v, n, FLEET_SERVICES_PER_STACK));
  }
  const fastest = (v: string) => runs[v].reduce((a, b) => (b.elapsedMs < a.elapsedMs ? b : a));
  const leastCpu = (v: string) => Math.min(...runs[v].map(x => x.cpuMs));
  const base = fastest('baseline');
  const rows = monitored.map(v => ({ v, row: fastest(v), ms: (fastest(v).elapsedMs - base.elapsedMs) / n }));
  const peerMs = rows.find(x => x.v === PEER)?.ms;
  // The ratio round by round: the baseline, the peer and the variant ran back to back, so a
  // slower minute of the machine weighs on all three (the best-of ratio compares runs that
  // may be minutes apart).
  if (runs[PEER]) {
    for (const v of monitored) {
      (roundRatios[v] ??= {})[n] = runs[v].map((x, r) =>
        (x.elapsedMs - runs.baseline[r].elapsedMs) / (runs[PEER][r].elapsedMs - runs.baseline[r].elapsedMs));
    }
  }
  for (const { v, row, ms } of rows) {
    (best[v] ??= {})[n] = row;
    (msPerService[v] ??= {})[n] = ms;
    const cpu = (leastCpu(v) - leastCpu('baseline')) / n;
    const res = (row.resources - base.resources) / n;
    const kb = (row.bytes - base.bytes) / n / 1024;
    const ratio = peerMs !== undefined && peerMs > 0 ? `${fmt(ms / peerMs, 2)}×` : '–';
    const limit = row.maxStackResources > 500 || row.maxStackBytes > 1_000_000 ? ' **over a CloudFormation limit**' : '';
    overLimit ||= limit !== '';
    console.log(`| ${n} | ${v} | ${fmt(row.elapsedMs / 1000, 1)} | ${fmt(median(runs[v].map(x => x.elapsedMs)) / 1000, 1)} | ${fmt(ms, 1)} | ${ratio} | ${fmt(cpu, 1)} `
      + `| ${row.peakHeapMb} | ${row.maxRssMb} | ${fmt(res, 1)} | ${fmt(kb, 1)} | ${row.maxStackResources}, ${fmt(row.maxStackBytes / 1024)}${limit} |`);
  }
}

console.log('');
console.log(`Monitoring synth time per service against ${PEER}, same run: the fastest runs' ratio, and the ratio `
  + 'of each round (baseline, peer and variant back to back): its median and range.');
console.log('');
console.log(`| variant | ${SIZES.map(n => `${fmt(n)} service${n === 1 ? '' : 's'}`).join(' | ')} |`);
console.log(`|---|${SIZES.map(() => '---:').join('|')}|`);
for (const v of monitored) {
  const cells = SIZES.map(n => {
    const ms = msPerService[v][n];
    const peer = msPerService[PEER]?.[n];
    const paired = roundRatios[v]?.[n];
    const spread = paired && v !== PEER
      ? `; round by round ${ratioSpread(paired)}` : '';
    return peer !== undefined && peer > 0 && v !== PEER ? `${fmt(ms, 1)} ms (${fmt(ms / peer, 2)}×${spread})` : `${fmt(ms, 1)} ms`;
  });
  console.log(`| ${v} | ${cells.join(' | ')} |`);
}

const fleet = best[FLEET_VARIANT]?.[FLEET];
if (fleet) {
  console.log('');
  console.log(`fleet: ${FLEET} services in ${fleet.stacks} stacks synthesized in ${fmt(fleet.elapsedMs / 1000, 1)} s (target < 60 s), peak heap ${fleet.peakHeapMb} MB, max RSS ${fleet.maxRssMb} MB; `
    + `largest stack ${fleet.maxStackResources} resources (limit 500), ${fmt(fleet.maxStackBytes / 1024)} KB (limit 1,000 KB)`);
  if (fleet.elapsedMs > 60_000) process.exitCode = 1;
}
console.log('');
console.log(`load average at the end ${load()}`);
if (overLimit) process.exitCode = 1;
