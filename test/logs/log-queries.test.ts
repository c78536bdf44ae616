import { Duration, aws_logs as logs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AppLogGroup, JsonLogFormat, LogQueries } from '../../src';
import { expectNagClean, newStack, stableTemplate } from '../helpers';

function setup(props: Partial<import('../../src').LogQueriesProps> = {}) {
  const stack = newStack();
  const group = new AppLogGroup(stack, 'ApiLogs', { logGroupName: '/orders/api' });
  const queries = new LogQueries(stack, 'Queries', { logGroups: [group.logGroup], folder: 'orders-api', ...props });
  return {
    stack,
    group,
    queries,
    get byName(): Record<string, any> {
      const definitions = Template.fromStack(stack).findResources('AWS::Logs::QueryDefinition');
      return Object.fromEntries(Object.values(definitions).map(d => [d.Properties.Name, d.Properties]));
    },
  };
}

describe('LogQueries', () => {
  test('saves the six on-call queries in the folder, on the group', () => {
    const { byName } = setup();
    expect(Object.keys(byName)).toEqual([
      'orders-api/Errors per 5 minutes',
      'orders-api/Error rate over time (5xx share of requests)',
      'orders-api/Top endpoints by requests',
      'orders-api/Latency by endpoint (p50, p95, p99)',
      'orders-api/Requests slower than 1000 ms',
      'orders-api/Recent errors with request ids',
    ]);
    for (const q of Object.values(byName)) {
      expect(q.LogGroupNames).toEqual([{ Ref: expect.stringMatching(/^ApiLogs/) }]);
    }
  });

  test('errors per 5-minute bin', () => {
    const { byName } = setup();
    expect(byName['orders-api/Errors per 5 minutes'].QueryString).toBe(
      'filter tolower(level) in ["error", "fatal", "critical"]\n| stats count(*) as errors by bin(5m)');
  });

  test('error rate over time: requests, 5xx answers and their share per 5-minute bin, from the request lines', () => {
    const { byName } = setup({ fields: { statusCode: 'http.status' } });
    expect(byName['orders-api/Error rate over time (5xx share of requests)'].QueryString).toBe(
      'filter ispresent(http.status)\n'
      + '| stats count(*) as requests, sum(floor(http.status / 500)) as server_errors, '
      + 'sum(floor(http.status / 500)) * 100 / count(*) as error_rate_percent by bin(5m)');
    // floor(status / 500) counts exactly the 5xx answers of the status codes HTTP defines.
    const counted = [100, 200, 302, 404, 499, 500, 503, 599].map(code => Math.floor(code / 500));
    expect(counted).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
  });

  test('top endpoints counts requests (lines with a status code) by route template, not every line with a path', () => {
    const { byName } = setup();
    expect(byName['orders-api/Top endpoints by requests'].QueryString).toBe(
      'filter ispresent(status_code)\n| stats count(*) as requests by method, route\n| sort requests desc\n| limit 100');
  });

  test('p50, p95 and p99 latency by endpoint, from the request lines', () => {
    const { byName } = setup();
    expect(byName['orders-api/Latency by endpoint (p50, p95, p99)'].QueryString).toBe(
      'filter ispresent(status_code) and ispresent(duration_ms)\n'
      + '| stats pct(duration_ms, 50) as p50, pct(duration_ms, 95) as p95, pct(duration_ms, 99) as p99, count(*) as requests by method, route\n'
      + '| sort p99 desc\n| limit 100');
  });

  test('requests slower than the threshold, with their request ids', () => {
    const { byName } = setup({ slowRequestThreshold: Duration.millis(250), limit: 20 });
    expect(byName['orders-api/Requests slower than 250 ms'].QueryString).toBe(
      'fields @timestamp, request_id, method, route, path, status_code, duration_ms\n| filter duration_ms >= 250\n| sort duration_ms desc\n| limit 20');
  });

  test('recent errors with request ids, with custom fields and levels', () => {
    const { byName } = setup({ fields: { requestId: 'trace.id', level: 'severity', route: 'http.route' }, errorLevels: ['error'] });
    expect(byName['orders-api/Recent errors with request ids'].QueryString).toBe(
      'fields @timestamp, trace.id, severity, message, method, http.route, path, status_code\n| filter tolower(severity) in ["error"]\n| sort @timestamp desc\n| limit 100');
  });

  test('error levels match in any case, each once', () => {
    const { byName } = setup({ errorLevels: ['ERROR', 'error', 'Fatal'] });
    expect(byName['orders-api/Errors per 5 minutes'].QueryString).toBe(
      'filter tolower(level) in ["error", "fatal"]\n| stats count(*) as errors by bin(5m)');
  });

  test.each([
    ['python-json-logger', JsonLogFormat.PYTHON_JSON_LOGGER, 'levelname', 'message'],
    ['structlog', JsonLogFormat.STRUCTLOG, 'level', 'event'],
    ['standard', JsonLogFormat.STANDARD, 'level', 'message'],
  ])('the %s format names its level and message fields in the queries', (_name, format, level, message) => {
    const { byName } = setup({ format });
    expect(byName['orders-api/Recent errors with request ids'].QueryString).toBe(
      `fields @timestamp, request_id, ${level}, ${message}, method, route, path, status_code\n`
      + `| filter tolower(${level}) in ["error", "fatal", "critical"]\n| sort @timestamp desc\n| limit 100`);
  });

  test('custom queries join the folder and may run on other groups', () => {
    const { stack, queries } = setup({ standardQueries: false });
    const other = logs.LogGroup.fromLogGroupName(stack, 'Worker', '/orders/worker');
    const q = queries.addQuery('Jobs', { name: 'Failed jobs', queryString: 'fields @message | filter job_status = "failed"', logGroups: [other] });
    expect(queries.queries).toEqual([q]);
    Template.fromStack(stack).resourceCountIs('AWS::Logs::QueryDefinition', 1);
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::QueryDefinition', {
      Name: 'orders-api/Failed jobs', QueryString: 'fields @message | filter job_status = "failed"', LogGroupNames: ['/orders/worker'],
    });
  });

  test('the folder defaults to the construct path', () => {
    const stack = newStack();
    const group = new AppLogGroup(stack, 'ApiLogs');
    const queries = new LogQueries(stack, 'Queries', { logGroups: [group.logGroup] });
    expect(queries.recentErrors?.name).toBe('TestStack/Queries/Recent errors with request ids');
  });

  test.each([
    [{ logGroups: [] }, /logGroups must be a non-empty list/],
    [{ limit: 0 }, /limit must be a whole number between 1 and 10000, got 0/],
    [{ errorLevels: [] }, /errorLevels must be a non-empty list/],
    [{ fields: { path: '$.path' } }, /fields.path must be a JSON field name/],
  ])('fails on bad props %#', (props, message) => {
    const stack = newStack();
    const group = new AppLogGroup(stack, 'ApiLogs');
    expect(() => new LogQueries(stack, 'Queries', { logGroups: [group.logGroup], ...props })).toThrow(message);
  });

  test('fails on an empty query, a name with a slash or a duplicate name', () => {
    const stack = newStack();
    const group = new AppLogGroup(stack, 'ApiLogs');
    const queries = new LogQueries(stack, 'Queries', { logGroups: [group.logGroup], folder: 'orders-api' });
    expect(() => queries.addQuery('A', { name: 'x', queryString: ' ' })).toThrow(/queryString must be a Logs Insights query/);
    expect(() => queries.addQuery('B', { name: 'a/b', queryString: 'fields @message' })).toThrow(/name must be a name of 1-255 characters without \//);
    queries.addQuery('C', { name: 'Errors per 5 minutes', queryString: 'fields @message' });
    expect(() => Template.fromStack(stack)).toThrow(/query names must be free of duplicates, got 'orders-api\/Errors per 5 minutes'/);
  });

  test('fails when folder and name exceed the 255 characters of a saved query name', () => {
    const stack = newStack();
    const group = new AppLogGroup(stack, 'ApiLogs');
    const folder = 'f'.repeat(200);
    const queries = new LogQueries(stack, 'Queries', { logGroups: [group.logGroup], folder, standardQueries: false });
    const name = 'n'.repeat(60);
    expect(() => queries.addQuery('Long', { name, queryString: 'fields @message' })).toThrow(
      /TestStack\/Queries: name must be at most 255 characters long together with its folder .*AWS::Logs::QueryDefinition Name.*folder 200 \+ 1 \+ name 60 characters.*, got 261$/);
    expect(() => queries.addQuery('Fits', { name: 'n'.repeat(54), queryString: 'fields @message' })).not.toThrow();
  });

  test('passes the nag packs', () => {
    const { stack } = setup();
    expectNagClean(stack);
  });

  test('matches the golden snapshot', () => {
    const { stack } = setup();
    expect(stableTemplate(stack)).toMatchSnapshot();
  });
});
