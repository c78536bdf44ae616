// Metric math as alarms evaluate it, over the timestamps of an evaluation range: arithmetic,
// comparison and logical operators, FILL, IF, and the functions over arrays of time series
// the library and common alarms use. Pure: no CDK, no I/O.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
import { assumed } from './assumptions.pure';
import { Datapoint } from './evaluate.pure';

/** A time series over the range's timestamps (missing = undefined). */
export type TimeSeries = Datapoint[];
/** What an expression evaluates to. */
export type MathValue = number | TimeSeries | TimeSeries[] | string;

type Node =
  | { k: 'num'; v: number }
  | { k: 'id'; v: string }
  | { k: 'kw'; v: string }
  | { k: 'array'; items: Node[] }
  | { k: 'call'; fn: string; args: Node[] }
  | { k: 'unary'; op: string; arg: Node }
  | { k: 'bin'; op: string; l: Node; r: Node };

const BINARY: Array<[string[], number]> = [
  [['OR', '||'], 1], [['AND', '&&'], 2],
  [['==', '!=', '<', '<=', '>', '>='], 3], [['+', '-'], 4], [['*', '/'], 5], [['^'], 6],
];
const KEYWORDS = new Set(['REPEAT', 'LINEAR', 'ASC', 'DESC', 'SUM', 'AVG', 'MIN', 'MAX']);

function tokenize(src: string): string[] {
  const out: string[] = [];
  const re = /\s*('[^']*'|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+|[A-Za-z_][A-Za-z0-9_]*|<=|>=|==|!=|&&|\|\||[-+*/^(),[\]<>!])/y;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < src.length) {
    re.lastIndex = at;
    m = re.exec(src);
    if (!m) {
      if (/^\s*$/.test(src.slice(at))) break;
      throw new Error(`metric math: unexpected "${src.slice(at, at + 10)}" in ${src}`);
    }
    out.push(m[1]);
    at = re.lastIndex;
  }
  return out;
}

/** Parses a metric math expression. */
export function parseMath(src: string): Node {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (t?: string) => {
    const tok = tokens[pos++];
    if (tok === undefined || (t !== undefined && tok.toUpperCase() !== t)) throw new Error(`metric math: expected ${t ?? 'more'} in ${src}`);
    return tok;
  };
  const level = (tok: string | undefined) => BINARY.find(([ops]) => tok !== undefined && ops.includes(tok.toUpperCase()))?.[1] ?? 0;
  const primary = (): Node => {
    const tok = take();
    if (tok === '(') { const e = expr(0); take(')'); return e; }
    if (tok === '[') {
      const items: Node[] = [];
      if (peek() !== ']') do items.push(expr(0)); while (peek() === ',' && take());
      take(']');
      return { k: 'array', items };
    }
    if (tok === '-' || tok === '!' || tok.toUpperCase() === 'NOT') return { k: 'unary', op: tok === '-' ? '-' : '!', arg: primary() };
    if (/^[\d.]/.test(tok)) return { k: 'num', v: Number(tok) };
    if (tok.startsWith("'")) return { k: 'kw', v: tok.slice(1, -1) };
    if (peek() === '(') {
      take('(');
      const args: Node[] = [];
      if (peek() !== ')') do args.push(expr(0)); while (peek() === ',' && take());
      take(')');
      return { k: 'call', fn: tok.toUpperCase(), args };
    }
    if (KEYWORDS.has(tok.toUpperCase())) return { k: 'kw', v: tok.toUpperCase() };
    return { k: 'id', v: tok };
  };
  const expr = (min: number): Node => {
    let left = primary();
    for (let l = level(peek()); l > min; l = level(peek())) {
      const op = take().toUpperCase();
      left = { k: 'bin', op, l: left, r: expr(l === 6 ? l - 1 : l) };
    }
    return left;
  };
  const root = expr(0);
  if (pos !== tokens.length) throw new Error(`metric math: trailing input in ${src}`);
  return root;
}

/** What an expression can refer to: the other queries of the alarm, by id. */
export interface MathContext {
  /** Length of every series (the range's datapoints). */
  readonly length: number;
  /** Period of the alarm in seconds (for PERIOD()). */
  readonly periodSeconds: number;
  /** The value of another query of the alarm. */
  value(id: string): MathValue;
  /** Every metric (non-expression) query's series, for METRICS(). */
  metrics(filter?: string): TimeSeries[];
}

const isTs = (v: MathValue): v is TimeSeries => Array.isArray(v) && (v.length === 0 || !Array.isArray(v[0]));
const isArr = (v: MathValue): v is TimeSeries[] => Array.isArray(v) && v.length > 0 && Array.isArray(v[0]);

function numeric(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0 ? undefined : a / b; // "If ... divide by zero, the data point is dropped"
    case '^': return a ** b;
    case '==': return a === b ? 1 : 0;
    case '!=': return a !== b ? 1 : 0;
    case '<': return a < b ? 1 : 0;
    case '<=': return a <= b ? 1 : 0;
    case '>': return a > b ? 1 : 0;
    case '>=': return a >= b ? 1 : 0;
    case 'AND': case '&&': return a !== 0 && b !== 0 ? 1 : 0;
    case 'OR': case '||': return a !== 0 || b !== 0 ? 1 : 0;
  }
  throw new Error(`metric math: unknown operator ${op}`);
}

function binary(op: string, l: MathValue, r: MathValue): MathValue {
  if (isArr(l)) return l.map(s => binary(op, s, r) as TimeSeries);
  if (isArr(r)) return r.map(s => binary(op, l, s) as TimeSeries);
  if (typeof l === 'number' && typeof r === 'number') return numeric(op, l, r) ?? NaN;
  if (isTs(l) && typeof r === 'number') return l.map(v => (v === undefined ? undefined : numeric(op, v, r)));
  if (typeof l === 'number' && isTs(r)) return r.map(v => (v === undefined ? undefined : numeric(op, l, v)));
  if (isTs(l) && isTs(r)) {
    // "Missing values in a time series are treated as 0": a timestamp either series has counts.
    assumed('math-missing-union');
    return l.map((a, i) => (a === undefined && r[i] === undefined ? undefined : numeric(op, a ?? 0, r[i] ?? 0)));
  }
  throw new Error(`metric math: cannot apply ${op} to these operands`);
}

function reduceArray(fn: string, series: TimeSeries[], length: number): TimeSeries {
  return Array.from({ length }, (_, i) => {
    const present = series.map(s => s[i]).filter((v): v is number => v !== undefined);
    if (present.length === 0) return undefined;
    switch (fn) {
      case 'SUM': return present.reduce((a, b) => a + b, 0);
      // "The AVG of an array of time series returns a single time series. Missing values are treated as 0."
      case 'AVG': return series.map(s => s[i] ?? 0).reduce((a, b) => a + b, 0) / series.length;
      case 'MIN': return Math.min(...present);
      case 'MAX': return Math.max(...present);
      case 'STDDEV': {
        const mean = present.reduce((a, b) => a + b, 0) / present.length;
        return Math.sqrt(present.reduce((a, b) => a + (b - mean) ** 2, 0) / present.length);
      }
    }
    return undefined;
  });
}

function reduceSeries(fn: string, s: TimeSeries): number {
  const present = s.filter((v): v is number => v !== undefined);
  if (present.length === 0) return NaN;
  switch (fn) {
    case 'SUM': return present.reduce((a, b) => a + b, 0);
    case 'AVG': return present.reduce((a, b) => a + b, 0) / present.length;
    case 'MIN': return Math.min(...present);
    case 'MAX': return Math.max(...present);
    case 'DATAPOINT_COUNT': return present.length;
    case 'STDDEV': {
      const mean = present.reduce((a, b) => a + b, 0) / present.length;
      return Math.sqrt(present.reduce((a, b) => a + (b - mean) ** 2, 0) / present.length);
    }
  }
  return NaN;
}

function fill(s: TimeSeries, withValue: MathValue): TimeSeries {
  if (withValue === 'REPEAT') {
    let last: number | undefined;
    return s.map(v => (v === undefined ? last : (last = v)));
  }
  if (withValue === 'LINEAR') {
    return s.map((v, i) => {
      if (v !== undefined) return v;
      let a = i - 1; while (a >= 0 && s[a] === undefined) a--;
      let b = i + 1; while (b < s.length && s[b] === undefined) b++;
      if (a < 0 || b >= s.length) return undefined;
      return s[a]! + ((s[b]! - s[a]!) * (i - a)) / (b - a);
    });
  }
  return s.map((v, i) => v ?? (typeof withValue === 'number' ? withValue : isTs(withValue) ? withValue[i] : undefined));
}

/** IF(condition, trueValue, falseValue), per the page's "Using IF expressions". */
function ifValue(cond: MathValue, t: MathValue, f: MathValue | undefined, length: number): TimeSeries {
  if (typeof cond === 'number') {
    const pick = cond !== 0 ? t : f;
    if (pick === undefined) return Array(length).fill(undefined);
    return typeof pick === 'number' ? Array(length).fill(pick) : (pick as TimeSeries);
  }
  const c = cond as TimeSeries;
  return c.map((v, i) => {
    if (v === undefined) return undefined; // no condition datapoint: dropped
    if (v !== 0) return typeof t === 'number' ? t : ((t as TimeSeries)[i] ?? 0); // TRUE with no datapoint in metric2: 0
    if (f === undefined) return undefined;
    return typeof f === 'number' ? f : (f as TimeSeries)[i]; // FALSE with no datapoint in metric3: dropped
  });
}

/** Evaluates a parsed expression. */
export function evaluateMath(node: Node, ctx: MathContext): MathValue {
  const ev = (n: Node) => evaluateMath(n, ctx);
  switch (node.k) {
    case 'num': return node.v;
    case 'kw': return node.v;
    case 'id': return ctx.value(node.v);
    case 'array': return node.items.flatMap(i => { const v = ev(i); return isArr(v) ? v : [v as TimeSeries]; });
    case 'unary': {
      const v = ev(node.arg);
      return node.op === '-' ? binary('*', v, -1) : binary('==', v, 0);
    }
    case 'bin': return binary(node.op, ev(node.l), ev(node.r));
    case 'call': {
      const args = node.args.map(ev);
      const [a, b, c] = args;
      switch (node.fn) {
        case 'FILL': return isArr(a) ? a.map(s => fill(s, b)) : fill(a as TimeSeries, b);
        case 'IF': return ifValue(a, b, c, ctx.length);
        case 'ABS': case 'CEIL': case 'FLOOR': {
          const f = node.fn === 'ABS' ? Math.abs : node.fn === 'CEIL' ? Math.ceil : Math.floor;
          const one = (s: MathValue): MathValue => (typeof s === 'number' ? f(s) : (s as TimeSeries).map(v => (v === undefined ? undefined : f(v))));
          return isArr(a) ? a.map(s => one(s) as TimeSeries) : one(a);
        }
        case 'SUM': case 'AVG': case 'MIN': case 'MAX': case 'STDDEV':
          return isArr(a) ? reduceArray(node.fn, a, ctx.length) : reduceSeries(node.fn, a as TimeSeries);
        case 'DATAPOINT_COUNT': return reduceSeries('DATAPOINT_COUNT', a as TimeSeries);
        case 'METRICS': return ctx.metrics(typeof a === 'string' ? a : undefined);
        case 'FIRST': return (a as TimeSeries[])[0] ?? Array(ctx.length).fill(undefined);
        case 'LAST': return (a as TimeSeries[])[(a as TimeSeries[]).length - 1] ?? Array(ctx.length).fill(undefined);
        case 'PERIOD': return ctx.periodSeconds;
        case 'TIME_SERIES': return Array(ctx.length).fill(a as number);
        case 'DIFF': return (a as TimeSeries).map((v, i) => (i === 0 || v === undefined || (a as TimeSeries)[i - 1] === undefined ? undefined : v - (a as TimeSeries)[i - 1]!));
        case 'RATE': return (a as TimeSeries).map((v, i) => (i === 0 || v === undefined || (a as TimeSeries)[i - 1] === undefined ? undefined : (v - (a as TimeSeries)[i - 1]!) / ctx.periodSeconds));
        case 'ANOMALY_DETECTION_BAND':
          assumed('anomaly-band');
          return [Array(ctx.length).fill(undefined), Array(ctx.length).fill(undefined)];
      }
      throw new Error(`metric math function ${node.fn} is not modelled by the rehearsal`);
    }
  }
}

/** Parses and evaluates, caching the parse per expression. */
const parsed = new Map<string, Node>();
export function mathValue(expression: string, ctx: MathContext): MathValue {
  let node = parsed.get(expression);
  if (!node) {
    node = parseMath(expression);
    parsed.set(expression, node);
  }
  return evaluateMath(node, ctx);
}
