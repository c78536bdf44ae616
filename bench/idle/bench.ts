// npm run bench:idle: one idle-shutdown run over 10,000 opted-in instances against a
// simulated EC2/CloudWatch/SNS API with a fixed latency per call, next to the naive approach
// (one GetMetricStatistics call per instance and metric) in the same run. Prints numbers.
// BENCH_INSTANCES sets the fleet (10,000), BENCH_LATENCY_MS the latency (25), BENCH_NAIVE=0
// skips the naive approach (30 calls per 10 instances: minutes at 100,000 instances).
import {
  CloudWatchClient, DescribeAlarmsCommand, DisableAlarmActionsCommand, EnableAlarmActionsCommand, GetMetricDataCommand,
  GetMetricStatisticsCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateTagsCommand, DeleteTagsCommand, DescribeInstancesCommand, EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { IdleSettings, LIVENESS_ALARM_TAG, LIVENESS_MANAGED_TAG } from '../../src/cost/idle-decision.pure';
import { run } from '../../src/cost/idle-shutdown.lambda';

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 10_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 25);
const NAIVE = process.env.BENCH_NAIVE !== '0';
const IDLE_SHARE = 0.2;
const SETTINGS: IdleSettings = {
  optInTagKey: 'watchkeeper:idle-shutdown', optInTagValue: 'enabled', protectionTagKey: 'watchkeeper:keep-running',
  cpuPeakPercent: 5, networkBytes: 208_333, lookbackMinutes: 60, periodMinutes: 5, dryRun: false,
};

const calls = new Map<string, number>();
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
function api<T>(name: string, answer: () => T): () => Promise<T> {
  return async () => {
    calls.set(name, (calls.get(name) ?? 0) + 1);
    await sleep(LATENCY_MS);
    return answer();
  };
}

const ids = Array.from({ length: INSTANCES }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`);
const idle = new Set(ids.filter((_, i) => i % Math.round(1 / IDLE_SHARE) === 0));
const ec2 = mockClient(EC2Client);
const cw = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);

ec2.on(DescribeInstancesCommand).callsFake(async (input: any) => {
  const start = input.NextToken ? Number(input.NextToken) : 0;
  const page = ids.slice(start, start + 1000);
  return api('ec2:DescribeInstances', () => ({
    // Each instance names its two status-check alarms (system, instance) in tags, and that the
    // stack deploys both with their actions on, as MonitoredService does.
    Reservations: [{
      Instances: page.map(InstanceId => ({
        InstanceId,
        State: { Name: 'running' },
        LaunchTime: new Date(Date.now() - 86_400_000),
        Tags: [
          { Key: SETTINGS.optInTagKey, Value: 'enabled' },
          { Key: `${LIVENESS_ALARM_TAG}1`, Value: `${InstanceId}-system-check` },
          { Key: `${LIVENESS_ALARM_TAG}2`, Value: `${InstanceId}-instance-check` },
          { Key: LIVENESS_MANAGED_TAG, Value: '1 2' },
        ],
      })),
    }],
    NextToken: start + 1000 < ids.length ? String(start + 1000) : undefined,
  }))();
});
cw.on(GetMetricDataCommand).callsFake(async (input: any) => api('cloudwatch:GetMetricData', () => ({
  MetricDataResults: input.MetricDataQueries.map((q: any) => {
    const busy = !idle.has(q.MetricStat.Metric.Dimensions[0].Value);
    return { Id: q.Id, Values: Array.from({ length: 12 }, () => (q.Id.startsWith('c') ? (busy ? 40 : 1) : 1000)) };
  }),
}))());
cw.on(GetMetricStatisticsCommand).callsFake(async () => api('cloudwatch:GetMetricStatistics', () => ({ Datapoints: [] }))());
cw.on(DescribeAlarmsCommand).callsFake(async (input: any) => api('cloudwatch:DescribeAlarms', () => ({
  MetricAlarms: input.AlarmNames.map((AlarmName: string) => ({ AlarmName, ActionsEnabled: true, StateValue: 'OK' })),
}))());
ec2.on(CreateTagsCommand).callsFake(api('ec2:CreateTags', () => ({})));
ec2.on(DeleteTagsCommand).callsFake(api('ec2:DeleteTags', () => ({})));
cw.on(DisableAlarmActionsCommand).callsFake(api('cloudwatch:DisableAlarmActions', () => ({})));
cw.on(EnableAlarmActionsCommand).callsFake(api('cloudwatch:EnableAlarmActions', () => ({})));
const stopped = new Set<string>();
ec2.on(StopInstancesCommand).callsFake(async (input: any) => api('ec2:StopInstances', () => {
  for (const id of input.InstanceIds) stopped.add(id);
  return {};
})());
sns.on(PublishCommand).callsFake(api('sns:Publish', () => ({})));

async function naive(): Promise<void> {
  // One GetMetricStatistics per instance and metric (CPU, NetworkIn, NetworkOut), four in flight.
  const client = new CloudWatchClient({});
  const work = ids.flatMap(id => ['CPUUtilization', 'NetworkIn', 'NetworkOut'].map(m => ({ id, m })));
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < work.length) {
      const { id, m } = work[next++];
      await client.send(new GetMetricStatisticsCommand({
        Namespace: 'AWS/EC2', MetricName: m, Dimensions: [{ Name: 'InstanceId', Value: id }],
        StartTime: new Date(Date.now() - 3_600_000), EndTime: new Date(), Period: 300, Statistics: ['Maximum'],
      }));
    }
  }));
}

async function measure(name: string, fn: () => Promise<unknown>) {
  calls.clear();
  if (global.gc) global.gc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 10);
  const started = process.hrtime.bigint();
  await fn();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  const total = [...calls.values()].reduce((a, b) => a + b, 0);
  return { name, ms, peakMb: (peak - before) / 1048576, total, byType: new Map(calls) };
}

async function main() {
  const log = console.log;
  console.log = () => undefined; // the handler's JSON lines
  const ours = await measure('cdk-watchkeeper idle shutdown', () => run(SETTINGS, () => 900_000, new Date()));
  const peer = NAIVE ? await measure('naive: GetMetricStatistics per instance and metric', naive) : undefined;
  console.log = log;
  console.log(`# idle shutdown benchmark — ${new Date().toISOString().slice(0, 10)}, ${INSTANCES.toLocaleString('en-US')} opted-in instances `
    + `(${idle.size.toLocaleString('en-US')} idle), ${LATENCY_MS} ms simulated latency per API call, node ${process.version}`);
  console.log('');
  console.log('| approach | API calls | wall time s | heap growth MB | calls by type |');
  console.log('|---|---:|---:|---:|---|');
  for (const r of peer ? [ours, peer] : [ours]) {
    const types = [...r.byType.entries()].map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ');
    console.log(`| ${r.name} | ${r.total.toLocaleString('en-US')} | ${(r.ms / 1000).toFixed(1)} | ${r.peakMb.toFixed(0)} | ${types} |`);
  }
  const metricCalls = ours.byType.get('cloudwatch:GetMetricData') ?? 0;
  console.log('');
  if (peer) console.log(`metric reads: ${metricCalls} GetMetricData calls instead of ${(peer.byType.get('cloudwatch:GetMetricStatistics') ?? 0).toLocaleString('en-US')} `
    + `GetMetricStatistics calls (${Math.round((peer.byType.get('cloudwatch:GetMetricStatistics') ?? 0) / Math.max(1, metricCalls))}x fewer)`);
  console.log(`stopped ${stopped.size.toLocaleString('en-US')} of ${idle.size.toLocaleString('en-US')} idle instances; `
    + `${[...stopped].filter(id => !idle.has(id)).length} busy instances stopped`);
  if (ours.ms > 300_000) process.exitCode = 1; // the function's timeout
}

void main();
