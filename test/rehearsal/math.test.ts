// Metric math against the CloudWatch page's examples and the expressions the library writes:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
import { MathContext, TimeSeries, mathValue } from '../../src/rehearsal/math.pure';

const _ = undefined;
function ctx(series: Record<string, TimeSeries>): MathContext {
  const length = Object.values(series)[0]?.length ?? 5;
  return {
    length,
    periodSeconds: 300,
    value: id => { if (!(id in series)) throw new Error(`no ${id}`); return series[id]; },
    metrics: () => Object.values(series),
  };
}

// The page's IF tables: metric1 [1, 1, 0, 0, -], metric2 [30, -, 0, 0, 30], metric3 [0, 0, 20, -, 20].
const PAGE = { metric1: [1, 1, 0, 0, _], metric2: [30, _, 0, 0, 30], metric3: [0, 0, 20, _, 20] };

describe('metric math', () => {
  test.each([
    ['IF(metric1, metric2, metric3)', [30, 0, 20, _, _]],
    ['IF(metric1, 5, metric3)', [5, 5, 20, _, _]],
    ['IF(metric1, metric2, 5)', [30, 0, 5, 5, _]],
  ])('the page\'s IF table: %s is %j', (expression, expected) => {
    expect(mathValue(expression, ctx(PAGE))).toEqual(expected);
  });

  test('IF with a comparison filters datapoints: IF(metric1 < 400, metric1)', () => {
    expect(mathValue('IF(m < 400, m)', ctx({ m: [100, 500, _, 399] }))).toEqual([100, _, _, 399]);
  });

  test('arithmetic treats a missing value as 0 where the other series has one, and drops division by zero', () => {
    expect(mathValue('a - b', ctx({ a: [5, _, 3, _], b: [1, 2, _, _] }))).toEqual([4, -2, 3, _]);
    expect(mathValue('a / b', ctx({ a: [4, 4], b: [2, 0] }))).toEqual([2, _]);
  });

  test('FILL with a value, REPEAT and LINEAR', () => {
    expect(mathValue('FILL(m, 0)', ctx({ m: [_, 1, _, 3] }))).toEqual([0, 1, 0, 3]);
    expect(mathValue('FILL(m, REPEAT)', ctx({ m: [_, 1, _, 3] }))).toEqual([_, 1, 1, 3]);
    expect(mathValue('FILL(m, LINEAR)', ctx({ m: [1, _, _, 4] }))).toEqual([1, 2, 3, 4]);
  });

  test('the library\'s group agent heartbeat: in-service instances minus 5-minute sample counts over 5', () => {
    expect(mathValue('inService - FILL(samples, 0) / 5', ctx({ inService: [2, 2, 2], samples: [10, 5, _] }))).toEqual([0, 1, 2]);
  });

  test('the library\'s group capacity: inService - minSize', () => {
    expect(mathValue('inService - minSize', ctx({ inService: [1, 2], minSize: [2, 2] }))).toEqual([-1, 0]);
  });

  test('functions over arrays of series: AVG([m0, m1]) treats missing as 0, MAX and SUM over METRICS()', () => {
    expect(mathValue('AVG([m0, m1])', ctx({ m0: [2, 4], m1: [4, _] }))).toEqual([3, 2]);
    expect(mathValue('MAX(METRICS())', ctx({ m0: [2, 4], m1: [4, _] }))).toEqual([4, 4]);
    expect(mathValue('SUM(METRICS()) * 2', ctx({ m0: [2, 4], m1: [4, _] }))).toEqual([12, 8]);
  });

  test('fails on a function the rehearsal does not model', () => {
    expect(() => mathValue('SEARCH(\'{AWS/EC2,InstanceId} CPUUtilization\', \'Average\', 300)', ctx({ m: [1] }))).toThrow(/SEARCH is not modelled/);
  });
});
