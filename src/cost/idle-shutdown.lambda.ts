// Idle shutdown: a thin adapter around the pure decision (idle-decision.pure.ts). It reads
// its settings once, asks EC2 and CloudWatch for facts in as few calls as the APIs allow,
// stops what the decision says, and reports.
import {
  CloudWatchClient, DescribeAlarmsForMetricCommand, DisableAlarmActionsCommand, EnableAlarmActionsCommand, GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand, EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  AUTO_SCALING_TAG, Decision, IdleSettings, InstanceFacts, InstanceSeries, MAX_QUERIES_PER_CALL, QUERIES_PER_INSTANCE,
  chunk, decide, expectedDatapoints, ineligibility, metricQueries, report,
} from './idle-decision.pure';

/** Instance ids per StopInstances call. */
const STOP_BATCH = 100;
/** GetMetricData calls in flight at once. */
const METRIC_CONCURRENCY = 4;
/** DescribeAlarmsForMetric calls in flight at once (CloudWatch's API rate is per account). */
const ALARM_CONCURRENCY = 8;
/** Time kept in reserve to stop, report and log before Lambda's limit. */
const RESERVE_MS = 20_000;
/** The liveness metrics whose alarms are silenced while an instance is stopped on purpose. */
const LIVENESS_METRICS = ['StatusCheckFailed', 'StatusCheckFailed_System', 'StatusCheckFailed_Instance'];

const retry = { maxAttempts: 5, retryMode: 'standard' as const };
const ec2 = new EC2Client(retry);
const cloudwatch = new CloudWatchClient(retry);
const sns = new SNSClient(retry);

interface Context { getRemainingTimeInMillis(): number }
interface StateChangeEvent { 'detail-type'?: string; 'detail'?: { 'instance-id'?: string; 'state'?: string } }

/** What a run did, returned to the caller and written as the run's last log line. */
export interface RunResult {
  readonly evaluated: number;
  readonly stopped: string[];
  readonly failed: Array<{ instanceId: string; error: string }>;
  readonly unreached: string[];
  readonly dryRun: boolean;
}

/** Reads the settings from the function's environment. */
export function settingsFromEnv(env: Record<string, string | undefined>): IdleSettings {
  const num = (name: string) => {
    const v = Number(env[name]);
    if (!Number.isFinite(v)) throw new Error(`environment variable ${name} must be a number, got ${env[name]}`);
    return v;
  };
  const str = (name: string) => {
    const v = env[name];
    if (!v) throw new Error(`environment variable ${name} must be set`);
    return v;
  };
  return {
    optInTagKey: str('OPT_IN_TAG_KEY'),
    optInTagValue: str('OPT_IN_TAG_VALUE'),
    protectionTagKey: str('PROTECTION_TAG_KEY'),
    cpuPeakPercent: num('CPU_PEAK_PERCENT'),
    networkBytes: num('NETWORK_BYTES'),
    lookbackMinutes: num('LOOKBACK_MINUTES'),
    periodMinutes: num('PERIOD_MINUTES'),
    dryRun: env.DRY_RUN === 'true',
  };
}

let settings: IdleSettings | undefined;

/** The entry point: a scheduled run, or an instance state change to running (alarms back on). */
export async function handler(event: StateChangeEvent, context: Context): Promise<RunResult | { reenabled: number }> {
  settings ??= settingsFromEnv(process.env);
  if (event['detail-type'] === 'EC2 Instance State-change Notification') {
    return { reenabled: await onInstanceRunning(event.detail?.['instance-id'], settings) };
  }
  return run(settings, () => context.getRemainingTimeInMillis(), new Date());
}

/** One scheduled run over every opted-in running instance. */
export async function run(s: IdleSettings, remainingMs: () => number, now: Date): Promise<RunResult> {
  const instances = await optedInInstances(s);
  const eligible = instances.filter(i => ineligibility(i, s) === undefined);
  const decisions: Decision[] = [];
  const unreached: string[] = [];
  for (const i of instances) if (!eligible.includes(i)) decisions.push({ instanceId: i.instanceId, action: 'keep', reason: ineligibility(i, s)! });

  const periodMs = s.periodMinutes * 60_000;
  const end = new Date(Math.floor(now.getTime() / periodMs) * periodMs);
  const start = new Date(end.getTime() - expectedDatapoints(s) * periodMs);
  const perCall = Math.floor(MAX_QUERIES_PER_CALL / QUERIES_PER_INSTANCE);
  const batches = chunk(eligible, perCall);
  for (const group of chunk(batches, METRIC_CONCURRENCY)) {
    if (remainingMs() < RESERVE_MS) {
      unreached.push(...group.flat().map(i => i.instanceId));
      continue;
    }
    const results = await Promise.all(group.map(batch => seriesFor(batch, s, start, end)));
    group.forEach((batch, b) => batch.forEach((instance, i) => decisions.push(decide(instance, results[b][i], s))));
  }

  const toStop = decisions.filter(d => d.action === 'stop').map(d => d.instanceId);
  const toHibernate = decisions.filter(d => d.action === 'hibernate').map(d => d.instanceId);
  const failed: Array<{ instanceId: string; error: string }> = [];
  const stopped: string[] = [];
  if (!s.dryRun) {
    await silenceLiveness([...toStop, ...toHibernate]);
    for (const [ids, hibernate] of [[toStop, false], [toHibernate, true]] as Array<[string[], boolean]>) {
      for (const batch of chunk(ids, STOP_BATCH)) await stopSplitting(batch, hibernate, stopped, failed);
    }
    // An instance that did not stop must page again when it fails.
    const stillRunning = failed.map(f => f.instanceId);
    const names = (await mapLimit(stillRunning, ALARM_CONCURRENCY, livenessAlarms)).flat();
    for (const batch of chunk(names, 100)) await cloudwatch.send(new EnableAlarmActionsCommand({ AlarmNames: batch }));
  }

  for (const d of decisions) log({ decision: d.action, instanceId: d.instanceId, reason: d.reason, dryRun: s.dryRun });
  const result: RunResult = { evaluated: eligible.length - unreached.length, stopped, failed, unreached, dryRun: s.dryRun };
  log(metricsLine(result, decisions));
  const message = report(decisions, failed, unreached, s.dryRun);
  const topicArn = process.env.TOPIC_ARN;
  if (message && topicArn) await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: message.subject, Message: message.message }));
  return result;
}

async function optedInInstances(s: IdleSettings): Promise<InstanceFacts[]> {
  const out: InstanceFacts[] = [];
  let token: string | undefined;
  do {
    const page = await ec2.send(new DescribeInstancesCommand({
      Filters: [{ Name: `tag:${s.optInTagKey}`, Values: [s.optInTagValue] }, { Name: 'instance-state-name', Values: ['running'] }],
      MaxResults: 1000,
      NextToken: token,
    }));
    for (const r of page.Reservations ?? []) {
      for (const i of r.Instances ?? []) {
        out.push({
          instanceId: i.InstanceId!,
          state: i.State?.Name ?? 'unknown',
          tags: Object.fromEntries((i.Tags ?? []).map(t => [t.Key ?? '', t.Value ?? ''])),
          hibernationConfigured: i.HibernationOptions?.Configured === true,
        });
      }
    }
    token = page.NextToken;
  } while (token);
  return out;
}

async function seriesFor(batch: InstanceFacts[], s: IdleSettings, start: Date, end: Date): Promise<InstanceSeries[]> {
  const values = new Map<string, number[]>();
  let token: string | undefined;
  do {
    const page = await cloudwatch.send(new GetMetricDataCommand({
      MetricDataQueries: metricQueries(batch.map(i => i.instanceId), s),
      StartTime: start,
      EndTime: end,
      NextToken: token,
    }));
    for (const r of page.MetricDataResults ?? []) values.set(r.Id!, [...(values.get(r.Id!) ?? []), ...(r.Values ?? [])]);
    token = page.NextToken;
  } while (token);
  return batch.map((_, i) => ({ cpuPeak: values.get(`c${i}`) ?? [], networkIn: values.get(`i${i}`) ?? [], networkOut: values.get(`o${i}`) ?? [] }));
}

/** Stops a batch; when EC2 refuses it (one bad id fails the whole call), halves it and retries. */
type Failure = { instanceId: string; error: string };

async function stopSplitting(ids: string[], hibernate: boolean, stopped: string[], failed: Failure[]): Promise<void> {
  if (ids.length === 0) return;
  try {
    await ec2.send(new StopInstancesCommand({ InstanceIds: ids, Hibernate: hibernate || undefined }));
    stopped.push(...ids);
  } catch (e) {
    if (ids.length === 1) {
      failed.push({ instanceId: ids[0], error: (e as Error).name + ': ' + (e as Error).message });
      return;
    }
    const half = Math.ceil(ids.length / 2);
    await stopSplitting(ids.slice(0, half), hibernate, stopped, failed);
    await stopSplitting(ids.slice(half), hibernate, stopped, failed);
  }
}

async function livenessAlarms(instanceId: string): Promise<string[]> {
  const names: string[] = [];
  for (const metricName of LIVENESS_METRICS) {
    const found = await cloudwatch.send(new DescribeAlarmsForMetricCommand({
      Namespace: 'AWS/EC2', MetricName: metricName, Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
    }));
    names.push(...(found.MetricAlarms ?? []).map(a => a.AlarmName!).filter(Boolean));
  }
  return names;
}

/** Planned downtime never pages anyone: the liveness alarms of instances about to stop stop acting. */
async function silenceLiveness(instanceIds: string[]): Promise<void> {
  const names = (await mapLimit(instanceIds, ALARM_CONCURRENCY, livenessAlarms)).flat();
  for (const batch of chunk(names, 100)) await cloudwatch.send(new DisableAlarmActionsCommand({ AlarmNames: batch }));
}

/** An opted-in instance runs again: its liveness alarms act again. */
async function onInstanceRunning(instanceId: string | undefined, s: IdleSettings): Promise<number> {
  if (!instanceId) return 0;
  const page = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const tags = Object.fromEntries((page.Reservations?.[0]?.Instances?.[0]?.Tags ?? []).map(t => [t.Key ?? '', t.Value ?? '']));
  if (tags[s.optInTagKey] !== s.optInTagValue || AUTO_SCALING_TAG in tags) return 0;
  const names = await livenessAlarms(instanceId);
  for (const batch of chunk(names, 100)) await cloudwatch.send(new EnableAlarmActionsCommand({ AlarmNames: batch }));
  log({ decision: 'alarms-enabled', instanceId, alarms: names });
  return names.length;
}

/** The run's own metrics as an Embedded Metric Format line: no PutMetricData permission needed. */
function metricsLine(result: RunResult, decisions: Decision[]): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{
        Namespace: process.env.METRIC_NAMESPACE ?? 'Watchkeeper/IdleShutdown',
        Dimensions: [[]],
        Metrics: ['InstancesEvaluated', 'InstancesStopped', 'Errors', 'InstancesNotReached'].map(Name => ({ Name, Unit: 'Count' })),
      }],
    },
    InstancesEvaluated: result.evaluated,
    InstancesStopped: result.stopped.length,
    Errors: result.failed.length,
    InstancesNotReached: result.unreached.length,
    wouldStop: result.dryRun ? decisions.filter(d => d.action !== 'keep').map(d => d.instanceId) : undefined,
  };
}

/** Maps with at most `limit` calls in flight, keeping the order of the results. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function log(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}
