import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addExampleLogs } from '../../examples/logs';
import { AlertTopic, AppLogGroup, HttpStatusClass, JsonLogFormat, JsonLogMetrics } from '../../src';
import { newStack } from '../helpers';
import { metricFilterValue } from '../helpers/filter-pattern';
import { ensureVenv, hasPython, run } from '../helpers/python-venv';

// Real log lines from python-json-logger and structlog (pinned in python/requirements.txt)
// and from a hand-written logging.Formatter, checked against the metric filters the
// library writes. The libraries are installed into .logs-venv/ at the repository root
// on first run (python3 -m venv + pip), and reinstalled when the requirements change.

const SCRIPT = path.join(__dirname, 'python', 'generate_lines.py');

if (!hasPython) {
  // eslint-disable-next-line no-console
  console.warn('python3 not found: the real-log-line tests of python-json-logger and structlog are skipped');
}

type Logger = 'python-json-logger' | 'structlog' | 'standard';
type Call = 'info' | 'warning' | 'error' | 'exception' | 'request';
interface Generated { logger: Logger; call: Call; line: string }

function generatedLines(): Generated[] {
  return run(ensureVenv(), [SCRIPT]).trim().split('\n').map(l => JSON.parse(l));
}

interface Filter { name: string; pattern: string; value: string; defaultValue?: number }

function metricFilters(stack: Stack, namespace: string): Filter[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::Logs::MetricFilter'))
    .map(r => r.Properties)
    .filter(p => p.MetricTransformations[0].MetricNamespace === namespace && !p.MetricTransformations[0].Dimensions)
    .map(p => ({
      name: p.MetricTransformations[0].MetricName,
      pattern: p.FilterPattern,
      value: p.MetricTransformations[0].MetricValue,
      defaultValue: p.MetricTransformations[0].DefaultValue,
    }));
}

/** What each metric publishes for each call: { ErrorCount: { error: 1, info: 0, ... } }. */
function published(filters: Filter[], lines: Generated[]): Record<string, Partial<Record<Call, number | undefined>>> {
  return Object.fromEntries(filters.map(f => [f.name, Object.fromEntries(lines.map(l =>
    [l.call, metricFilterValue(f.pattern, f.value, l.line, f.defaultValue)]))]));
}

const EXPECTED = {
  ErrorCount: { info: 0, warning: 0, error: 1, exception: 1, request: 0 },
  Latency: { info: undefined, warning: undefined, error: undefined, exception: undefined, request: 812.5 },
  Status5xx: { info: 0, warning: 0, error: 0, exception: 0, request: 1 },
};

(hasPython ? describe : describe.skip)('JSON log metrics on real Python log lines', () => {
  let lines: Generated[] = [];
  beforeAll(() => {
    lines = generatedLines();
  }, 300_000);
  const of = (logger: Logger) => lines.filter(l => l.logger === logger);

  function presetFilters(format: JsonLogFormat): Filter[] {
    const stack = newStack();
    const group = new AppLogGroup(stack, 'Logs');
    const metrics = new JsonLogMetrics(stack, 'Metrics', { logGroup: group.logGroup, namespace: 'App/Api', format });
    metrics.addErrorCount('Errors');
    metrics.addLatency('Latency');
    metrics.addStatusClassCount('ServerErrors', { statusClass: HttpStatusClass.SERVER_ERROR });
    return metricFilters(stack, 'App/Api');
  }

  test('every library wrote the five calls, one JSON object per line', () => {
    for (const logger of ['python-json-logger', 'structlog', 'standard'] as Logger[]) {
      expect(of(logger).map(l => l.call)).toEqual(['info', 'warning', 'error', 'exception', 'request']);
      for (const l of of(logger)) expect(typeof JSON.parse(l.line)).toBe('object');
    }
  });

  test.each([
    ['python-json-logger', JsonLogFormat.PYTHON_JSON_LOGGER],
    ['structlog', JsonLogFormat.STRUCTLOG],
    ['standard', JsonLogFormat.STANDARD],
  ] as Array<[Logger, JsonLogFormat]>)('the %s preset counts exactly its errors, latency and 5xx lines', (logger, format) => {
    expect(published(presetFilters(format), of(logger))).toEqual(EXPECTED);
  });

  test('the default fields miss python-json-logger errors, which is why the presets exist', () => {
    const errors = published(presetFilters(JsonLogFormat.STANDARD), of('python-json-logger')).ErrorCount;
    expect(errors).toEqual({ info: 0, warning: 0, error: 0, exception: 0, request: 0 });
  });

  test("the example's metric filters count the standard formatter's lines", () => {
    const stack = newStack('Example');
    addExampleLogs(stack, { alerts: new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] }) });
    const filters = metricFilters(stack, 'WatchkeeperExample/Api');
    expect(filters.map(f => f.name).sort()).toEqual(['ErrorCount', 'Latency', 'Status4xx', 'Status5xx']);
    const values = published(filters, of('standard'));
    expect(values.ErrorCount).toEqual(EXPECTED.ErrorCount);
    expect(values.Latency).toEqual(EXPECTED.Latency);
    expect(values.Status5xx).toEqual(EXPECTED.Status5xx);
    expect(values.Status4xx).toEqual({ info: 0, warning: 0, error: 0, exception: 0, request: 0 });
  });
});
