import { matchesFilterPattern, metricFilterValue, parseJsonFilterPattern } from './filter-pattern';

const event = JSON.stringify({
  level: 'ERROR',
  status_code: 503,
  duration_ms: 12.5,
  path: '/orders',
  ok: false,
  gone: null,
  userIdentity: { type: 'Root', sessionContext: { mfa: 'Yes' } },
  items: ['a', 'b'],
});

describe('filter-pattern evaluator', () => {
  test.each([
    ['{ $.level = "ERROR" }', true],
    ['{ $.level = "error" }', false],
    ['{ $.level = ERROR }', true],
    ['{ $.level != "ERROR" }', false],
    ['{ $.level = "ERR*" }', true],
    ['{ $.level = "*ROR" }', true],
    ['{ $.level = "*X*" }', false],
    ['{ $.status_code >= 500 && $.status_code <= 599 }', true],
    ['{ ($.status_code >= 400) && ($.status_code <= 499) }', false],
    ['{ $.status_code = 503 }', true],
    ['{ $.status_code != 503 }', false],
    ['{ $.duration_ms > 12 }', true],
    ['{ $.duration_ms < 12 }', false],
    ['{ $.level = "INFO" || $.status_code = 503 }', true],
    ['{ $.level = "INFO" || ($.status_code = 503 && $.path = "/x") }', false],
    ['{ $.userIdentity.type = "Root" }', true],
    ['{ $.userIdentity.sessionContext.mfa = "Yes" }', true],
    ['{ $.items[1] = "b" }', true],
    ['{ $.ok IS FALSE }', true],
    ['{ $.ok IS TRUE }', false],
    ['{ $.gone IS NULL }', true],
    ['{ $.missing NOT EXISTS }', true],
    ['{ $.level NOT EXISTS }', false],
    ['{ $.level EXISTS }', true],
  ])('%s -> %s', (pattern, expected) => {
    expect(matchesFilterPattern(pattern, event)).toBe(expected);
  });

  test('a comparison on a missing field is false, != included', () => {
    expect(matchesFilterPattern('{ $.missing = "x" }', event)).toBe(false);
    expect(matchesFilterPattern('{ $.missing != "x" }', event)).toBe(false);
    expect(matchesFilterPattern('{ $.missing > 1 }', event)).toBe(false);
  });

  test('numeric comparisons hold only for JSON numbers, string comparisons only for strings', () => {
    expect(matchesFilterPattern('{ $.status_code >= 500 }', '{"status_code":"503"}')).toBe(false);
    expect(matchesFilterPattern('{ $.level = "1" }', '{"level":1}')).toBe(false);
  });

  test('non-JSON events match no JSON pattern', () => {
    expect(matchesFilterPattern('{ $.level = "ERROR" }', 'ERROR something broke')).toBe(false);
    expect(matchesFilterPattern('{ $.level = "ERROR" }', '["ERROR"]')).toBe(false);
  });

  test('metric value comes from the field or the literal, default when not matching', () => {
    expect(metricFilterValue('{ $.duration_ms >= 0 }', '$.duration_ms', event)).toBe(12.5);
    expect(metricFilterValue('{ $.level = "ERROR" }', '1', event, 0)).toBe(1);
    expect(metricFilterValue('{ $.level = "INFO" }', '1', event, 0)).toBe(0);
    expect(metricFilterValue('{ $.level = "INFO" }', '1', event)).toBeUndefined();
  });

  test.each([
    ['$.level = "x"'],
    ['{ $.level ~ "x" }'],
    ['{ $.level = "x" } extra'],
    ['{ $.level > "x" }'],
  ])('fails on a pattern outside the subset: %s', (pattern) => {
    expect(() => parseJsonFilterPattern(pattern) && matchesFilterPattern(pattern, event)).toThrow();
  });
});
