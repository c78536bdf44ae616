import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { APP_NAMESPACE, EMF_LOG_GROUP, addPythonBackend } from '../../examples/python-backend/stack';
import { JsonLogFormat } from '../../src';
import { renderAndKeep } from '../agent/write-config';
import { expectNagClean, newAlertTopic, newStack } from '../helpers';
import { checkEmf } from '../helpers/emf-spec';
import { matchesFilterPattern, metricFilterValue } from '../helpers/filter-pattern';
import { ensureVenv, hasPython, run } from '../helpers/python-venv';

// examples/python-backend run offline: app.py (Flask, the middleware of docs/python.md, each logger
// preset, EMF through aws-embedded-metrics to a stand-in for the agent's listener on loopback)
// answers five requests; its log lines go through the metric filters and saved queries the
// stack synthesizes, and its EMF events are checked against the EMF specification.

const EXERCISE = path.join(__dirname, '..', '..', 'examples', 'python-backend', 'exercise.py');
const PRESETS: Array<[string, JsonLogFormat]> = [
  ['standard', JsonLogFormat.STANDARD],
  ['python-json-logger', JsonLogFormat.PYTHON_JSON_LOGGER],
  ['structlog', JsonLogFormat.STRUCTLOG],
];
/** The requests exercise.py sends, and what app.py answers. */
const REQUESTS = [
  { method: 'GET', route: '/orders/<int:order_id>', status: 200 },
  { method: 'GET', route: '/orders/<int:order_id>', status: 404 },
  { method: 'POST', route: '/orders/<int:order_id>/pay', status: 500 },
  { method: 'GET', route: 'unmatched', status: 404 },
  { method: 'GET', route: '/orders/<int:order_id>', status: 200 },
];

function synth(format: JsonLogFormat) {
  const stack = newStack();
  const alerts = newAlertTopic(stack);
  const backend = addPythonBackend(stack, { alerts, format });
  const template = Template.fromStack(stack);
  const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).map(r => ({
    pattern: r.Properties.FilterPattern as string,
    ...r.Properties.MetricTransformations[0],
  }));
  const queries = Object.fromEntries(Object.values(template.findResources('AWS::Logs::QueryDefinition'))
    .map(r => [r.Properties.Name as string, r.Properties.QueryString as string]));
  return { stack, backend, filters, queries };
}

/**
 * The subset of Logs Insights the top-endpoints query uses: `filter ispresent(f)` and
 * `stats count(*) as n by a, b`, then sort and limit (ignored: the result is compared as a
 * set). Anything else fails, so a query this cannot read is not silently passed.
 */
function runCountQuery(query: string, lines: string[]): Record<string, number> {
  const [filter, stats, ...rest] = query.split('\n| ');
  const present = /^filter ispresent\(([\w.]+)\)$/.exec(filter);
  const grouped = /^stats count\(\*\) as (\w+) by ([\w.]+(?:, [\w.]+)*)$/.exec(stats);
  if (!present || !grouped || rest.some(c => !/^(sort \w+ desc|limit \d+)$/.test(c))) throw new Error(`query outside the evaluator's subset: ${query}`);
  const read = (event: any, field: string) => field.split('.').reduce((v, k) => v?.[k], event);
  const out: Record<string, number> = {};
  for (const event of lines.map(l => JSON.parse(l))) {
    if (read(event, present[1]) === undefined) continue;
    const key = grouped[2].split(', ').map(f => read(event, f)).join(' ');
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

(hasPython ? describe : describe.skip)('examples/python-backend, run against its synthesized stack', () => {
  const outputs: Record<string, { logs: string[]; emf: string[] }> = {};
  beforeAll(() => {
    const python = ensureVenv();
    for (const [name] of PRESETS) {
      const lines = run(python, [EXERCISE], undefined, { LOG_FORMAT: name, AWS_EMF_LOG_GROUP_NAME: EMF_LOG_GROUP })
        .trim().split('\n').map(l => JSON.parse(l));
      outputs[name] = { logs: lines.filter(l => l.kind === 'log').map(l => l.line), emf: lines.filter(l => l.kind === 'emf').map(l => l.line) };
    }
  }, 300_000);

  test.each(PRESETS)('%s: lines in, metric values out: one error with its traceback, one 5xx, two 4xx, a latency per request', (name, format) => {
    const { filters } = synth(format);
    const lines = outputs[name].logs;
    const total = (metricName: string) => {
      const f = filters.find(x => x.MetricName === metricName && !x.Dimensions)!;
      return lines.map(l => metricFilterValue(f.pattern, f.MetricValue, l, f.DefaultValue) ?? 0).reduce((a, b) => a + b, 0);
    };
    expect(total('ErrorCount')).toBe(1);
    expect(total('Status5xx')).toBe(1);
    expect(total('Status4xx')).toBe(2);
    const latency = filters.find(x => x.MetricName === 'Latency')!;
    expect(lines.filter(l => metricFilterValue(latency.pattern, latency.MetricValue, l) !== undefined)).toHaveLength(REQUESTS.length);
    const error = lines.find(l => matchesFilterPattern(filters.find(x => x.MetricName === 'ErrorCount')!.pattern, l))!;
    expect(error).toMatch(/RuntimeError/);
    expect(error).toMatch(/payment provider refused order 42/);
  });

  test.each(PRESETS)('%s: the latency dimension takes route templates, a bounded set', (name, format) => {
    const { filters } = synth(format);
    const byRoute = filters.find(x => x.MetricName === 'Latency' && x.Dimensions)!;
    expect(byRoute.Dimensions).toEqual([{ Key: 'Route', Value: '$.route' }]);
    const routes = outputs[name].logs.filter(l => matchesFilterPattern(byRoute.pattern, l)).map(l => JSON.parse(l).route);
    expect(new Set(routes)).toEqual(new Set(REQUESTS.map(r => r.route)));
  });

  test.each(PRESETS)('%s: top endpoints counts the requests by route, not the error line that carries a path', (name, format) => {
    const { queries } = synth(format);
    const expected: Record<string, number> = {};
    for (const r of REQUESTS) expected[`${r.method} ${r.route}`] = (expected[`${r.method} ${r.route}`] ?? 0) + 1;
    expect(runCountQuery(queries['python-backend/Top endpoints by requests'], outputs[name].logs)).toEqual(expected);
  });

  test.each(PRESETS)('%s: every EMF event meets the EMF specification, goes to the agent\'s log group and names every declared dimension', (name, format) => {
    const { backend } = synth(format);
    const events = outputs[name].emf;
    expect(events).toHaveLength(REQUESTS.length);
    for (const event of events) {
      expect(checkEmf(event)).toEqual([]);
      const doc = JSON.parse(event);
      // The agent writes an event to the group its _aws.LogGroupName names.
      expect(doc._aws.LogGroupName).toBe(backend.agentConfig.emf!.logGroupName);
      const [directive] = doc._aws.CloudWatchMetrics;
      expect(directive.Namespace).toBe(APP_NAMESPACE);
      expect(directive.Dimensions).toEqual([backend.appMetrics.dimensions]);
      expect(directive.Metrics.map((m: any) => m.Name)).toEqual(backend.appMetrics.metricNames);
      // What an alarm reads through AppMetrics.metric is a series the app publishes.
      const series = backend.appMetrics.metric('RequestCount', { Method: doc.Method, Route: doc.Route, StatusCode: doc.StatusCode });
      expect(series.dimensions).toEqual({ Method: doc.Method, Route: doc.Route, StatusCode: doc.StatusCode });
    }
    expect(events.map(e => JSON.parse(e)).map(d => `${d.Method} ${d.Route} ${d.StatusCode}`))
      .toEqual(REQUESTS.map(r => `${r.method} ${r.route} ${r.status}`));
  });

  test('the agent configuration opens the EMF listener and ships the log file (kept for the agent-schema check)', () => {
    const { backend } = synth(JsonLogFormat.STANDARD);
    const json = renderAndKeep('python-backend', backend.agentConfig);
    expect(json.logs.metrics_collected).toEqual({ emf: {} });
    expect(json.logs.logs_collected.files.collect_list).toHaveLength(1);
  });

  test('passes the nag packs', () => {
    const { stack } = synth(JsonLogFormat.STRUCTLOG);
    expectNagClean(stack);
  });
});
