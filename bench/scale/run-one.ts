// Builds one app of N services with one monitoring variant, synthesizes it, and prints one
// JSON line: wall and CPU time of construction + synthesis, peak memory, resources and template bytes.
// Run by bench.ts in a fresh process per measurement so memory numbers do not leak across.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from './app';
import { VARIANTS } from './variants';

const [variant, nArg, perStackArg] = process.argv.slice(2);
const n = Number(nArg);
const perStack = Number(perStackArg ?? 25);
if (!VARIANTS[variant] || !Number.isInteger(n) || n < 1) {
  console.error(`usage: run-one <${Object.keys(VARIANTS).join('|')}> <services> [servicesPerStack]`);
  process.exit(2);
}

// Warm-up: load the modules and JIT-compile the code paths once, outside the measurement.
const warm = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-warm-'));
buildApp(variant, warm, 2, perStack);
fs.rmSync(warm, { recursive: true, force: true });

// BENCH_OUTDIR keeps the cloud assembly at a known place (for auditing the templates).
const outdir = process.env.BENCH_OUTDIR
  ? path.resolve(process.env.BENCH_OUTDIR)
  : fs.mkdtempSync(path.join(os.tmpdir(), `bench-${variant}-${n}-`));
let peakHeap = 0;
const sampler = setInterval(() => { peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed); }, 20);
const cpuStart = process.cpuUsage();
const started = process.hrtime.bigint();
const assembly = buildApp(variant, outdir, n, perStack);
const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
const cpu = process.cpuUsage(cpuStart);
clearInterval(sampler);
peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);

let resources = 0;
let bytes = 0;
let maxStackResources = 0;
let maxStackBytes = 0;
for (const st of assembly.stacks) {
  const text = fs.readFileSync(path.join(outdir, st.templateFile), 'utf8');
  const count = Object.keys(JSON.parse(text).Resources ?? {}).length;
  resources += count;
  bytes += Buffer.byteLength(text);
  maxStackResources = Math.max(maxStackResources, count);
  maxStackBytes = Math.max(maxStackBytes, Buffer.byteLength(text));
}
if (process.env.BENCH_KEEP || process.env.BENCH_OUTDIR) console.error(`kept ${outdir}`); else fs.rmSync(outdir, { recursive: true, force: true });
const overLimit = maxStackResources > 500 || maxStackBytes > 1_000_000;
if (overLimit) process.exitCode = 1;
console.log(JSON.stringify({
  variant, services: n, stacks: assembly.stacks.length, elapsedMs: Math.round(elapsedMs), cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  peakHeapMb: Math.round(peakHeap / 1048576), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  resources, bytes, maxStackResources, maxStackBytes,
}));
