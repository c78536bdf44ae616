import { Duration, Stack, aws_cloudwatch as cloudwatch, aws_logs as logs } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AlertTopic, AppLogGroup, HttpStatusClass, JsonLogFormat, JsonLogMetrics } from '../../src';
import { expectNagClean, newStack, stableTemplate } from '../helpers';
import { matchesFilterPattern, metricFilterValue } from '../helpers/filter-pattern';

const line = (o: object) => JSON.stringify({
  timestamp: '2025-01-01T00:00:00Z', level: 'INFO', message: 'ok', request_id: 'r-1', method: 'GET', path: '/orders', status_code: 200, duration_ms: 12, ...o,
});

function setup(props: Partial<import('../../src').JsonLogMetricsProps> = {}) {
  const stack = newStack();
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
  const group = new AppLogGroup(stack, 'ApiLogs', { logGroupName: '/orders/api' });
  const metrics = new JsonLogMetrics(stack, 'Metrics', { logGroup: group.logGroup, namespace: 'Orders/Api', alertTopic: alerts, ...props });
  return { stack, alerts, group, metrics };
}

function filters(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::Logs::MetricFilter')).map(r => r.Properties);
}

describe('JsonLogMetrics', () => {
  test('error count matches ERROR, FATAL and CRITICAL lines in any case and nothing else', () => {
    const { stack, metrics } = setup();
    const m = metrics.addErrorCount('Errors');
    const [f] = filters(stack);
    expect(f.FilterPattern).toBe('{ $.level = "ERROR" || $.level = "error" || $.level = "Error"'
      + ' || $.level = "FATAL" || $.level = "fatal" || $.level = "Fatal"'
      + ' || $.level = "CRITICAL" || $.level = "critical" || $.level = "Critical" }');
    expect(m.filterPattern).toBe(f.FilterPattern);
    expect(f.MetricTransformations).toEqual([{
      MetricNamespace: 'Orders/Api', MetricName: 'ErrorCount', MetricValue: '1', DefaultValue: 0, Unit: 'Count',
    }]);
    const p = f.FilterPattern;
    for (const level of ['ERROR', 'error', 'Error', 'FATAL', 'fatal', 'CRITICAL', 'critical', 'Critical']) {
      expect(matchesFilterPattern(p, line({ level }))).toBe(true);
    }
    expect(matchesFilterPattern(p, line({ level: 'WARN' }))).toBe(false);
    expect(matchesFilterPattern(p, line({ level: 'warning' }))).toBe(false);
    expect(matchesFilterPattern(p, line({ level: 'eRRoR' }))).toBe(false);
    expect(matchesFilterPattern(p, '{"message":"ERROR without level"}')).toBe(false);
    expect(matchesFilterPattern(p, 'ERROR plain text')).toBe(false);
  });

  test('error levels and field names are configurable', () => {
    const { stack, metrics } = setup({ fields: { level: 'log.severity' } });
    metrics.addErrorCount('Errors', { levels: ['error', 'ERROR'], metricName: 'Errors' });
    const [f] = filters(stack);
    expect(f.FilterPattern).toBe('{ $.log.severity = "error" || $.log.severity = "ERROR" || $.log.severity = "Error" }');
    expect(matchesFilterPattern(f.FilterPattern, JSON.stringify({ log: { severity: 'error' } }))).toBe(true);
    expect(f.MetricTransformations[0].MetricName).toBe('Errors');
  });

  test.each([
    ['python-json-logger', JsonLogFormat.PYTHON_JSON_LOGGER, { levelname: 'ERROR', message: 'payment failed' }, { levelname: 'INFO', message: 'ok' }],
    ['structlog', JsonLogFormat.STRUCTLOG, { level: 'error', event: 'payment failed' }, { level: 'info', event: 'ok' }],
    ['standard', JsonLogFormat.STANDARD, { level: 'ERROR', message: 'payment failed' }, { level: 'INFO', message: 'ok' }],
    ['custom', JsonLogFormat.custom({ level: 'severity' }), { severity: 'Error' }, { severity: 'Info' }],
  ])('the %s format counts its own error lines', (_name, format, error, info) => {
    const { stack, metrics } = setup({ format });
    metrics.addErrorCount('Errors');
    const [f] = filters(stack);
    expect(matchesFilterPattern(f.FilterPattern, JSON.stringify(error))).toBe(true);
    expect(matchesFilterPattern(f.FilterPattern, JSON.stringify(info))).toBe(false);
  });

  test('fields rename single fields on top of a format', () => {
    const { stack, metrics } = setup({ format: JsonLogFormat.PYTHON_JSON_LOGGER, fields: { statusCode: 'http.status' } });
    metrics.addErrorCount('Errors');
    metrics.addStatusClassCount('S5', { statusClass: HttpStatusClass.SERVER_ERROR });
    const [errors, status] = filters(stack);
    expect(errors.FilterPattern).toMatch(/^\{ \$\.levelname = "ERROR"/);
    expect(status.FilterPattern).toBe('{ ($.http.status >= 500) && ($.http.status <= 599) }');
  });

  test('fails when the levels do not fit a 1,024-character filter pattern', () => {
    const { metrics } = setup();
    const levels = Array.from({ length: 40 }, (_, i) => `LEVEL_NUMBER_${i}`);
    expect(() => metrics.addErrorCount('Errors', { levels })).toThrow(/levels must be few enough that the filter pattern fits CloudWatch's 1024 characters \(it has \d+\)/);
  });

  test('latency publishes the duration field in milliseconds from events that have a numeric one', () => {
    const { stack, metrics } = setup();
    metrics.addLatency('Latency');
    const [f] = filters(stack);
    expect(f.FilterPattern).toBe('{ $.duration_ms >= 0 }');
    expect(f.MetricTransformations).toEqual([{
      MetricNamespace: 'Orders/Api', MetricName: 'Latency', MetricValue: '$.duration_ms', Unit: 'Milliseconds',
    }]);
    const t = f.MetricTransformations[0];
    expect(metricFilterValue(f.FilterPattern, t.MetricValue, line({ duration_ms: 250.5 }), t.DefaultValue)).toBe(250.5);
    expect(metricFilterValue(f.FilterPattern, t.MetricValue, line({ duration_ms: 0 }), t.DefaultValue)).toBe(0);
    expect(metricFilterValue(f.FilterPattern, t.MetricValue, line({ duration_ms: '250' }), t.DefaultValue)).toBeUndefined();
    expect(metricFilterValue(f.FilterPattern, t.MetricValue, JSON.stringify({ level: 'INFO' }), t.DefaultValue)).toBeUndefined();
  });

  test('latency unit can be seconds', () => {
    const { stack, metrics } = setup({ fields: { duration: 'elapsed' } });
    metrics.addLatency('Latency', { unit: cloudwatch.Unit.SECONDS });
    const [f] = filters(stack);
    expect(f.FilterPattern).toBe('{ $.elapsed >= 0 }');
    expect(f.MetricTransformations[0]).toMatchObject({ MetricValue: '$.elapsed', Unit: 'Seconds' });
  });

  test.each([
    [HttpStatusClass.SUCCESS, 'Status2xx', [200, 204, 299], [199, 300, 404]],
    [HttpStatusClass.CLIENT_ERROR, 'Status4xx', [400, 404, 499], [399, 500]],
    [HttpStatusClass.SERVER_ERROR, 'Status5xx', [500, 503, 599], [499, 600, 200]],
  ])('status class %s counts exactly its codes', (statusClass, name, inside, outside) => {
    const { stack, metrics } = setup();
    metrics.addStatusClassCount('Status', { statusClass });
    const [f] = filters(stack);
    expect(f.MetricTransformations[0]).toMatchObject({ MetricName: name, MetricValue: '1', DefaultValue: 0 });
    for (const code of inside) expect(matchesFilterPattern(f.FilterPattern, line({ status_code: code }))).toBe(true);
    for (const code of outside) expect(matchesFilterPattern(f.FilterPattern, line({ status_code: code }))).toBe(false);
    expect(matchesFilterPattern(f.FilterPattern, line({ status_code: String(inside[0]) }))).toBe(false);
  });

  test('custom pattern counts', () => {
    const { stack, metrics } = setup();
    metrics.addPatternCount('Checkout', {
      metricName: 'CheckoutFailures',
      filterPattern: logs.FilterPattern.all(
        logs.FilterPattern.stringValue('$.path', '=', '/checkout*'),
        logs.FilterPattern.numberValue('$.status_code', '>=', 500)),
    });
    const [f] = filters(stack);
    expect(matchesFilterPattern(f.FilterPattern, line({ path: '/checkout/pay', status_code: 502 }))).toBe(true);
    expect(matchesFilterPattern(f.FilterPattern, line({ path: '/checkout/pay', status_code: 200 }))).toBe(false);
  });

  test('dimensions come from JSON fields and drop the default value', () => {
    const { stack, metrics } = setup();
    const m = metrics.addStatusClassCount('ServerErrors', {
      statusClass: HttpStatusClass.SERVER_ERROR, dimensions: { Endpoint: 'path', Method: 'method' },
    });
    const [f] = filters(stack);
    expect(f.MetricTransformations).toEqual([{
      MetricNamespace: 'Orders/Api',
      MetricName: 'Status5xx',
      MetricValue: '1',
      Unit: 'Count',
      Dimensions: [{ Key: 'Endpoint', Value: '$.path' }, { Key: 'Method', Value: '$.method' }],
    }]);
    expect(m.metric({ Endpoint: '/orders' }).dimensions).toEqual({ Endpoint: '/orders' });
    Annotations.fromStack(stack).hasInfo('/TestStack/Metrics/ServerErrors', Match.stringLikeRegexp('custom metric billed monthly'));
  });

  test('warns, acknowledgeably, when a dimension reads an unbounded field (raw path, ids, addresses)', () => {
    const stack = newStack();
    const group = new AppLogGroup(stack, 'Logs');
    const metrics = new JsonLogMetrics(stack, 'M', { logGroup: group.logGroup, namespace: 'App/Api', fields: { path: 'http.target' } });
    metrics.addLatency('ByPath', { metricName: 'LatencyByPath', dimensions: { Endpoint: 'path' } });
    metrics.addLatency('ByUser', { metricName: 'LatencyByUser', dimensions: { User: 'ctx.user_id' } });
    metrics.addLatency('ByTarget', { metricName: 'LatencyByTarget', dimensions: { Target: 'http.target' } });
    metrics.addLatency('ByRoute', { metricName: 'LatencyByRoute', dimensions: { Route: 'route', Method: 'method' } });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('JsonLogMetrics.unboundedDimension'));
    expect(warnings.map(w => w.id).sort()).toEqual(['/TestStack/M/ByPath', '/TestStack/M/ByTarget', '/TestStack/M/ByUser']);
    expect(String(warnings[0].entry.data)).toMatch(/1,000 values within an hour.*route template/);
  });

  test('an alarm on a dimensioned metric watches a second, undimensioned filter', () => {
    const { stack, metrics } = setup();
    const m = metrics.addLatency('Latency', { dimensions: { Endpoint: 'path' }, alarm: { threshold: 1000, evaluationPeriods: 3 } });
    const all = filters(stack);
    expect(all).toHaveLength(2);
    expect(all.map(f => f.MetricTransformations[0].Dimensions)).toEqual([[{ Key: 'Endpoint', Value: '$.path' }], undefined]);
    expect(all[0].FilterPattern).toBe(all[1].FilterPattern);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Orders/Api',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Unit: 'Milliseconds',
      Period: 300,
      Dimensions: Match.absent(),
      Threshold: 1000,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
    });
    expect(m.alarm).toBeDefined();
  });

  test('error alarm sums errors over 5 minutes and notifies the topic', () => {
    const { stack, metrics } = setup();
    metrics.addErrorCount('Errors', { alarm: { threshold: 5, alarmDescription: 'Too many errors' } });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Orders/Api',
      MetricName: 'ErrorCount',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 5,
      EvaluationPeriods: 1,
      AlarmDescription: 'Too many errors',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
    });
  });

  test.each([
    ['more than 3 dimensions', (m: JsonLogMetrics) => m.addLatency('L', { dimensions: { A: 'a', B: 'b', C: 'c', D: 'd' } }), /dimensions must be at most 3 entries/],
    ['a dimension that is not a field', (m: JsonLogMetrics) => m.addLatency('L', { dimensions: { A: '$.a' } }), /dimensions.A must be a JSON field name/],
    ['an alarm without topic', (m: JsonLogMetrics) => m.addErrorCount('E', { alarm: { threshold: 1 } }), /routing must be set on the alarm set \(routing or alertTopic\) when an alarm has no actions of its own/],
    ['a period of 45 s', (m: JsonLogMetrics) => m.addErrorCount('E', { alarm: { threshold: 1, period: Duration.seconds(45) } }), /Alarm.period must be 10, 20 or 30 seconds or a multiple of 60/],
    ['a window over a day', (m: JsonLogMetrics) => m.addErrorCount('E', { alarm: { threshold: 1, evaluationPeriods: 300 } }), /Alarm.evaluation window \(period x evaluationPeriods\) must be at most one day when the period is shorter than an hour \(86400 seconds\), got '300 x 300 = 90000 seconds'/],
    ['empty levels', (m: JsonLogMetrics) => m.addErrorCount('E', { levels: [] }), /levels must be a non-empty list/],
    ['a bad metric name', (m: JsonLogMetrics) => m.addErrorCount('E', { metricName: 'a:b' }), /metricName must be 1-255 characters without/],
  ])('fails on %s', (_name, add, message) => {
    const stack = newStack();
    const group = new AppLogGroup(stack, 'ApiLogs');
    const m = new JsonLogMetrics(stack, 'Metrics', { logGroup: group.logGroup, namespace: 'Orders/Api' });
    expect(() => add(m)).toThrow(message);
  });

  test('fails on an AWS namespace or a bad field name', () => {
    const stack = newStack();
    const group = new AppLogGroup(stack, 'ApiLogs');
    expect(() => new JsonLogMetrics(stack, 'A', { logGroup: group.logGroup, namespace: 'AWS/EC2' })).toThrow(/namespace must be .*not starting with AWS\//);
    expect(() => new JsonLogMetrics(stack, 'B', { logGroup: group.logGroup, namespace: 'X', fields: { level: 'a b' } })).toThrow(/fields.level must be a JSON field name/);
  });

  test('fails when two metrics share a name and dimensions', () => {
    const { stack, metrics } = setup();
    metrics.addErrorCount('A');
    metrics.addErrorCount('B');
    expect(() => Template.fromStack(stack)).toThrow(/metricName \(with the same dimensions\) must be free of duplicates, got 'ErrorCount\|'/);
  });

  test('passes the nag packs with alarms and dimensions', () => {
    const { stack, metrics } = setup();
    metrics.addErrorCount('Errors', { alarm: { threshold: 5 } });
    metrics.addLatency('Latency', { dimensions: { Endpoint: 'path' }, alarm: { threshold: 1000 } });
    metrics.addStatusClassCount('S5', { statusClass: HttpStatusClass.SERVER_ERROR, alarm: { threshold: 10 } });
    expectNagClean(stack);
  });

  test('matches the golden snapshot', () => {
    const { stack, metrics } = setup();
    metrics.addErrorCount('Errors', { alarm: { threshold: 5 } });
    metrics.addLatency('Latency', { dimensions: { Endpoint: 'path' }, alarm: { threshold: 1000 } });
    metrics.addStatusClassCount('ServerErrors', { statusClass: HttpStatusClass.SERVER_ERROR });
    expect(stableTemplate(stack)).toMatchSnapshot();
  });
});
