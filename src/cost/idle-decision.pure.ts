// The idle-shutdown decision: which instances to stop, and why. Pure: no SDK, no CDK, no
// environment; the Lambda handler feeds it facts and carries out what it returns.

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
  /** Network bytes in plus out the whole window must stay below. */
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

/** GetMetricData takes at most 500 queries per call. */
export const MAX_QUERIES_PER_CALL = 500;
/** Queries per instance: peak CPU, network in, network out. */
export const QUERIES_PER_INSTANCE = 3;
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

/** The number of datapoints a complete window has. */
export function expectedDatapoints(settings: IdleSettings): number {
  return Math.floor(settings.lookbackMinutes / settings.periodMinutes);
}

/** The metric queries for instances, ids derived from their position (`c0`, `i0`, `o0`...). */
export function metricQueries(instanceIds: readonly string[], settings: IdleSettings, offset = 0): MetricQuery[] {
  const period = settings.periodMinutes * 60;
  const query = (id: string, metricName: string, stat: string, instanceId: string): MetricQuery => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: 'AWS/EC2', MetricName: metricName, Dimensions: [{ Name: 'InstanceId', Value: instanceId }] },
      Period: period,
      Stat: stat,
    },
    ReturnData: true,
  });
  return instanceIds.flatMap((instanceId, i) => [
    query(`c${offset + i}`, 'CPUUtilization', 'Maximum', instanceId),
    query(`i${offset + i}`, 'NetworkIn', 'Sum', instanceId),
    query(`o${offset + i}`, 'NetworkOut', 'Sum', instanceId),
  ]);
}

/**
 * The decision for one eligible instance: stop (or hibernate) only when every period of the
 * window has all three datapoints, the peak CPU of each stayed below the threshold, and the
 * network traffic of the whole window stayed below its threshold. Missing data is never idle.
 */
export function decide(instance: InstanceFacts, series: InstanceSeries, settings: IdleSettings): Decision {
  const keep = (reason: string): Decision => ({ instanceId: instance.instanceId, action: 'keep', reason });
  const not = ineligibility(instance, settings);
  if (not) return keep(not);
  const expected = expectedDatapoints(settings);
  const complete = (points: ReadonlyArray<number | undefined>) => points.length >= expected
    && points.slice(0, expected).every(p => typeof p === 'number' && Number.isFinite(p));
  if (!complete(series.cpuPeak) || !complete(series.networkIn) || !complete(series.networkOut)) {
    return keep(`metrics are missing in the last ${settings.lookbackMinutes} minutes (missing data is never idle)`);
  }
  const cpu = series.cpuPeak.slice(0, expected) as number[];
  const peak = Math.max(...cpu);
  if (peak >= settings.cpuPeakPercent) return keep(`peak CPU ${round(peak)}% reached the ${settings.cpuPeakPercent}% threshold`);
  const bytes = sum(series.networkIn.slice(0, expected) as number[]) + sum(series.networkOut.slice(0, expected) as number[]);
  if (bytes >= settings.networkBytes) return keep(`network traffic ${bytes} bytes reached the ${settings.networkBytes}-byte threshold`);
  const why = `idle for ${settings.lookbackMinutes} minutes: peak CPU ${round(peak)}% < ${settings.cpuPeakPercent}%, `
    + `network ${bytes} bytes < ${settings.networkBytes}`;
  return { instanceId: instance.instanceId, action: instance.hibernationConfigured ? 'hibernate' : 'stop', reason: why };
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
  unreached: readonly string[], dryRun: boolean): { subject: string; message: string } | undefined {
  const failedIds = new Set(failed.map(f => f.instanceId));
  const acted = decisions.filter(d => d.action !== 'keep' && !failedIds.has(d.instanceId));
  if (acted.length === 0 && failed.length === 0 && unreached.length === 0) return undefined;
  const verb = dryRun ? 'would stop' : 'stopped';
  const lines = [
    `Idle shutdown ${verb} ${acted.length} instance(s)${dryRun ? ' (dry run: nothing was stopped)' : ''}.`,
    ...acted.map(d => `- ${d.instanceId}: ${d.action === 'hibernate' ? 'hibernated' : dryRun ? 'would stop' : 'stopped'}, ${d.reason}`),
  ];
  if (failed.length > 0) lines.push(`Failed to stop ${failed.length}:`, ...failed.map(f => `- ${f.instanceId}: ${f.error}`));
  if (unreached.length > 0) lines.push(`Not evaluated before the time limit (${unreached.length}): ${unreached.join(', ')}`);
  const subject = `Idle shutdown: ${verb} ${acted.length}${failed.length ? `, ${failed.length} failed` : ''}`;
  return { subject: subject.slice(0, 99), message: lines.join('\n') };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
