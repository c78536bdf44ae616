import * as fs from 'fs';
import * as path from 'path';
import { FILTER_PATTERN_ASSUMPTIONS, matchesFilterPattern, metricFilterValue, parseJsonFilterPattern } from './filter-pattern';

// Fixtures: the examples of AWS's "Filter pattern syntax" page, section "Using filter
// patterns to match terms in JSON log events", with the result the page gives for each
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html).
// The page's events, on one line as it asks.
const PAGE_EVENT = JSON.stringify({
  'eventType': 'UpdateTrail',
  'sourceIPAddress': '111.111.111.111',
  'arrayKey': ['value', 'another value'],
  'objectList': [{ name: 'a', id: 1 }, { name: 'b', id: 2 }],
  'SomeObject': null,
  'cluster.name': 'c',
});
const PAGE_COMPOUND_EVENT = JSON.stringify({
  user: { id: 1, email: 'John.Stiles@example.com' },
  users: [{ id: 2, email: 'John.Doe@example.com' }, { id: 3, email: 'Jane.Doe@example.com' }],
  actions: ['GET', 'PUT', 'DELETE'],
  coordinates: [[0, 1, 2], [4, 5, 6], [7, 8, 9]],
});

describe('filter-pattern evaluator', () => {
  test.each([
    ['{ $.eventType = "UpdateTrail" }', true],
    ['{ $.sourceIPAddress != 123.123.* }', true],
    ['{ $.arrayKey[0] = "value" }', true],
    ['{ $.eventType = %Trail% }', true],
    ['{ $.arrayKey[*] = %val.{2}% }', true],
    ['{ $.* = %111\\.111\\.111\\.1[0-9]{1,2}% }', true],
    ["{ $.['cluster.name'] = \"c\" }", true],
    ['{ $.SomeObject IS NULL }', true],
    ['{ $.SomeOtherObject NOT EXISTS }', true],
  ])('the page\'s JSON example %s matches its event: %s', (pattern, expected) => {
    expect(matchesFilterPattern(pattern, PAGE_EVENT)).toBe(expected);
  });

  test.each([
    ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', true],
    ['{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }', true],
    ['{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") && $.actions[2] = "nonmatch" }', false],
    ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', false],
  ])('the page\'s compound example %s -> %s', (pattern, expected) => {
    expect(matchesFilterPattern(pattern, PAGE_COMPOUND_EVENT)).toBe(expected);
  });

  test.each([
    ['{ $.bandwidth > 75 }', { bandwidth: 80 }, { bandwidth: 75 }],
    ['{ $.latency < 50 }', { latency: 49.5 }, { latency: 50 }],
    ['{ $.refreshRate >= 60 }', { refreshRate: 60 }, { refreshRate: 59 }],
    ['{ $.responseTime <= 5 }', { responseTime: 5 }, { responseTime: 6 }],
    ['{ $.errorCode = 400}', { errorCode: 400 }, { errorCode: 401 }],
    ['{ $.errorCode != 500 }', { errorCode: 400 }, { errorCode: 500 }],
    ['{ $.number[0] = 1e+3 }', { number: [1000] }, { number: [100] }],
    ['{ $.number[0] != 1e-3 }', { number: [1] }, { number: [0.001] }],
  ])('the page\'s numeric example %s holds for %j and not for %j', (pattern, yes, no) => {
    expect(matchesFilterPattern(pattern, JSON.stringify(yes))).toBe(true);
    expect(matchesFilterPattern(pattern, JSON.stringify(no))).toBe(false);
  });

  test('a number with * is a wildcard: { $.status_code = 5* }', () => {
    expect(matchesFilterPattern('{ $.status_code = 5* }', '{"status_code":503}')).toBe(true);
    expect(matchesFilterPattern('{ $.status_code = 5* }', '{"status_code":500}')).toBe(true);
    expect(matchesFilterPattern('{ $.status_code = 5* }', '{"status_code":403}')).toBe(false);
    expect(matchesFilterPattern('{ $.status_code != 5* }', '{"status_code":403}')).toBe(true);
  });

  test('a key with periods is one property in bracket notation, not a path', () => {
    expect(matchesFilterPattern("{ $.['cluster.name'] = \"c\" }", '{"cluster":{"name":"c"}}')).toBe(false);
    expect(matchesFilterPattern('{ $.cluster.name = "c" }', '{"cluster":{"name":"c"}}')).toBe(true);
    expect(matchesFilterPattern('{ $.cluster.name = "c" }', '{"cluster.name":"c"}')).toBe(false);
  });

  test('IS TRUE and IS FALSE match only those booleans', () => {
    expect(matchesFilterPattern('{ $.ThisFlag IS TRUE }', '{"ThisFlag":true}')).toBe(true);
    expect(matchesFilterPattern('{ $.ThisFlag IS TRUE }', '{"ThisFlag":"true"}')).toBe(false);
    expect(matchesFilterPattern('{ $.ThisFlag IS FALSE }', '{"ThisFlag":false}')).toBe(true);
  });

  test('matching is case-sensitive', () => {
    expect(matchesFilterPattern('{ $.eventType = "updatetrail" }', PAGE_EVENT)).toBe(false);
    expect(matchesFilterPattern('{ $.level = "ERROR" }', '{"level":"error"}')).toBe(false);
  });

  test('a selector pointing to an array or object matches neither = nor !=', () => {
    expect(matchesFilterPattern('{ $.users = 1 }', '{"users":[1,2,3]}')).toBe(false);
    expect(matchesFilterPattern('{ $.users != 1 }', '{"users":[1,2,3]}')).toBe(false);
    expect(matchesFilterPattern('{ $.objectList != "x" }', PAGE_EVENT)).toBe(false);
  });

  test.each([
    ['{ $.eventType EXISTS }', /EXISTS is not supported/],
    ['{ $.SomeObject IS NOT NULL }', /IS NOT is not supported/],
    ['$.level = "x"', /expected \{/],
    ['{ $.level ~ "x" }', /unsupported operator/],
    ['{ $.level = "x" } extra', /trailing input/],
    ['{ $.level > "x" }', /> needs a number/],
    ['{ $.*.inner.* = "x" }', /at most one wildcard selector per property selector/],
    ['{ $.a[*] = "x" && $.* = "y" && $.b[*] = "z" && $.c[*] = "w" }', /at most three wildcard selectors/],
    ['{ $.a = %x% || $.b = %y% || $.c = %z% }', /at most two regular expressions/],
    ['{ $.a = %(x)% }', /outside the documented subset/],
    ['{ $.a = %something!% }', /outside the documented subset/],
    ['{ $[0] = "x" }', /must follow a property/],
  ])('fails on a pattern CloudWatch does not document: %s', (pattern, message) => {
    expect(() => parseJsonFilterPattern(pattern)).toThrow(message);
  });

  test('three wildcard selectors in a compound pattern stay legal', () => {
    expect(() => parseJsonFilterPattern('{ $.a[*] = "x" && $.* = "y" && $.b[*] = "z" }')).not.toThrow();
  });

  test('every assumption is named where the evaluator relies on it', () => {
    const source = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'rehearsal', 'filter-pattern.pure.ts'), 'utf8');
    for (const id of FILTER_PATTERN_ASSUMPTIONS) {
      expect(source).toMatch(new RegExp(`assumptions? [^\\n]*${id}`, 'i'));
    }
  });

  describe('rules the page does not state (FILTER_PATTERN_ASSUMPTIONS)', () => {
    test('missing-field: a comparison on a missing field is false, != included', () => {
      expect(matchesFilterPattern('{ $.missing = "x" }', PAGE_EVENT)).toBe(false);
      expect(matchesFilterPattern('{ $.missing != "x" }', PAGE_EVENT)).toBe(false);
      expect(matchesFilterPattern('{ $.missing > 1 }', PAGE_EVENT)).toBe(false);
    });

    test('strict-types: numbers compare with JSON numbers, strings with JSON strings', () => {
      expect(matchesFilterPattern('{ $.status_code >= 500 }', '{"status_code":"503"}')).toBe(false);
      expect(matchesFilterPattern('{ $.level = "1" }', '{"level":1}')).toBe(false);
    });

    test('any-of-wildcard: a wildcard selector holds when any selected value does', () => {
      expect(matchesFilterPattern('{ $.objectList[*].id = 2 }', PAGE_EVENT)).toBe(true);
      expect(matchesFilterPattern('{ $.arrayKey[*] = "four" }', PAGE_EVENT)).toBe(false);
    });

    test('not-json: an event that is not a JSON object matches no JSON pattern', () => {
      expect(matchesFilterPattern('{ $.level = "ERROR" }', 'ERROR something broke')).toBe(false);
      expect(matchesFilterPattern('{ $.level = "ERROR" }', '["ERROR"]')).toBe(false);
    });
  });

  test('metric value comes from the field or the literal, default when not matching', () => {
    const event = JSON.stringify({ 'level': 'ERROR', 'duration_ms': 12.5, 'http.ms': 3 });
    expect(metricFilterValue('{ $.duration_ms >= 0 }', '$.duration_ms', event)).toBe(12.5);
    expect(metricFilterValue("{ $.['http.ms'] >= 0 }", "$.['http.ms']", event)).toBe(3);
    expect(metricFilterValue('{ $.level = "ERROR" }', '1', event, 0)).toBe(1);
    expect(metricFilterValue('{ $.level = "INFO" }', '1', event, 0)).toBe(0);
    expect(metricFilterValue('{ $.level = "INFO" }', '1', event)).toBeUndefined();
  });
});
