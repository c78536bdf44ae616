// A metric alarm of a synthesized template evaluated over given data, the way CloudWatch
// documents it, for the metric math our alarms use (+ - * /, parentheses, FILL with a number):
// - "Missing values in a time series are treated as 0" by arithmetic between two series; a
//   division by zero drops the data point; a series and a number give a value only where the
//   series has one.
//   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
// - FILL "fills the missing values of a time series". What it returns for a series without
//   any value in the range is not documented: `fillOfEmptySeries` chooses, so a test can hold
//   under both readings.
// - Each of the last EvaluationPeriods values breaches or not; a missing one counts as
//   TreatMissingData says; DatapointsToAlarm breaching values make ALARM, and all of them
//   missing with `missing` (the default) makes INSUFFICIENT_DATA.
//   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html

type Json = any;

/** One value per period, oldest first; `undefined` is a period without a data point. */
export type Series = Array<number | undefined>;

export type AlarmState = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';

export interface EvaluationOptions {
  /** What FILL(m, n) returns when m has no value at all in the range. */
  readonly fillOfEmptySeries: 'filled' | 'empty';
}

type Value = number | Series;

/**
 * The state an alarm (the Properties of an AWS::CloudWatch::Alarm) reaches over the data,
 * given per metric Id (`Metrics` alarms) or as `metric` (single-metric alarms).
 */
export function evaluateAlarm(alarm: Json, data: Record<string, Series>, options: EvaluationOptions): AlarmState {
  const periods: number = alarm.EvaluationPeriods;
  const toAlarm: number = alarm.DatapointsToAlarm ?? periods;
  for (const [id, series] of Object.entries(data)) {
    if (series.length !== periods) throw new Error(`data of ${id} must have ${periods} periods, has ${series.length}`);
  }
  const values = alarm.Metrics ? resultOf(alarm.Metrics, data, options, periods) : data.metric;
  if (!values) throw new Error('no data for the alarm\'s metric');
  const breaches = (v: number): boolean => {
    switch (alarm.ComparisonOperator) {
      case 'GreaterThanOrEqualToThreshold': return v >= alarm.Threshold;
      case 'GreaterThanThreshold': return v > alarm.Threshold;
      case 'LessThanThreshold': return v < alarm.Threshold;
      case 'LessThanOrEqualToThreshold': return v <= alarm.Threshold;
      default: throw new Error(`comparison ${alarm.ComparisonOperator} is not modelled`);
    }
  };
  const treatment: string = alarm.TreatMissingData ?? 'missing';
  if (values.every(v => v === undefined) && (treatment === 'missing' || treatment === 'ignore')) return 'INSUFFICIENT_DATA';
  const breaching = values.filter(v => (v === undefined ? treatment === 'breaching' : breaches(v))).length;
  return breaching >= toAlarm ? 'ALARM' : 'OK';
}

function resultOf(metrics: Json[], data: Record<string, Series>, options: EvaluationOptions, periods: number): Series {
  const returned = metrics.filter(m => m.ReturnData !== false);
  if (returned.length !== 1 || !returned[0].Expression) throw new Error('the alarm must return exactly one expression');
  const byId = new Map<string, Json>(metrics.map(m => [m.Id, m]));
  const seriesOf = (id: string): Series => {
    const m = byId.get(id);
    if (!m) throw new Error(`the expression names ${id}, which is not among the alarm's metrics`);
    if (m.Expression) return asSeries(evaluateExpression(m.Expression, seriesOf, options), periods);
    const given = data[id];
    if (!given) throw new Error(`no data given for metric ${id}`);
    return given;
  };
  return asSeries(evaluateExpression(returned[0].Expression, seriesOf, options), periods);
}

function asSeries(v: Value, periods: number): Series {
  return typeof v === 'number' ? new Array(periods).fill(v) : v;
}

/** Evaluates one metric math expression of the supported subset. */
export function evaluateExpression(expression: string, seriesOf: (id: string) => Series, options: EvaluationOptions): Value {
  const tokens = expression.match(/\d+(\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/(),]/g) ?? [];
  if (tokens.join('') !== expression.replace(/\s+/g, '')) throw new Error(`expression ${expression} is outside the modelled subset`);
  let at = 0;
  const peek = () => tokens[at];
  const take = (want?: string) => {
    const t = tokens[at++];
    if (want !== undefined && t !== want) throw new Error(`expected ${want} in ${expression}, got ${t}`);
    return t;
  };
  const sum = (): Value => {
    let left = product();
    while (peek() === '+' || peek() === '-') left = combine(left, take(), product());
    return left;
  };
  const product = (): Value => {
    let left = unary();
    while (peek() === '*' || peek() === '/') left = combine(left, take(), unary());
    return left;
  };
  const unary = (): Value => {
    if (peek() === '-') {
      take();
      return combine(0, '-', unary());
    }
    return primary();
  };
  const primary = (): Value => {
    const t = take();
    if (t === '(') {
      const v = sum();
      take(')');
      return v;
    }
    if (/^\d/.test(t)) return Number(t);
    if (t === 'FILL') {
      take('(');
      const series = sum();
      take(',');
      const filler = sum();
      take(')');
      if (typeof series === 'number' || typeof filler !== 'number') throw new Error('FILL(series, number) only');
      if (series.every(v => v === undefined) && options.fillOfEmptySeries === 'empty') return series;
      return series.map(v => v ?? filler);
    }
    if (/^[a-z]/.test(t)) return seriesOf(t);
    throw new Error(`${t} in ${expression} is outside the modelled subset`);
  };
  const v = sum();
  if (at !== tokens.length) throw new Error(`unexpected ${peek()} in ${expression}`);
  return v;
}

function combine(a: Value, op: string, b: Value): Value {
  const apply = (x: number, y: number): number | undefined => {
    switch (op) {
      case '+': return x + y;
      case '-': return x - y;
      case '*': return x * y;
      default: return y === 0 ? undefined : x / y;
    }
  };
  if (typeof a === 'number' && typeof b === 'number') return apply(a, b) ?? NaN;
  if (typeof a === 'number') return (b as Series).map(y => (y === undefined ? undefined : apply(a, y)));
  if (typeof b === 'number') return a.map(x => (x === undefined ? undefined : apply(x, b)));
  return a.map((x, i) => (x === undefined && b[i] === undefined ? undefined : apply(x ?? 0, b[i] ?? 0)));
}
