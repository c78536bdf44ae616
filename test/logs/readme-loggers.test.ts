import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { AppLogGroup, HttpStatusClass, JsonLogFormat, JsonLogMetrics } from '../../src';
import { newStack } from '../helpers';
import { metricFilterValue } from '../helpers/filter-pattern';
import { ROOT, ensureVenv, hasPython, run } from '../helpers/python-venv';

// The logging set-ups of docs/python.md ("Logger set-ups"), extracted and run exactly
// as written (test/logs/python/run_snippets.py), their lines checked against the metric
// filters of the logger's preset.

const SCRIPT = path.join(__dirname, 'python', 'run_snippets.py');
const PRESETS: Record<string, JsonLogFormat> = {
  'python-json-logger': JsonLogFormat.PYTHON_JSON_LOGGER,
  'structlog': JsonLogFormat.STRUCTLOG,
  'standard': JsonLogFormat.STANDARD,
  'watchtower': JsonLogFormat.PYTHON_JSON_LOGGER,
};

/** The ```python blocks of a page preceded by `<!-- readme-logger: NAME -->`. */
export function readmeLoggerSnippets(readme: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of readme.matchAll(/<!-- readme-logger: ([\w-]+) -->\n```python\n([\s\S]*?)\n```/g)) out[m[1]] = m[2];
  return out;
}

interface Written { snippet: string; call: string; line: string }

function metricFilters(format: JsonLogFormat) {
  const stack = newStack();
  const group = new AppLogGroup(stack, 'Logs');
  const metrics = new JsonLogMetrics(stack, 'Metrics', { logGroup: group.logGroup, namespace: 'App/Api', format });
  metrics.addErrorCount('Errors');
  metrics.addLatency('Latency');
  metrics.addStatusClassCount('ServerErrors', { statusClass: HttpStatusClass.SERVER_ERROR });
  return Object.values(Template.fromStack(stack).findResources('AWS::Logs::MetricFilter')).map(r => {
    const t = r.Properties.MetricTransformations[0];
    return { name: t.MetricName, pattern: r.Properties.FilterPattern, value: t.MetricValue, defaultValue: t.DefaultValue };
  });
}

(hasPython ? describe : describe.skip)('Python logger set-ups of the docs, run as written', () => {
  const snippets = readmeLoggerSnippets(fs.readFileSync(path.join(ROOT, 'docs', 'python.md'), 'utf8'));
  let written: Written[] = [];
  beforeAll(() => {
    written = run(ensureVenv(), [SCRIPT], JSON.stringify(snippets)).trim().split('\n').map(l => JSON.parse(l));
  }, 300_000);
  const of = (snippet: string) => Object.fromEntries(written.filter(w => w.snippet === snippet).map(w => [w.call, w.line]));

  test('the Python page shows a set-up for every logger preset and for watchtower', () => {
    expect(Object.keys(snippets).sort()).toEqual(Object.keys(PRESETS).sort());
  });

  test.each(Object.keys(PRESETS))('%s: its preset counts exactly its errors, 5xx and latency', (name) => {
    const lines = of(name);
    const values = Object.fromEntries(metricFilters(PRESETS[name]).map(f => [f.name,
      Object.fromEntries(Object.entries(lines).map(([call, line]) => [call, metricFilterValue(f.pattern, f.value, line, f.defaultValue)]))]));
    expect(values).toEqual({
      ErrorCount: { info: 0, warning: 0, error: 1, exception: 1, request: 0, child: 0 },
      Latency: { info: undefined, warning: undefined, error: undefined, exception: undefined, request: 812.5, child: undefined },
      Status5xx: { info: 0, warning: 0, error: 0, exception: 0, request: 1, child: 0 },
    });
  });

  test.each(Object.keys(PRESETS))('%s: keeps every extra field passed the usual way, and the traceback', (name) => {
    const request = JSON.parse(of(name).request);
    expect(request).toMatchObject({
      request_id: 'r-5', method: 'GET', path: '/orders/42', route: '/orders/<int:order_id>', status_code: 503, duration_ms: 812.5,
    });
    const exception = of(name).exception;
    expect(exception).toMatch(/ZeroDivisionError/);
    expect(exception).toMatch(/Traceback|frames/);
  });

  test('watchtower runs with the write grant: it creates its stream and puts the events, never creates the group', () => {
    // The stub answers CreateLogStream and PutLogEvents only; a CreateLogGroup call would fail the run.
    expect(of('watchtower').info).toContain('"message": "order created"');
    expect(snippets.watchtower).toMatch(/create_log_group=False/);
  });

  test('fails the run when watchtower keeps its default create_log_group=True (negative control)', () => {
    const defaulted = { watchtower: snippets.watchtower.replace(/\s*create_log_group=False,[^\n]*\n/, '\n') };
    expect(defaulted.watchtower).not.toMatch(/create_log_group/);
    expect(() => run(ensureVenv(), [SCRIPT], JSON.stringify(defaulted))).toThrow(/CreateLogGroup|create_log_group|describe_log_groups|Unexpected|StubResponseError|StubAssertionError/);
  }, 120_000);
});
