// The alarms of an app, evaluated every minute as CloudWatch does: each metric alarm reads the
// datapoints of its evaluation range from the store, goes to a state, and runs the actions of
// a new state only on a transition, only while its actions are enabled and not muted;
// Metrics Insights alarms with GROUP BY do so per contributor; composites follow their rule
// and their suppressor. Pure: no CDK, no I/O.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Acting_Alarm_Changes.html
import { ActionSpec, AlarmSpec, CompositeAlarmSpec, MetricAlarmSpec, MuteRuleSpec } from './alarm-model.pure';
import { assumed } from './assumptions.pure';
import { Suppression, ruleHolds } from './composite.pure';
import { AlarmState, Datapoint, breaches, evaluateRange, evaluationRange } from './evaluate.pure';
import { InsightsQuery, QueryGroup, QueryMemo, QuerySeries, groupSeries, matchedSeries, runQuery } from './insights.pure';
import { MathValue, TimeSeries, mathValue } from './math.pure';
import { MuteRules } from './mutes.pure';
import { Minute, localTime } from './schedule.pure';
import { MetricStore, Series, emptyStats, needsValues, statValue } from './store.pure';

/** A state change, and what came of it. */
export interface Transition {
  readonly minute: Minute;
  readonly alarm: AlarmSpec;
  readonly from: AlarmState;
  readonly to: AlarmState;
  /** The contributor (`InstanceId=i-...`), for a multi-time-series alarm. */
  readonly contributor?: string;
  /** The actions that ran (empty when none are configured for the state, or they were held back). */
  readonly actions: ActionSpec[];
  /** Why the actions did not run, when they did not. */
  readonly silencedBy?: string;
  /** The actions of a state entered while muted, run when the mute window ended. */
  readonly afterMute?: boolean;
}

interface Runtime {
  state: AlarmState;
  actionsEnabled: boolean;
  /** Until this minute the alarm warms up (INSUFFICIENT_DATA, no actions). */
  warmUntil?: Minute;
  contributors?: Map<string, { state: AlarmState; labels: Record<string, string>; mutedInto?: AlarmState }>;
  /** The state the alarm entered while a mute rule muted its actions. */
  mutedInto?: AlarmState;
  suppression?: Suppression;
  /** SetAlarmState: holds until the next evaluation. */
  forced?: AlarmState;
}

/** Evaluates the alarms of an app. */
export class AlarmEngine {
  public readonly byName = new Map<string, AlarmSpec>();
  private readonly runtime = new Map<string, Runtime>();
  private readonly mutes: MuteRules;
  private readonly metricAlarms: MetricAlarmSpec[];
  /** Datapoints of complete periods, by alarm, query and period end: each is computed once. */
  private readonly memo = new Map<string, Map<Minute, Datapoint>>();
  private readonly matched = new Map<InsightsQuery, { version: number; series: QueryGroup[] }>();
  private readonly found = new Map<string, Series>();
  private readonly queryMemos = new Map<string, QueryMemo>();
  /** Alarms that entered a state while muted (theirs or a contributor's `mutedInto`): the only ones a mute's end can act on. */
  private readonly mutedIntoState = new Set<string>();
  private readonly composites: CompositeAlarmSpec[];

  public constructor(alarms: readonly AlarmSpec[], muteRules: readonly MuteRuleSpec[], private readonly store: MetricStore, firstMinute: Minute) {
    for (const a of alarms) {
      this.byName.set(a.name, a);
      this.runtime.set(a.name, { state: 'INSUFFICIENT_DATA', actionsEnabled: a.actionsEnabled });
    }
    this.metricAlarms = alarms.filter((a): a is MetricAlarmSpec => a.kind === 'metric');
    // Composites that follow composites are evaluated after them.
    this.composites = orderComposites(alarms.filter((a): a is CompositeAlarmSpec => a.kind === 'composite'));
    for (const c of this.composites) {
      if (c.suppressor) this.runtime.get(c.name)!.suppression = new Suppression(c.waitMinutes, c.extensionMinutes, 'INSUFFICIENT_DATA');
    }
    this.mutes = new MuteRules(muteRules, firstMinute);
    for (const a of this.metricAlarms) {
      for (const q of a.queries) {
        if (q.metric) store.want(q.metric.namespace, q.metric.metricName, q.metric.stat);
        if (q.insights) store.want(q.insights.namespace, q.insights.metricName);
      }
    }
  }

  /** The state of an alarm by name. */
  public stateOf(name: string): AlarmState | undefined {
    return this.runtime.get(name)?.state;
  }

  /** Whether an alarm's actions are enabled. */
  public actionsEnabled(name: string): boolean | undefined {
    return this.runtime.get(name)?.actionsEnabled;
  }

  /** EnableAlarmActions / DisableAlarmActions. */
  public setActionsEnabled(names: readonly string[], enabled: boolean): void {
    for (const n of names) {
      const rt = this.runtime.get(n);
      if (rt) rt.actionsEnabled = enabled;
    }
  }

  /** SetAlarmState: the state holds until the next evaluation, which acts on what it finds. */
  public setState(name: string, state: AlarmState): void {
    const rt = this.runtime.get(name);
    if (rt) rt.forced = state;
  }

  /** A deploy created or updated these alarms: warm-up starts where the alarm has one. */
  public deployed(names: readonly string[], minute: Minute, created: boolean): void {
    for (const n of names) {
      const a = this.byName.get(n);
      const rt = this.runtime.get(n);
      if (!a || !rt) continue;
      if (created) rt.state = 'INSUFFICIENT_DATA';
      if (a.kind === 'metric' && a.warmUpMinutes !== undefined && (created || rt.warmUntil === undefined)) {
        rt.warmUntil = minute + a.warmUpMinutes;
        rt.state = 'INSUFFICIENT_DATA';
      }
    }
  }

  /** True when a mute rule mutes the alarm at this minute. */
  public muted(name: string, minute: Minute): boolean {
    return this.mutes.muted(name, minute);
  }

  /** Evaluates every alarm at a minute; returns the transitions. */
  public step(minute: Minute): Transition[] {
    const out: Transition[] = [];
    if (minute % 60 === 0) {
      for (const m of this.memo.values()) for (const end of m.keys()) if (end < minute - 1500) m.delete(end);
      for (const q of this.queryMemos.values()) {
        for (const [key, m] of q) {
          for (const end of m.keys()) if (end < minute - 1500) m.delete(end);
          if (m.size === 0) q.delete(key);
        }
      }
    }
    for (const a of this.metricAlarms) this.stepMetric(a, minute, out);
    for (const c of this.composites) this.stepComposite(c, minute, out);
    if (this.mutedIntoState.size > 0) {
      for (const a of this.byName.values()) if (this.mutedIntoState.has(a.name)) this.muteEnded(a, minute, out);
    }
    return out;
  }

  /**
   * When a mute window ends, an alarm (or contributor) still in the state it was originally
   * muted in runs that state's actions ("the mute window has ended and the alarm remains in
   * the same state in which it was originally muted"); one that moved on runs nothing.
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-mute-rules-behaviour.html
   */
  private muteEnded(a: AlarmSpec, minute: Minute, out: Transition[]): void {
    const rt = this.runtime.get(a.name)!;
    if (this.muted(a.name, minute)) return;
    this.mutedIntoState.delete(a.name);
    const replay = (state: AlarmState, contributor?: string) => {
      out.push({ ...this.acting(a, rt, minute, state, state, contributor), afterMute: true });
    };
    if (rt.mutedInto !== undefined && rt.mutedInto === rt.state) replay(rt.state);
    rt.mutedInto = undefined;
    for (const [key, c] of rt.contributors ?? []) {
      if (c.mutedInto !== undefined && c.mutedInto === c.state) replay(c.state, key);
      c.mutedInto = undefined;
    }
  }

  private stepMetric(a: MetricAlarmSpec, minute: Minute, out: Transition[]): void {
    const rt = this.runtime.get(a.name)!;
    if (rt.forced !== undefined) {
      const forced = rt.forced;
      rt.forced = undefined;
      if (forced !== rt.state) this.transition(a, rt, minute, forced, out);
    }
    if (rt.warmUntil !== undefined && minute < rt.warmUntil) return;
    if (rt.warmUntil !== undefined) { assumed('warm-up-end'); rt.warmUntil = undefined; }
    const ends = this.periodEnds(a, minute);
    const breach = (points: readonly Datapoint[]) => points.map(v => (v === undefined ? undefined : breaches(a.comparison, v, a.threshold)));
    const watched = a.watched.insights;
    if (watched && watched.groupBy.length > 0) {
      const series = runQuery(watched, this.matchedOf(watched), ends, a.period, minute, this.queryMemo(a.name));
      this.stepContributors(a, rt, minute, series, breach, out);
      return;
    }
    const points = this.points(a, ends, minute);
    const next = evaluateRange(breach(points), a, rt.state);
    if (next !== rt.state) this.transition(a, rt, minute, next, out);
  }

  private stepContributors(a: MetricAlarmSpec, rt: Runtime, minute: Minute, series: QuerySeries[],
    breach: (p: readonly Datapoint[]) => Array<boolean | undefined>, out: Transition[]): void {
    rt.contributors ??= new Map();
    const seen = new Set<string>();
    for (const s of series) {
      const key = s.key;
      seen.add(key);
      const before = rt.contributors.get(key);
      // A contributor is only ever ALARM or OK ("a time series only exists when data is present").
      const evaluated = evaluateRange(breach(s.points), a, before?.state ?? 'OK');
      const next: AlarmState = evaluated === 'ALARM' ? 'ALARM' : 'OK';
      rt.contributors.set(key, { state: next, labels: s.labels, mutedInto: before?.mutedInto });
      if ((before?.state ?? 'OK') !== next) this.transition(a, rt, minute, next, out, key, before?.state ?? 'OK');
    }
    // "a series the query no longer returns goes to OK and runs its OK actions"
    for (const [key, c] of rt.contributors) {
      if (seen.has(key)) continue;
      rt.contributors.delete(key);
      if (c.state === 'ALARM') this.transition(a, rt, minute, 'OK', out, key, 'ALARM');
    }
    assumed('contributor-alarm-level');
    let level: AlarmState;
    if ([...rt.contributors.values()].some(c => c.state === 'ALARM')) level = 'ALARM';
    else if (rt.contributors.size > 0) level = 'OK';
    else level = evaluateRange(Array(evaluationRange(a.evaluationPeriods)).fill(undefined), a, rt.state);
    if (level !== rt.state) this.transition(a, rt, minute, level, out);
  }

  private stepComposite(c: CompositeAlarmSpec, minute: Minute, out: Transition[]): void {
    const rt = this.runtime.get(c.name)!;
    const next: AlarmState = ruleHolds(c.rule, n => this.runtime.get(n)?.state ?? 'INSUFFICIENT_DATA') ? 'ALARM' : 'OK';
    const changed = next !== rt.state;
    const from = rt.state;
    rt.state = next;
    if (!rt.suppression) {
      if (changed) out.push(this.acting(c, rt, minute, from, next));
      return;
    }
    const suppressorInAlarm = c.suppressor !== undefined && this.runtime.get(c.suppressor)?.state === 'ALARM';
    const due = rt.suppression.step(minute, next, changed, suppressorInAlarm);
    if (changed) out.push({ minute, alarm: c, from, to: next, actions: [], silencedBy: suppressorInAlarm ? `suppressor ${c.suppressor} in ALARM` : 'actions suppressor wait period' });
    if (due) {
      const t = this.acting(c, rt, minute, from, due);
      out.push({ ...t, from: due === 'ALARM' ? 'OK' : 'ALARM' });
    }
  }

  private transition(a: MetricAlarmSpec, rt: Runtime, minute: Minute, to: AlarmState, out: Transition[],
    contributor?: string, from?: AlarmState): void {
    const before = from ?? rt.state;
    if (contributor === undefined) rt.state = to;
    out.push(this.acting(a, rt, minute, before, to, contributor));
  }

  private acting(a: AlarmSpec, rt: Runtime, minute: Minute, from: AlarmState, to: AlarmState, contributor?: string): Transition {
    const configured = to === 'ALARM' ? a.alarmActions : to === 'OK' ? a.okActions : a.insufficientDataActions;
    let silencedBy: string | undefined;
    if (!rt.actionsEnabled) silencedBy = 'actions disabled';
    else if (this.muted(a.name, minute)) silencedBy = 'muted by a mute rule';
    else if (rt.warmUntil !== undefined) silencedBy = 'warming up';
    if (from !== to && silencedBy === 'muted by a mute rule') {
      // The state it was originally muted in: later muted transitions do not replace it.
      assumed('mute-rule-end');
      const c = contributor === undefined ? undefined : rt.contributors?.get(contributor);
      if (contributor === undefined) rt.mutedInto ??= to;
      else if (c) c.mutedInto ??= to;
      this.mutedIntoState.add(a.name);
    }
    // EC2 actions run only per contributor on a multi-time-series alarm.
    const grouped = a.kind === 'metric' && (a.watched.insights?.groupBy.length ?? 0) > 0;
    const runs = grouped && contributor === undefined ? configured.filter(x => x.kind !== 'ec2') : configured;
    return { minute, alarm: a, from, to, contributor, actions: silencedBy ? [] : runs, silencedBy: configured.length ? silencedBy : undefined };
  }

  /** The ends of the range's periods, oldest first: sliding (ending now) or aligned to the wall clock. */
  private periodEnds(a: MetricAlarmSpec, minute: Minute): Minute[] {
    const range = evaluationRange(a.evaluationPeriods);
    let last = minute;
    if (a.wallClockTimeZone !== undefined) {
      const t = localTime(minute, a.wallClockTimeZone);
      const sinceMidnight = t.hour * 60 + t.minute;
      last = minute - (a.period <= 1440 ? sinceMidnight % a.period : sinceMidnight + ((t.weekday + 6) % 7) * 1440);
    }
    const ends: Minute[] = new Array(range);
    for (let i = 0; i < range; i++) ends[i] = last - (range - 1 - i) * a.period;
    return ends;
  }

  /** The memo of a Metrics Insights query's complete datapoints. */
  private queryMemo(key: string): QueryMemo {
    let m = this.queryMemos.get(key);
    if (!m) this.queryMemos.set(key, m = new Map());
    return m;
  }

  /** The series a query matches, found again only when the store gained series. */
  private matchedOf(q: InsightsQuery): QueryGroup[] {
    const hit = this.matched.get(q);
    if (hit && hit.version === this.store.version) return hit.series;
    const series = groupSeries(q, matchedSeries(q, this.store));
    this.matched.set(q, { version: this.store.version, series });
    return series;
  }

  /** The watched series of a single-series alarm over the range. */
  private points(a: MetricAlarmSpec, ends: readonly Minute[], now: Minute): Datapoint[] {
    if (a.thresholdMetricId !== undefined) {
      // The band of an anomaly-detection alarm is learned by CloudWatch; the rehearsal has none.
      assumed('anomaly-band');
      return ends.map(() => undefined);
    }
    const cache = new Map<string, MathValue>();
    const metricSeries = (id: string): TimeSeries => {
      const q = a.queries.find(x => x.id === id)!;
      const m = q.metric!;
      const key = `${a.name}\u0000${id}`;
      let s = this.found.get(key);
      if (!s) {
        s = this.store.find(m.namespace, m.metricName, m.dimensions);
        if (s) this.found.set(key, s);
      }
      if (!s) return ends.map(() => undefined);
      let memo = this.memo.get(key);
      if (!memo) this.memo.set(key, memo = new Map());
      const series = s;
      return ends.map(end => {
        const hit = memo!.get(end);
        if (hit !== undefined || memo!.has(end)) return hit;
        const stats = emptyStats(needsValues(m.stat));
        series.collect(end - m.period, end, now, stats);
        const v = statValue(m.stat, stats);
        // A period is final once its last minute is readable.
        if (end - 1 + series.span + series.delay <= now) memo!.set(end, v);
        return v;
      });
    };
    const value = (id: string): MathValue => {
      const hit = cache.get(id);
      if (hit !== undefined) return hit;
      const q = a.queries.find(x => x.id === id);
      if (!q) throw new Error(`${a.name}: metric math refers to unknown id ${id}`);
      let v: MathValue;
      if (q.metric) {
        v = metricSeries(id);
      } else if (q.insights) {
        v = runQuery(q.insights, this.matchedOf(q.insights), ends, a.period, now, this.queryMemo(`${a.name}\u0000${id}`))[0]?.points
          ?? ends.map(() => undefined);
      } else {
        v = mathValue(q.expression!, {
          length: ends.length,
          periodSeconds: a.period * 60,
          value,
          metrics: () => a.queries.filter(x => x.metric).map(x => value(x.id) as TimeSeries),
        });
      }
      cache.set(id, v);
      return v;
    };
    const v = value(a.watched.id);
    if (typeof v === 'number') return ends.map(() => v);
    if (typeof v === 'string') throw new Error(`${a.name}: the watched expression is not a time series`);
    return (Array.isArray(v[0]) ? (v as TimeSeries[])[0] : v) as Datapoint[];
  }
}

function orderComposites(composites: CompositeAlarmSpec[]): CompositeAlarmSpec[] {
  const names = new Set(composites.map(c => c.name));
  const done = new Set<string>();
  const out: CompositeAlarmSpec[] = [];
  const visit = (c: CompositeAlarmSpec, depth: number) => {
    if (done.has(c.name) || depth > composites.length) return;
    for (const dep of refs(c.rule)) {
      const d = composites.find(x => x.name === dep);
      if (d && names.has(dep)) visit(d, depth + 1);
    }
    if (!done.has(c.name)) { done.add(c.name); out.push(c); }
  };
  for (const c of composites) visit(c, 0);
  return out;
}

function refs(r: CompositeAlarmSpec['rule']): string[] {
  switch (r.k) {
    case 'const': return [];
    case 'state': return [r.alarm];
    case 'not': return refs(r.r);
    default: return [...refs(r.l), ...refs(r.r)];
  }
}
