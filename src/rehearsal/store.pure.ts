// The metric store of a rehearsal: every published observation, readable only once CloudWatch
// would have published it. Each series keeps a ring of recent minutes (as far back as any
// alarm or function of the app looks), so a week costs the same memory as an hour.
// Pure: no CDK, no I/O.
import { Minute } from './schedule.pure';

/** The statistics of a window of observations, as CloudWatch computes them. */
export interface StatSet {
  count: number;
  sum: number;
  min: number;
  max: number;
  values?: number[];
}

/** One metric: namespace, name and exact dimension set (CloudWatch's identity of a metric). */
export class Series {
  public readonly dimensionKeys: string;
  /** Resource tags of what the series describes (for `tag.` filters in Metrics Insights). */
  public tags: Readonly<Record<string, string>> = {};
  private readonly stamp: Float64Array;
  private readonly cnt: Float64Array;
  private readonly sum: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly raw?: Array<number[] | undefined>;

  public constructor(
    public readonly id: string,
    public readonly namespace: string,
    public readonly metricName: string,
    public readonly dimensions: Readonly<Record<string, string>>,
    /** Minutes each observation covers (1, or 5 for EC2 basic monitoring). */
    public readonly span: number,
    /** Minutes after its span ends that an observation becomes readable. */
    public readonly delay: number,
    private readonly ring: number,
    keepValues: boolean,
  ) {
    this.dimensionKeys = Object.keys(dimensions).sort().join(',');
    this.stamp = new Float64Array(ring).fill(-1);
    this.cnt = new Float64Array(ring);
    this.sum = new Float64Array(ring);
    this.min = new Float64Array(ring);
    this.max = new Float64Array(ring);
    if (keepValues) this.raw = new Array(ring);
  }

  /** Records an observation (or, with `count` > 1, that many observations of one value) at a minute. */
  public put(minute: Minute, value: number, count = 1): void {
    const i = minute % this.ring;
    if (this.stamp[i] !== minute) {
      this.stamp[i] = minute;
      this.cnt[i] = count;
      this.sum[i] = value * count;
      this.min[i] = value;
      this.max[i] = value;
      if (this.raw) this.raw[i] = Array(count).fill(value);
      return;
    }
    this.cnt[i] += count;
    this.sum[i] += value * count;
    if (value < this.min[i]) this.min[i] = value;
    if (value > this.max[i]) this.max[i] = value;
    if (this.raw) for (let k = 0; k < count; k++) this.raw[i]!.push(value);
  }

  /** Adds what is readable at `now` of the minutes [from, to) into `into`. */
  public collect(from: Minute, to: Minute, now: Minute, into: StatSet): void {
    const lastReadable = now - this.span - this.delay; // an observation at m is readable from m + span + delay
    const end = Math.min(to, lastReadable + 1);
    for (let m = Math.max(from, now - this.ring + 1); m < end; m++) {
      const i = m % this.ring;
      if (this.stamp[i] !== m) continue;
      into.count += this.cnt[i];
      into.sum += this.sum[i];
      if (this.min[i] < into.min) into.min = this.min[i];
      if (this.max[i] > into.max) into.max = this.max[i];
      if (into.values && this.raw) into.values.push(...this.raw[i]!);
    }
  }
}

/** An empty statistic set (with room for values when a percentile is wanted). */
export function emptyStats(withValues = false): StatSet {
  return { count: 0, sum: 0, min: Infinity, max: -Infinity, values: withValues ? [] : undefined };
}

/**
 * The value of a statistic over a window, undefined when it has no observation.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html
 */
export function statValue(stat: string, s: StatSet): number | undefined {
  if (s.count === 0) return undefined;
  switch (stat) {
    case 'SampleCount': return s.count;
    case 'Sum': return s.sum;
    case 'Average': return s.sum / s.count;
    case 'Minimum': return s.min;
    case 'Maximum': return s.max;
  }
  const p = /^p(\d+(?:\.\d+)?)$/i.exec(stat);
  if (p && s.values) {
    // Nearest rank over the observations of the period.
    const sorted = [...s.values].sort((a, b) => a - b);
    const rank = Math.max(1, Math.ceil((Number(p[1]) / 100) * sorted.length));
    return sorted[rank - 1];
  }
  throw new Error(`statistic ${stat} is not supported by the rehearsal (SampleCount, Sum, Average, Minimum, Maximum, pNN)`);
}

/** True when a statistic needs every observation (percentiles). */
export function needsValues(stat: string): boolean {
  return /^p\d/i.test(stat);
}

/** Options of a new series. */
export interface SeriesOptions {
  readonly span?: number;
  readonly delay?: number;
  readonly tags?: Record<string, string>;
}

/** Every series published during a rehearsal. */
export class MetricStore {
  /** Grows each time a series is added, so queries can cache what they matched. */
  public version = 0;
  private readonly series = new Map<string, Series>();
  private readonly byName = new Map<string, Series[]>();
  private readonly wanted = new Set<string>();
  private readonly percentile = new Set<string>();

  public constructor(private readonly ring: number) {}

  /** Declares that something reads a metric, so publishers produce it (others are skipped). */
  public want(namespace: string, metricName: string, stat?: string): void {
    this.wanted.add(`${namespace}|${metricName}`);
    if (stat && needsValues(stat)) this.percentile.add(`${namespace}|${metricName}`);
  }

  /** True when something reads the metric. */
  public wants(namespace: string, metricName: string): boolean {
    return this.wanted.has(`${namespace}|${metricName}`);
  }

  /** The series of a metric, created on first use; undefined when nothing reads the metric. */
  public open(namespace: string, metricName: string, dimensions: Record<string, string>, options: SeriesOptions = {}): Series | undefined {
    const name = `${namespace}|${metricName}`;
    if (!this.wanted.has(name)) return undefined;
    const id = `${name}|${Object.keys(dimensions).sort().map(k => `${k}=${dimensions[k]}`).join(',')}`;
    let s = this.series.get(id);
    if (!s) {
      s = new Series(id, namespace, metricName, { ...dimensions }, options.span ?? 1, options.delay ?? 1, this.ring, this.percentile.has(name));
      this.series.set(id, s);
      const list = this.byName.get(name) ?? [];
      list.push(s);
      this.byName.set(name, list);
      this.version++;
    }
    if (options.tags) s.tags = options.tags;
    return s;
  }

  /** The series with exactly these dimensions, if it was ever published. */
  public find(namespace: string, metricName: string, dimensions: Record<string, string>): Series | undefined {
    const id = `${namespace}|${metricName}|${Object.keys(dimensions).sort().map(k => `${k}=${dimensions[k]}`).join(',')}`;
    return this.series.get(id);
  }

  /** Every series of a metric name in a namespace. */
  public named(namespace: string, metricName: string): readonly Series[] {
    return this.byName.get(`${namespace}|${metricName}`) ?? [];
  }
}
