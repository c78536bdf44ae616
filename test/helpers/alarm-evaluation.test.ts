import { evaluateAlarm, evaluateExpression } from './alarm-evaluation';

const FILLED = { fillOfEmptySeries: 'filled' as const };

describe('Alarm evaluation helper', () => {
  // "Missing values in a time series are treated as 0. If the value of a data point causes a
  // function to attempt to divide by zero, the data point is dropped." (using-metric-math)
  test('treats a value missing from one of two series as 0, and drops divisions by zero', () => {
    const data: Record<string, Array<number | undefined>> = { m1: [30, 20, 0, undefined], m2: [20, undefined, 20, undefined] };
    expect(evaluateExpression('m1 - m2', id => data[id], FILLED)).toEqual([10, 20, -20, undefined]);
    expect(evaluateExpression('m2 / m1', id => data[id], FILLED)).toEqual([20 / 30, 0, undefined, undefined]);
    expect(evaluateExpression('m2 * 2', id => data[id], FILLED)).toEqual([40, undefined, 40, undefined]);
    expect(evaluateExpression('FILL(m2, 7)', id => data[id], FILLED)).toEqual([20, 7, 20, 7]);
  });

  test('fails an expression outside the modelled subset rather than guessing', () => {
    expect(() => evaluateExpression('SUM(METRICS())', () => [1], FILLED)).toThrow(/outside the modelled subset/);
  });

  // alarms-and-missing-data: breaching, notBreaching, missing.
  test('counts missing data points as TreatMissingData says', () => {
    const alarm = (treat?: string) => ({ EvaluationPeriods: 3, Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: treat });
    const none = { metric: [undefined, undefined, undefined] };
    expect(evaluateAlarm(alarm('breaching'), none, FILLED)).toBe('ALARM');
    expect(evaluateAlarm(alarm('notBreaching'), none, FILLED)).toBe('OK');
    expect(evaluateAlarm(alarm(), none, FILLED)).toBe('INSUFFICIENT_DATA');
    expect(evaluateAlarm(alarm('breaching'), { metric: [0, undefined, 5] }, FILLED)).toBe('OK');
  });
});
