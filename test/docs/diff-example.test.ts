import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { read } from './checked-numbers';
import { codeBlocks } from './snippets';
import { ExampleServiceStack } from '../../examples/example-stack';
import { AlarmSet, AlarmSeverity, MetricsInsightsAggregation, MetricsInsightsQuery, MonitoringReport } from '../../src';
import { main } from '../../src/report/private/report-cli';

const PAGE = 'docs/reports.md';
const MARKER = '<!-- output-of: diff-example';

const dirs: string[] = [];
afterAll(() => dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

/** The example app, optionally edited, synthesized with its monitoring report; returns the cloud assembly. */
function synth(edit?: (stack: ExampleServiceStack) => void): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'watchkeeper-diff-example-'));
  dirs.push(outdir);
  const app = new App({ outdir });
  const stack = new ExampleServiceStack(app, 'WatchkeeperExample');
  edit?.(stack);
  MonitoringReport.of(app);
  app.synth();
  return outdir;
}

/**
 * The edit the page describes, as a user makes it in examples/alarms.ts: the busiest-CPU fleet
 * alarm becomes CRITICAL at 90 %, the legacy host gets a network alarm, its CPU anomaly alarm goes.
 */
function editFleetAlarms(stack: ExampleServiceStack): void {
  const fleet = stack.node.findChild('FleetAlarms') as AlarmSet;
  fleet.node.tryRemoveChild('LegacyHostCpuAnomaly');
  fleet.node.tryRemoveChild('BusiestCpu');
  fleet.addMetricsInsightsAlarm('BusiestCpu', {
    query: MetricsInsightsQuery.aggregate({
      aggregation: MetricsInsightsAggregation.MAX,
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      schemaDimensions: ['InstanceId'],
      where: { 'tag.fleet': 'example-legacy' },
    }),
    threshold: 90,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    severity: AlarmSeverity.CRITICAL,
  });
  fleet.addAlarm('LegacyHostNetworkOut', new cloudwatch.Metric({
    namespace: 'AWS/EC2', metricName: 'NetworkOut', dimensionsMap: { InstanceId: 'i-0123456789abcdef0' }, statistic: 'Sum', period: Duration.minutes(5),
  }), { threshold: 5_000_000_000, severity: AlarmSeverity.WARNING });
}

/** The fenced block that follows the marker on the page. */
function documentedOutput(): { line: number; text: string } {
  const page = read(PAGE);
  const markerLine = page.split('\n').findIndex(l => l.startsWith(MARKER)) + 1;
  expect(markerLine).toBeGreaterThan(0);
  const block = codeBlocks(page, PAGE).find(b => b.line > markerLine)!;
  expect(block.line).toBe(markerLine + 1);
  return { line: block.line, text: block.code };
}

describe('cdk-watchkeeper-report diff in docs/reports.md', () => {
  test('the example output is what the command prints for the edit the page describes', () => {
    let out = '';
    const code = main(['diff', synth(), synth(editFleetAlarms)], t => { out += t; }, t => { out += t; });
    expect(code).toBe(0);
    const documented = documentedOutput();
    // On a difference, paste the received text into the block after the marker in docs/reports.md.
    expect(`${PAGE}:${documented.line}\n${out.trimEnd()}`).toBe(`${PAGE}:${documented.line}\n${documented.text}`);
  });
});
