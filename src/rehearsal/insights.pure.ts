// Metrics Insights queries as alarms run them: SELECT FUNCTION(metric) FROM namespace |
// SCHEMA(namespace, keys...) [WHERE ...] [GROUP BY ...] [ORDER BY FUNCTION() ASC|DESC] [LIMIT n],
// at most 500 series returned. Pure: no CDK, no I/O.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-limits.html
import { assumed } from './assumptions.pure';
import { Minute } from './schedule.pure';
import { MetricStore, Series, StatSet, emptyStats } from './store.pure';

/** A condition of a WHERE clause. */
export type Condition =
  | { k: 'and' | 'or'; l: Condition; r: Condition }
  | { k: 'not'; c: Condition }
  | { k: 'cmp'; key: string; op: '=' | '!=' | 'LIKE' | 'NOT LIKE'; value: string }
  | { k: 'in'; key: string; values: string[]; negated: boolean };

/** A parsed query. */
export interface InsightsQuery {
  readonly fn: 'AVG' | 'COUNT' | 'MAX' | 'MIN' | 'SUM';
  readonly metricName: string;
  readonly namespace: string;
  /** The exact dimension keys of SCHEMA(...), or undefined for a plain namespace. */
  readonly schema?: string[];
  readonly where?: Condition;
  readonly groupBy: string[];
  readonly orderBy?: { fn: string; desc: boolean };
  readonly limit: number;
}

/** "each query can return no more than 500 time series" */
export const MAX_SERIES = 500;

function tokenize(sql: string): string[] {
  const re = /\s*("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|!=|[(),=]|[A-Za-z0-9_.:\-/*]+)/y;
  const out: string[] = [];
  let at = 0;
  while (at < sql.length) {
    re.lastIndex = at;
    const m = re.exec(sql);
    if (!m) {
      if (/^\s*$/.test(sql.slice(at))) break;
      throw new Error(`Metrics Insights: unexpected "${sql.slice(at, at + 10)}" in ${sql}`);
    }
    out.push(m[1]);
    at = re.lastIndex;
  }
  return out;
}

const unquote = (t: string) => (/^["']/.test(t) ? t.slice(1, -1).replace(/\\(.)/g, '$1') : t);

/** Parses a query; throws on what the query language does not have. */
export function parseInsightsQuery(sql: string): InsightsQuery {
  const t = tokenize(sql);
  let pos = 0;
  const peek = (o = 0) => t[pos + o]?.toUpperCase();
  const take = (want?: string) => {
    const tok = t[pos++];
    if (tok === undefined || (want !== undefined && tok.toUpperCase() !== want)) throw new Error(`Metrics Insights: expected ${want ?? 'more'} in ${sql}`);
    return tok;
  };
  take('SELECT');
  const fn = take().toUpperCase() as InsightsQuery['fn'];
  if (!['AVG', 'COUNT', 'MAX', 'MIN', 'SUM'].includes(fn)) throw new Error(`Metrics Insights: unknown function ${fn} in ${sql}`);
  take('(');
  const metricName = unquote(take());
  take(')');
  take('FROM');
  let namespace: string;
  let schema: string[] | undefined;
  if (peek() === 'SCHEMA') {
    take(); take('(');
    namespace = unquote(take());
    schema = [];
    while (peek() === ',') { take(); schema.push(unquote(take())); }
    take(')');
  } else {
    namespace = unquote(take());
  }
  const condition = (): Condition => {
    let left = conjunction();
    while (peek() === 'OR') { take(); left = { k: 'or', l: left, r: conjunction() }; }
    return left;
  };
  const conjunction = (): Condition => {
    let left = term();
    while (peek() === 'AND') { take(); left = { k: 'and', l: left, r: term() }; }
    return left;
  };
  const term = (): Condition => {
    if (peek() === 'NOT') { take(); return { k: 'not', c: term() }; }
    if (peek() === '(') { take(); const c = condition(); take(')'); return c; }
    const key = unquote(take());
    const negated = peek() === 'NOT';
    if (negated) take();
    if (peek() === 'IN') {
      take(); take('(');
      const values = [unquote(take())];
      while (peek() === ',') { take(); values.push(unquote(take())); }
      take(')');
      return { k: 'in', key, values, negated };
    }
    const op = take().toUpperCase();
    if (op === 'LIKE') return { k: 'cmp', key, op: negated ? 'NOT LIKE' : 'LIKE', value: unquote(take()) };
    if (op !== '=' && op !== '!=') throw new Error(`Metrics Insights: unknown operator ${op} in ${sql}`);
    return { k: 'cmp', key, op, value: unquote(take()) };
  };
  const where = peek() === 'WHERE' ? (take(), condition()) : undefined;
  const groupBy: string[] = [];
  if (peek() === 'GROUP') {
    take(); take('BY');
    groupBy.push(unquote(take()));
    while (peek() === ',') { take(); groupBy.push(unquote(take())); }
  }
  let orderBy: InsightsQuery['orderBy'];
  if (peek() === 'ORDER') {
    take(); take('BY');
    const ofn = take().toUpperCase();
    take('('); take(')');
    const dir = peek();
    if (dir === 'ASC' || dir === 'DESC') take();
    orderBy = { fn: ofn, desc: dir === 'DESC' };
  }
  let limit = MAX_SERIES;
  if (peek() === 'LIMIT') { take(); limit = Math.min(MAX_SERIES, Number(take())); }
  if (pos !== t.length) throw new Error(`Metrics Insights: trailing input "${t.slice(pos).join(' ')}" in ${sql}`);
  return { fn, metricName, namespace, schema, where, groupBy, orderBy, limit };
}

/** The value of a label of a series: a dimension, or `tag.<key>` from its resource tags. */
function label(s: Series, key: string): string | undefined {
  if (key.startsWith('tag.')) {
    assumed('tag-enrichment');
    return s.tags[key.slice(4)];
  }
  return s.dimensions[key];
}

function like(value: string, pattern: string): boolean {
  return new RegExp(`^${pattern.split('%').map(p => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);
}

function holds(c: Condition, s: Series): boolean {
  switch (c.k) {
    case 'and': return holds(c.l, s) && holds(c.r, s);
    case 'or': return holds(c.l, s) || holds(c.r, s);
    case 'not': return !holds(c.c, s);
    case 'in': return c.values.includes(label(s, c.key) ?? '') !== c.negated;
    case 'cmp': {
      const v = label(s, c.key);
      switch (c.op) {
        case '=': return v === c.value;
        case '!=': return v !== c.value;
        case 'LIKE': return v !== undefined && like(v, c.value);
        case 'NOT LIKE': return v === undefined || !like(v, c.value);
      }
    }
  }
  return false;
}

/** The series a query matches (cached until the store gains a series or tags change). */
export function matchedSeries(q: InsightsQuery, store: MetricStore): Series[] {
  const wanted = q.schema ? [...q.schema].sort().join(',') : undefined;
  return store.named(q.namespace, q.metricName).filter(s =>
    (wanted === undefined || s.dimensionKeys === wanted) && (!q.where || holds(q.where, s)));
}

/** The aggregated value of one period of a set of series, by the query's function. */
function aggregate(fn: InsightsQuery['fn'], s: StatSet): number | undefined {
  if (s.count === 0) return undefined;
  switch (fn) {
    case 'AVG': return s.sum / s.count;
    case 'COUNT': return s.count;
    case 'MAX': return s.max;
    case 'MIN': return s.min;
    case 'SUM': return s.sum;
  }
}

/** One series a query returns: its group's label values (empty without GROUP BY) and datapoints. */
export interface QuerySeries {
  /** The group's identity (its label values). */
  readonly key: string;
  readonly labels: Record<string, string>;
  readonly points: Array<number | undefined>;
}

/** Datapoints of complete periods, by group and period end, so each is aggregated once. */
export type QueryMemo = Map<string, Map<Minute, number | undefined>>;

/** The matched series of a query, grouped by its GROUP BY labels. */
export interface QueryGroup {
  readonly key: string;
  readonly labels: Record<string, string>;
  readonly members: Series[];
  /** Minutes after a minute ends until every member's observation of it is readable. */
  readonly ready: number;
}

/** Groups matched series by the query's GROUP BY (a missing label is `Other`). */
export function groupSeries(q: InsightsQuery, series: readonly Series[]): QueryGroup[] {
  const groups = new Map<string, { key: string; labels: Record<string, string>; members: Series[]; ready: number }>();
  for (const s of series) {
    const labels = Object.fromEntries(q.groupBy.map(k => [k, label(s, k) ?? 'Other']));
    const key = q.groupBy.map(k => `${k}=${labels[k]}`).join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, g = { key, labels, members: [], ready: 0 });
    g.members.push(s);
    g.ready = Math.max(g.ready, s.span + s.delay);
  }
  if (q.groupBy.length === 0 && groups.size === 0) groups.set('', { key: '', labels: {}, members: [], ready: 0 });
  return [...groups.values()];
}

/**
 * Runs a query over period windows that end at `ends` (each `period` minutes long), as
 * readable at `now`, on its matched series grouped by `groupSeries`. Without GROUP BY it returns one series (datapoints missing where nothing
 * matched); with GROUP BY one series per group, a missing label grouped as `Other`, ordered
 * and limited to at most 500 (the order is computed only when the limit cuts).
 */
export function runQuery(q: InsightsQuery, groups: readonly QueryGroup[], ends: readonly Minute[], period: number, now: Minute,
  memo?: QueryMemo): QuerySeries[] {
  const out: QuerySeries[] = [];
  const stats = emptyStats();
  for (const g of groups) {
    let done = memo?.get(g.key);
    if (memo && !done) memo.set(g.key, done = new Map());
    const points: Array<number | undefined> = new Array(ends.length);
    let any = false;
    for (let k = 0; k < ends.length; k++) {
      const end = ends[k];
      let v: number | undefined;
      if (done !== undefined && done.has(end)) {
        v = done.get(end);
      } else {
        stats.count = 0; stats.sum = 0; stats.min = Infinity; stats.max = -Infinity;
        for (const s of g.members) s.collect(end - period, end, now, stats);
        v = aggregate(q.fn, stats);
        if (done !== undefined && end - 1 + g.ready <= now) done.set(end, v);
      }
      points[k] = v;
      if (v !== undefined) any = true;
    }
    if (q.groupBy.length > 0 && !any) continue; // "a time series only exists when data is present"
    out.push({ key: g.key, labels: g.labels, points });
  }
  if (q.groupBy.length === 0 || out.length <= q.limit) return out;
  const order = q.orderBy;
  const scalar = (s: QuerySeries) => {
    const present = s.points.filter((p): p is number => p !== undefined);
    switch (order?.fn) {
      case 'MAX': return Math.max(...present);
      case 'MIN': return Math.min(...present);
      case 'SUM': return present.reduce((a, b) => a + b, 0);
      case 'COUNT': return present.length;
      default: return present.reduce((a, b) => a + b, 0) / present.length;
    }
  };
  const byLabels = (a: QuerySeries, b: QuerySeries) => a.key.localeCompare(b.key);
  out.sort(order ? (a, b) => (order.desc ? scalar(b) - scalar(a) : scalar(a) - scalar(b)) || byLabels(a, b) : byLabels);
  return out.slice(0, q.limit);
}
