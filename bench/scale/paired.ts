// npm run bench:paired: the per-service synth time of each variant against
// cdk-monitoring-constructs, measured in one Node.js process that builds the apps in turn.
// On a machine whose speed swings from minute to minute, builds seconds apart see the same
// machine: each round builds the baseline, the peer and every variant (in the reverse order
// every other round), and the ratio of each round is reported (median and range). Module
// caches are shared between builds, so absolute times are lower than bench:scale's fresh
// processes; memory is not measured here.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from './app';
import { fmt, median, ratioRange } from './stats';
import { FLEET_SERVICES_PER_STACK, PEER, measuredVariants } from './variants';

const N = Number(process.env.BENCH_SERVICES ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const variants = ['baseline', PEER, ...measuredVariants().filter(v => v !== PEER)];

function timedBuild(variant: string, services: number): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-paired-'));
  (global as { gc?: () => void }).gc?.();
  const started = process.hrtime.bigint();
  buildApp(variant, outdir, services);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  fs.rmSync(outdir, { recursive: true, force: true });
  return ms;
}

for (const v of variants) timedBuild(v, 4); // load the modules and compile the code paths once
const ms: Record<string, number[]> = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const v of r % 2 === 0 ? variants : [...variants].reverse()) (ms[v] ??= []).push(timedBuild(v, N));
}

console.log(`# cdk-watchkeeper paired synth benchmark — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, node ${process.version}`);
console.log(`${N} services (${FLEET_SERVICES_PER_STACK} per stack), ${ROUNDS} rounds in one process. Monitoring = build minus the same round's baseline, per service.`);
console.log('');
console.log(`| variant | build ms (median) | monitoring ms/service (median) | × ${PEER}, round by round: median | range |`);
console.log('|---|---:|---:|---:|---|');
const monitoring = (v: string) => ms[v].map((x, r) => (x - ms.baseline[r]) / N);
const peer = monitoring(PEER);
for (const v of variants.slice(1)) {
  const ratios = monitoring(v).map((x, r) => x / peer[r]);
  const cells = v === PEER ? ['1.00×', '–'] : [`${fmt(median(ratios), 2)}×`, ratioRange(ratios)];
  console.log(`| ${v} | ${fmt(median(ms[v]))} | ${fmt(median(monitoring(v)), 1)} | ${cells.join(' | ')} |`);
}
console.log(`| baseline (the groups alone) | ${fmt(median(ms.baseline))} | – | – | – |`);
