// Idle shutdown: a thin adapter around the pure decision (idle-decision.pure.ts). It reads
// its settings once, asks EC2 and CloudWatch for facts in as few calls as the APIs allow,
// stops what the decision says, and reports.
import {
  CloudWatchClient, DescribeAlarmsCommand, DisableAlarmActionsCommand, EnableAlarmActionsCommand, GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateTagsCommand, DeleteTagsCommand, DescribeInstancesCommand, EC2Client, Instance, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  AUTO_SCALING_TAG, AlarmStatus, Decision, IdleSettings, InstanceFacts, InstanceSeries, MAX_QUERIES_PER_CALL, MetricPass, QUERIES_PER_PASS,
  SILENCED_TAG, alarmsToRead, chunk, decide, decideOnCpu, ineligibility, metricQueries, metricWindow, report, restorePlan,
  silencePlan, silencedAlarms,
} from './idle-decision.pure';

/** Instance ids per StopInstances call (a refused call is halved and retried). */
const STOP_BATCH = 100;
/**
 * Resource ids per CreateTags and DeleteTags call: "Up to 1000 resource IDs"
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTags.html).
 */
const TAG_BATCH = 1000;
/** GetMetricData calls in flight at once. */
const METRIC_CONCURRENCY = 4;
/**
 * Alarm names per DescribeAlarms, DisableAlarmActions and EnableAlarmActions call: each takes
 * at most 100 (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DisableAlarmActions.html).
 */
const ALARM_BATCH = 100;
/** Time kept in reserve to stop, report and log before Lambda's limit. */
const RESERVE_MS = 20_000;
/**
 * How long an instance must have run again before its liveness alarms can act: the boot,
 * the status-check alarms' evaluation (3 one-minute periods) and the ~2 minutes until a
 * 1-minute datapoint is readable. Before that an alarm may still be OK from before the stop
 * and turn to ALARM for the stopped minutes.
 */
const SETTLE_MS = 15 * 60_000;
/** An instance restarted this long ago whose liveness alarms are still not OK is reported. */
const UNHEALTHY_AFTER_MS = 30 * 60_000;

const retry = { maxAttempts: 5, retryMode: 'standard' as const };
const ec2 = new EC2Client(retry);
const cloudwatch = new CloudWatchClient(retry);
const sns = new SNSClient(retry);

interface Context { getRemainingTimeInMillis(): number }

/** What a run did, returned to the caller and written as the run's last log line. */
export interface RunResult {
  readonly evaluated: number;
  readonly stopped: string[];
  readonly failed: Array<{ instanceId: string; error: string }>;
  readonly unreached: string[];
  readonly dryRun: boolean;
  /** Liveness alarms turned on again (their instance runs again and they are OK). */
  readonly reenabled: number;
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

/** The entry point: the scheduled run. */
export async function handler(_event: unknown, context: Context): Promise<RunResult> {
  settings ??= settingsFromEnv(process.env);
  return run(settings, () => context.getRemainingTimeInMillis(), new Date());
}

/** One scheduled run over every opted-in running instance. */
export async function run(s: IdleSettings, remainingMs: () => number, now: Date): Promise<RunResult> {
  const instances = await optedInInstances(s);
  const facts = new Map(instances.map(i => [i.instanceId, i]));
  // Instances this function stopped that run again: their alarms act again once they are OK,
  // and not before the instance has run long enough for its status checks to be judged.
  const settled = (i: InstanceFacts) => now.getTime() - (i.launchTime ?? 0) >= SETTLE_MS;
  const returning = instances.filter(i => SILENCED_TAG in i.tags && isOptedIn(i, s) && settled(i));
  const restored = s.dryRun ? { enabled: 0, waiting: [] } : await restore(returning);
  const stillSilenced = restored.waiting.filter(w => now.getTime() - (facts.get(w.instanceId)?.launchTime ?? now.getTime()) >= UNHEALTHY_AFTER_MS);

  const eligible: InstanceFacts[] = [];
  const decisions: Decision[] = [];
  const unreached: string[] = [];
  for (const i of instances) {
    const not = ineligibility(i, s);
    if (not) decisions.push({ instanceId: i.instanceId, action: 'keep', reason: not }); else eligible.push(i);
  }

  // Two passes: the peak CPU of every eligible instance (500 a call), then the network of
  // those whose CPU may be idle (250 a call). A busy instance is settled by its CPU alone.
  const read = (batch: InstanceFacts[], pass: MetricPass) => readPass(batch, pass, s, now, remainingMs, unreached);
  const cpu = await read(eligible, 'cpu');
  const candidates: InstanceFacts[] = [];
  for (const [instance, series] of cpu) {
    const byCpu = decideOnCpu(instance, series.cpuPeak, s);
    if (byCpu) decisions.push(byCpu); else candidates.push(instance);
  }
  for (const [instance, series] of await read(candidates, 'network')) {
    decisions.push(decide(instance, { ...series, cpuPeak: cpu.get(instance)!.cpuPeak }, s));
  }

  const toStop = decisions.filter(d => d.action === 'stop').map(d => d.instanceId);
  const toHibernate = decisions.filter(d => d.action === 'hibernate').map(d => d.instanceId);
  const failed: Array<{ instanceId: string; error: string }> = [];
  const stopped: string[] = [];
  if (!s.dryRun) {
    const silenced = await silence([...toStop, ...toHibernate].map(id => facts.get(id)!));
    for (const [ids, hibernate] of [[toStop, false], [toHibernate, true]] as Array<[string[], boolean]>) {
      for (const batch of chunk(ids, STOP_BATCH)) await stopSplitting(batch, hibernate, stopped, failed);
    }
    // An instance that did not stop must page again when it fails: undo what was done to it.
    await unsilence(failed.map(f => f.instanceId), silenced);
  }

  for (const d of decisions) log({ decision: d.action, instanceId: d.instanceId, reason: d.reason, dryRun: s.dryRun });
  const result: RunResult = {
    evaluated: eligible.length - unreached.length, stopped, failed, unreached, dryRun: s.dryRun, reenabled: restored.enabled,
  };
  log(metricsLine(result, decisions));
  const message = report(decisions, failed, unreached, s.dryRun, stillSilenced);
  const topicArn = process.env.TOPIC_ARN;
  if (message && topicArn) await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: message.subject, Message: message.message }));
  return result;
}

function isOptedIn(i: InstanceFacts, s: IdleSettings): boolean {
  return i.tags[s.optInTagKey] === s.optInTagValue && !(AUTO_SCALING_TAG in i.tags);
}

function factsOf(i: Instance): InstanceFacts {
  return {
    instanceId: i.InstanceId!,
    state: i.State?.Name ?? 'unknown',
    tags: Object.fromEntries((i.Tags ?? []).map(t => [t.Key ?? '', t.Value ?? ''])),
    hibernationConfigured: i.HibernationOptions?.Configured === true,
    detailedMonitoring: i.Monitoring?.State === 'enabled',
    launchTime: i.LaunchTime ? new Date(i.LaunchTime).getTime() : undefined,
  };
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
    for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) out.push(factsOf(i));
    token = page.NextToken;
  } while (token);
  return out;
}

/**
 * One pass over instances, in calls of up to 500 queries, four in flight. Basic and detailed
 * monitoring publish with different delays: each gets its own window. Instances it has no
 * time left for are added to `unreached`.
 */
async function readPass(instances: InstanceFacts[], pass: MetricPass, s: IdleSettings, now: Date, remainingMs: () => number,
  unreached: string[]): Promise<Map<InstanceFacts, InstanceSeries>> {
  const perCall = Math.floor(MAX_QUERIES_PER_CALL / QUERIES_PER_PASS[pass]);
  const tasks = [false, true].flatMap(detailed => chunk(instances.filter(i => (i.detailedMonitoring ?? false) === detailed), perCall)
    .map(batch => ({ batch, window: metricWindow(now, s, detailed) })));
  const out = new Map<InstanceFacts, InstanceSeries>();
  for (const group of chunk(tasks, METRIC_CONCURRENCY)) {
    if (remainingMs() < RESERVE_MS) {
      unreached.push(...group.flatMap(t => t.batch.map(i => i.instanceId)));
      continue;
    }
    const results = await Promise.all(group.map(t => seriesFor(t.batch, pass, s, t.window.start, t.window.end)));
    group.forEach((t, b) => t.batch.forEach((instance, i) => out.set(instance, results[b][i])));
  }
  return out;
}

async function seriesFor(batch: InstanceFacts[], pass: MetricPass, s: IdleSettings, start: Date, end: Date): Promise<InstanceSeries[]> {
  const values = new Map<string, number[]>();
  let token: string | undefined;
  do {
    const page = await cloudwatch.send(new GetMetricDataCommand({
      MetricDataQueries: metricQueries(batch.map(i => i.instanceId), s, 0, [pass]),
      StartTime: start,
      EndTime: end,
      NextToken: token,
    }));
    for (const r of page.MetricDataResults ?? []) values.set(r.Id!, [...(values.get(r.Id!) ?? []), ...(r.Values ?? [])]);
    token = page.NextToken;
  } while (token);
  return batch.map((_, i) => ({ cpuPeak: values.get(`c${i}`) ?? [], networkIn: values.get(`i${i}`) ?? [], networkOut: values.get(`o${i}`) ?? [] }));
}

/** The state and actions of alarms, by name (metric and composite alarms alike). */
async function alarmStatuses(names: string[]): Promise<Map<string, AlarmStatus>> {
  const out = new Map<string, AlarmStatus>();
  for (const batch of chunk([...new Set(names)], ALARM_BATCH)) {
    let token: string | undefined;
    do {
      const page = await cloudwatch.send(new DescribeAlarmsCommand({
        AlarmNames: batch, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100, NextToken: token,
      }));
      for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
        out.set(a.AlarmName!, { name: a.AlarmName!, actionsEnabled: a.ActionsEnabled === true, state: a.StateValue ?? 'INSUFFICIENT_DATA' });
      }
      token = page.NextToken;
    } while (token);
  }
  return out;
}

/** Sets one tag on instances, grouped by value so that one call covers many instances. */
async function tagInstances(key: string, values: Map<string, string>): Promise<void> {
  const byValue = new Map<string, string[]>();
  for (const [id, value] of values) {
    const ids = byValue.get(value);
    if (ids) ids.push(id); else byValue.set(value, [id]);
  }
  for (const [value, ids] of byValue) {
    for (const batch of chunk(ids, TAG_BATCH)) await ec2.send(new CreateTagsCommand({ Resources: batch, Tags: [{ Key: key, Value: value }] }));
  }
}

async function untagInstances(key: string, ids: string[]): Promise<void> {
  for (const batch of chunk(ids, TAG_BATCH)) await ec2.send(new DeleteTagsCommand({ Resources: batch, Tags: [{ Key: key }] }));
}

async function switchActions(names: string[], on: boolean): Promise<void> {
  for (const batch of chunk(names, ALARM_BATCH)) {
    await cloudwatch.send(on ? new EnableAlarmActionsCommand({ AlarmNames: batch }) : new DisableAlarmActionsCommand({ AlarmNames: batch }));
  }
}

/**
 * Planned downtime never pages anyone: before instances stop, the actions of the liveness
 * alarms they name in their tags (set at deploy time) are turned off, and the instance is
 * tagged with which ones, so that exactly those are turned on again later. Only alarms
 * the tags do not say are on are read first.
 */
async function silence(instances: InstanceFacts[]): Promise<Map<string, { names: string[]; marker: string; previous?: string }>> {
  const statuses = await alarmStatuses(instances.flatMap(i => alarmsToRead(i.tags)));
  const plans = new Map(instances.map(i => [i.instanceId, { ...silencePlan(i.tags, statuses), previous: i.tags[SILENCED_TAG] }]));
  const marked = new Map([...plans].filter(([, p]) => p.marker !== '' && p.marker !== p.previous).map(([id, p]) => [id, p.marker]));
  await tagInstances(SILENCED_TAG, marked);
  await switchActions([...plans.values()].flatMap(p => p.names), false);
  return plans;
}

/** Undoes `silence` for instances that did not stop after all. */
async function unsilence(ids: string[], plans: Map<string, { names: string[]; marker: string; previous?: string }>): Promise<void> {
  await switchActions(ids.flatMap(id => plans.get(id)?.names ?? []), true);
  const restoredTags = new Map<string, string>();
  const removed: string[] = [];
  for (const id of ids) {
    const p = plans.get(id);
    if (!p || p.marker === '' || p.marker === p.previous) continue;
    if (p.previous) restoredTags.set(id, p.previous); else removed.push(id);
  }
  await tagInstances(SILENCED_TAG, restoredTags);
  await untagInstances(SILENCED_TAG, removed);
}

/**
 * Instances this function stopped run again: turns on the actions of the alarms it turned
 * off, each only once it is OK (an alarm in ALARM would notify OK with its first healthy
 * datapoint); the others wait for the next run.
 */
async function restore(instances: InstanceFacts[]): Promise<{ enabled: number; waiting: Array<{ instanceId: string; alarms: string[] }> }> {
  if (instances.length === 0) return { enabled: 0, waiting: [] };
  const statuses = await alarmStatuses(instances.flatMap(i => silencedAlarms(i.tags)));
  const names: string[] = [];
  const waiting: Array<{ instanceId: string; alarms: string[] }> = [];
  const retagged = new Map<string, string>();
  const done: string[] = [];
  for (const i of instances) {
    const plan = restorePlan(i.tags, statuses);
    names.push(...plan.names);
    if (plan.waiting.length > 0) waiting.push({ instanceId: i.instanceId, alarms: plan.waiting });
    if (plan.remaining === '') done.push(i.instanceId);
    else if (plan.remaining !== i.tags[SILENCED_TAG]) retagged.set(i.instanceId, plan.remaining);
    if (plan.names.length > 0) log({ decision: 'alarms-enabled', instanceId: i.instanceId, alarms: plan.names });
    if (plan.waiting.length > 0) log({ decision: 'alarms-waiting', instanceId: i.instanceId, alarms: plan.waiting, reason: 'not OK yet' });
  }
  await switchActions(names, true);
  await tagInstances(SILENCED_TAG, retagged);
  await untagInstances(SILENCED_TAG, done);
  return { enabled: names.length, waiting };
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

function log(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}
