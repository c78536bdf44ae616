// The idle-shutdown decision: which instances to stop, and why. Pure: no SDK, no CDK, no
// environment; the Lambda handler feeds it facts and carries out what it returns.

import { COMPUTE_DIMENSIONS, EC2_METRICS, EC2_NAMESPACE } from '../private/compute-metric-names';

/** What the function is told at deploy time. */
export interface IdleSettings {
  /** An instance is considered only with this tag key... */
  readonly optInTagKey: string;
  /** ...set to this value. */
  readonly optInTagValue: string;
  /** An instance with this tag key (any value) is never stopped. */
  readonly protectionTagKey: string;
  /** Peak CPU (percent) every period must stay below. */
  readonly cpuPeakPercent: number;
  /**
   * Network bytes in plus out the whole window must stay below: the daily allowance
   * (Compute Optimizer's 5 MB a day by default) scaled to the window.
   */
  readonly networkBytes: number;
  /** The window looked at, in minutes. */
  readonly lookbackMinutes: number;
  /** The period of each datapoint, in minutes. */
  readonly periodMinutes: number;
  /** Decide and report, but stop nothing. */
  readonly dryRun: boolean;
}

/** What EC2 says about an instance. */
export interface InstanceFacts {
  readonly instanceId: string;
  readonly state: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Whether the instance was launched with hibernation enabled. */
  readonly hibernationConfigured: boolean;
  /**
   * Whether EC2 publishes its metrics every minute (detailed monitoring) rather than every
   * five minutes (basic monitoring): it decides how recent the window may be.
   * @default false
   */
  readonly detailedMonitoring?: boolean;
  /** When the instance last started, in milliseconds since the epoch. */
  readonly launchTime?: number;
}

/** The datapoints of one instance in the window, one value per period (undefined = missing). */
export interface InstanceSeries {
  readonly cpuPeak: ReadonlyArray<number | undefined>;
  readonly networkIn: ReadonlyArray<number | undefined>;
  readonly networkOut: ReadonlyArray<number | undefined>;
}

export type IdleAction = 'stop' | 'hibernate' | 'keep';

/** One decision, logged as one JSON line and reported when it stops something. */
export interface Decision {
  readonly instanceId: string;
  readonly action: IdleAction;
  readonly reason: string;
}

/** A GetMetricData query, in the shape the SDK takes. */
export interface MetricQuery {
  readonly Id: string;
  readonly MetricStat: {
    readonly Metric: { readonly Namespace: string; readonly MetricName: string; readonly Dimensions: Array<{ Name: string; Value: string }> };
    readonly Period: number;
    readonly Stat: string;
  };
  readonly ReturnData: boolean;
}

/**
 * GetMetricData takes at most 500 queries per call
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html).
 */
export const MAX_QUERIES_PER_CALL = 500;
/** Queries per instance: peak CPU, network in, network out. */
export const QUERIES_PER_INSTANCE = 3;
/**
 * The metrics of an instance, read in two passes: CPU for every instance, network only for
 * those whose CPU says they may be idle (most instances are busy, and their CPU settles it).
 */
export type MetricPass = 'cpu' | 'network';
/** Queries per instance in each pass. */
export const QUERIES_PER_PASS: Readonly<Record<MetricPass, number>> = { cpu: 1, network: 2 };
/** The Auto Scaling tag EC2 puts on a group's instances. */
export const AUTO_SCALING_TAG = 'aws:autoscaling:groupName';

/** Why an instance is not even looked at, or undefined when it may be. */
export function ineligibility(instance: InstanceFacts, settings: IdleSettings): string | undefined {
  if (instance.state !== 'running') return `it is ${instance.state}, not running`;
  if (instance.tags[settings.optInTagKey] !== settings.optInTagValue) {
    return `it does not carry the opt-in tag ${settings.optInTagKey}=${settings.optInTagValue}`;
  }
  if (settings.protectionTagKey in instance.tags) return `it carries the protection tag ${settings.protectionTagKey}`;
  if (AUTO_SCALING_TAG in instance.tags) {
    return `it belongs to Auto Scaling group ${instance.tags[AUTO_SCALING_TAG]}, which would replace it (scale the group instead)`;
  }
  return undefined;
}

/**
 * How long after a period ends EC2's datapoint for it can be read, in minutes. Basic
 * monitoring publishes a 5-minute datapoint several minutes (typically 5 to 10) after its
 * period ends; detailed monitoring publishes 1-minute datapoints about 2 minutes after.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-detailed-monitoring.html
 */
export function publicationDelayMinutes(detailedMonitoring: boolean): number {
  return detailedMonitoring ? 3 : 10;
}

/**
 * The window a run looks at. It ends at the newest period boundary that is at least the
 * publication delay in the past (10 minutes with basic monitoring, 3 with detailed), so
 * every period in it can be complete when the run reads it; it starts `lookbackMinutes`
 * earlier. A window that ended "now" would never have its newest period, and every idle
 * instance would be kept for missing data.
 */
export function metricWindow(now: Date, settings: IdleSettings, detailedMonitoring: boolean): { start: Date; end: Date } {
  const periodMs = settings.periodMinutes * 60_000;
  const readable = now.getTime() - publicationDelayMinutes(detailedMonitoring) * 60_000;
  const end = Math.floor(readable / periodMs) * periodMs;
  return { start: new Date(end - expectedDatapoints(settings) * periodMs), end: new Date(end) };
}

/**
 * The network threshold for a window: a daily allowance, pro rata. AWS Compute Optimizer
 * calls an instance idle below 5 MB of network I/O a day; over the default hour that is
 * 208,333 bytes.
 */
export function networkBytesForWindow(bytesPerDay: number, lookbackMinutes: number): number {
  return Math.floor(bytesPerDay * lookbackMinutes / 1440);
}

/** The number of datapoints a complete window has. */
export function expectedDatapoints(settings: IdleSettings): number {
  return Math.floor(settings.lookbackMinutes / settings.periodMinutes);
}

/**
 * The metric queries for instances, ids derived from their position (`c0`, `i0`, `o0`...):
 * peak CPU (`c`), network in (`i`) and out (`o`), or only those of the given passes.
 */
export function metricQueries(instanceIds: readonly string[], settings: IdleSettings, offset = 0,
  passes: readonly MetricPass[] = ['cpu', 'network']): MetricQuery[] {
  const period = settings.periodMinutes * 60;
  const query = (id: string, metricName: string, stat: string, instanceId: string): MetricQuery => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: EC2_NAMESPACE, MetricName: metricName, Dimensions: [{ Name: COMPUTE_DIMENSIONS.instanceId, Value: instanceId }] },
      Period: period,
      Stat: stat,
    },
    ReturnData: true,
  });
  return instanceIds.flatMap((instanceId, i) => [
    ...(passes.includes('cpu') ? [query(`c${offset + i}`, EC2_METRICS.cpuUtilization, 'Maximum', instanceId)] : []),
    ...(passes.includes('network') ? [
      query(`i${offset + i}`, EC2_METRICS.networkIn, 'Sum', instanceId),
      query(`o${offset + i}`, EC2_METRICS.networkOut, 'Sum', instanceId),
    ] : []),
  ]);
}

/**
 * What the CPU alone says of an eligible instance: keep it (a period without CPU data, or
 * a peak at the threshold), or undefined when its network decides. Then {@link decide}
 * gives the same decision, for the same reason, as it would with every metric read at once.
 */
export function decideOnCpu(instance: InstanceFacts, cpuPeak: ReadonlyArray<number | undefined>, settings: IdleSettings): Decision | undefined {
  const keep = (reason: string): Decision => ({ instanceId: instance.instanceId, action: 'keep', reason });
  const not = ineligibility(instance, settings);
  if (not) return keep(not);
  if (!complete(cpuPeak, settings)) return keep(missingReason(settings));
  const peak = Math.max(...(cpuPeak.slice(0, expectedDatapoints(settings)) as number[]));
  if (peak >= settings.cpuPeakPercent) return keep(`peak CPU ${round(peak)}% reached the ${settings.cpuPeakPercent}% threshold`);
  return undefined;
}

/** Whether a series has a finite datapoint for every period of the window. */
function complete(points: ReadonlyArray<number | undefined>, settings: IdleSettings): boolean {
  const expected = expectedDatapoints(settings);
  return points.length >= expected && points.slice(0, expected).every(p => typeof p === 'number' && Number.isFinite(p));
}

function missingReason(settings: IdleSettings): string {
  return `metrics are missing in the last ${settings.lookbackMinutes} minutes (missing data is never idle)`;
}

/**
 * The decision for one eligible instance: stop (or hibernate) only when every period of the
 * window has all three datapoints, the peak CPU of each stayed below the threshold, and the
 * network traffic of the whole window stayed below its threshold. Missing data is never idle.
 * CPU is looked at first ({@link decideOnCpu}), so that the network of a busy instance
 * need not be read.
 */
export function decide(instance: InstanceFacts, series: InstanceSeries, settings: IdleSettings): Decision {
  const byCpu = decideOnCpu(instance, series.cpuPeak, settings);
  if (byCpu) return byCpu;
  const keep = (reason: string): Decision => ({ instanceId: instance.instanceId, action: 'keep', reason });
  const expected = expectedDatapoints(settings);
  if (!complete(series.networkIn, settings) || !complete(series.networkOut, settings)) return keep(missingReason(settings));
  const peak = Math.max(...(series.cpuPeak.slice(0, expected) as number[]));
  const bytes = sum(series.networkIn.slice(0, expected) as number[]) + sum(series.networkOut.slice(0, expected) as number[]);
  if (bytes >= settings.networkBytes) return keep(`network traffic ${bytes} bytes reached the ${settings.networkBytes}-byte threshold`);
  const why = `idle for ${settings.lookbackMinutes} minutes: peak CPU ${round(peak)}% < ${settings.cpuPeakPercent}%, `
    + `network ${bytes} bytes < ${settings.networkBytes}`;
  return { instanceId: instance.instanceId, action: instance.hibernationConfigured ? 'hibernate' : 'stop', reason: why };
}

/**
 * Instance tags that name the liveness alarms to silence while the instance is stopped on
 * purpose, one alarm name per tag (`watchkeeper:liveness-alarm-1`, `-2`...): set at deploy
 * time by `IdleShutdown.optIn`, so the function knows the alarms without looking for them.
 */
export const LIVENESS_ALARM_TAG = 'watchkeeper:liveness-alarm-';
/**
 * The tag idle shutdown puts on an instance it stopped: the numbers of the alarm tags whose
 * actions it turned off (space-separated). Only those are turned on again, and only once
 * each is OK; the tag goes when none is left.
 */
export const SILENCED_TAG = 'watchkeeper:liveness-silenced';

/**
 * The tag that says which of those alarms the stack deploys with their actions on (the slot
 * numbers, space-separated), set at deploy time by `IdleShutdown.optIn`. Their actions are
 * turned off before a stop without asking CloudWatch first (one DescribeAlarms call less per
 * 100 alarms), and on again later, as the schedules of `ScheduledStartStop` do; alarms not
 * named here (imported ones, ones deployed with their actions off) are read first, and one
 * whose actions are off is left alone.
 */
export const LIVENESS_MANAGED_TAG = 'watchkeeper:liveness-managed';

/** The slot numbers a space-separated tag value names. */
function slots(value: string | undefined): string[] {
  return (value ?? '').split(' ').filter(Boolean);
}

/** The alarms whose actions must be read before the instance stops: those its tags do not say are on. */
export function alarmsToRead(tags: Readonly<Record<string, string>>): string[] {
  const managed = new Set(slots(tags[LIVENESS_MANAGED_TAG]));
  return [...livenessAlarmsOf(tags)].filter(([slot]) => !managed.has(slot)).map(([, name]) => name);
}

/** The alarms idle shutdown turned off for the instance (named in the silenced tag). */
export function silencedAlarms(tags: Readonly<Record<string, string>>): string[] {
  const alarms = livenessAlarmsOf(tags);
  return slots(tags[SILENCED_TAG]).map(slot => alarms.get(slot)).filter((n): n is string => n !== undefined);
}

/** What CloudWatch says about one alarm. */
export interface AlarmStatus {
  readonly name: string;
  readonly actionsEnabled: boolean;
  /** OK, ALARM or INSUFFICIENT_DATA. */
  readonly state: string;
}

/** The liveness alarms an instance names in its tags, by tag number. */
export function livenessAlarmsOf(tags: Readonly<Record<string, string>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tags)) {
    if (key.startsWith(LIVENESS_ALARM_TAG) && key.length > LIVENESS_ALARM_TAG.length && value) out.set(key.slice(LIVENESS_ALARM_TAG.length), value);
  }
  return out;
}

/**
 * Before a stop: the alarms to turn off (those whose actions are on, as the managed tag says
 * or CloudWatch answered: an alarm someone turned off stays off, and is not turned on later)
 * and the value of the silenced tag that records them.
 */
export function silencePlan(tags: Readonly<Record<string, string>>, statuses: ReadonlyMap<string, AlarmStatus>): { names: string[]; marker: string } {
  const managed = new Set(slots(tags[LIVENESS_MANAGED_TAG]));
  const on = [...livenessAlarmsOf(tags)].filter(([slot, name]) => managed.has(slot) || statuses.get(name)?.actionsEnabled === true);
  // Alarms still waiting from an earlier stop stay recorded.
  const recorded = new Set([...slots(tags[SILENCED_TAG]), ...on.map(([slot]) => slot)]);
  return { names: on.map(([, name]) => name), marker: [...recorded].sort().join(' ') };
}

/**
 * After a restart: the alarms to turn on again, which are the ones idle shutdown turned off
 * and that are OK now. An alarm still in ALARM (a liveness alarm treats the stopped hours as
 * breaching) would send OK to everyone with its first healthy datapoint: it waits for the
 * next run. `remaining` is the new value of the silenced tag ('' when done).
 */
export function restorePlan(tags: Readonly<Record<string, string>>,
  statuses: ReadonlyMap<string, AlarmStatus>): { names: string[]; remaining: string; waiting: string[] } {
  const alarms = livenessAlarmsOf(tags);
  const names: string[] = [];
  const remaining: string[] = [];
  const waiting: string[] = [];
  for (const slot of slots(tags[SILENCED_TAG])) {
    const name = alarms.get(slot);
    const status = name === undefined ? undefined : statuses.get(name);
    if (name === undefined || status === undefined) continue; // the alarm is gone: nothing to turn on
    if (status.state === 'OK') {
      names.push(name);
    } else {
      remaining.push(slot);
      waiting.push(name);
    }
  }
  return { names, remaining: remaining.join(' '), waiting };
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The run's report for the topic: what was stopped and why, what failed, what was not reached. */
export function report(decisions: readonly Decision[], failed: ReadonlyArray<{ instanceId: string; error: string }>,
  unreached: readonly string[], dryRun: boolean,
  stillSilenced: ReadonlyArray<{ instanceId: string; alarms: string[] }> = []): { subject: string; message: string } | undefined {
  const failedIds = new Set(failed.map(f => f.instanceId));
  const acted = decisions.filter(d => d.action !== 'keep' && !failedIds.has(d.instanceId));
  if (acted.length === 0 && failed.length === 0 && unreached.length === 0 && stillSilenced.length === 0) return undefined;
  const verb = dryRun ? 'would stop' : 'stopped';
  const lines = [
    `Idle shutdown ${verb} ${acted.length} instance(s)${dryRun ? ' (dry run: nothing was stopped)' : ''}.`,
    ...acted.map(d => `- ${d.instanceId}: ${d.action === 'hibernate' ? 'hibernated' : dryRun ? 'would stop' : 'stopped'}, ${d.reason}`),
  ];
  if (failed.length > 0) lines.push(`Failed to stop ${failed.length}:`, ...failed.map(f => `- ${f.instanceId}: ${f.error}`));
  if (unreached.length > 0) lines.push(`Not evaluated before the time limit (${unreached.length}): ${unreached.join(', ')}`);
  if (stillSilenced.length > 0) {
    lines.push(`Running again but not healthy: these liveness alarms are not OK yet, so their actions stay off until they are (${stillSilenced.length}):`,
      ...stillSilenced.map(w => `- ${w.instanceId}: ${w.alarms.join(', ')}`));
  }
  const subject = `Idle shutdown: ${verb} ${acted.length}${failed.length ? `, ${failed.length} failed` : ''}`;
  return { subject: subject.slice(0, 99), message: lines.join('\n') };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
