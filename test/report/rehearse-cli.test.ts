// `cdk-watchkeeper-report rehearse`: exit codes, bad input in one line, user scenarios.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { AlarmRouting, AlarmSet, AlarmSeverity, AlertTopic, AppLogGroup, JsonLogMetrics, MonitoringReport } from '../../src';
import { main } from '../../src/report/private/report-cli';

jest.setTimeout(120_000);

/**
 * A small app: a JSON log group with an error-count alarm, and a CRITICAL alarm on a metric
 * nothing publishes (missing data breaching: in ALARM before any scenario starts, so it never pages).
 */
function synth(report?: 'plain' | 'rehearse'): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearse-cli-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Shop');
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
  new AlarmSet(stack, 'Alarms', { routing: AlarmRouting.toTopic(alerts) }).addAlarm('Orders', new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Orders' }), {
    threshold: 1, comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD, liveness: true, severity: AlarmSeverity.CRITICAL,
  });
  const logs = new AppLogGroup(stack, 'AppLogs', { logGroupName: '/shop/app' });
  new JsonLogMetrics(stack, 'LogMetrics', { logGroup: logs.logGroup, namespace: 'Shop/App', alertTopic: alerts })
    .addErrorCount('Errors', { alarm: { threshold: 5 } });
  if (report) new MonitoringReport(app, 'Report', { rehearse: report === 'rehearse' });
  app.synth();
  return outdir;
}

function cli(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, t => { out += t; }, t => { err += t; });
  return { code, out, err };
}

/** A scenario whose expectation nothing meets: a CRITICAL page from an alarm on Shop/Orders. */
const IMPOSSIBLE = {
  name: 'impossible',
  description: 'Expects a page nothing sends.',
  start: '2026-12-01T08:00:00Z',
  hours: 1,
  expect: { pages: [{ severity: 'CRITICAL', watches: 'Shop/Orders', withinMinutes: 10 }] },
};

function scenarioFile(s: object): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scenario-')), 'scenario.json');
  fs.writeFileSync(file, JSON.stringify(s));
  return file;
}

describe('cdk-watchkeeper-report rehearse', () => {
  const outdir = synth();

  test('prints the notifications of a scenario and exits 0 when every expectation holds', () => {
    const file = scenarioFile({
      name: 'error-burst',
      description: 'The app logs errors.',
      start: '2026-12-01T08:00:00Z',
      hours: 2,
      events: [{ at: '+30m', kind: 'log-burst', minutes: 10, linesPerMinute: 20 }],
      expect: { pages: [{ severity: 'WARNING', watches: 'Shop/App/ErrorCount', withinMinutes: 15 }] },
    });
    const r = cli('rehearse', outdir, '--scenario', file);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('## error-burst: PASSED');
    expect(r.out).toMatch(/\| Time \| Alarm \| State \| Severity \| Recipients \| Contributor \| EC2 action \|/);
    expect(r.out).toMatch(/\| Tue 2026-12-01 08:3\d \| Shop-\S*Errors\S* \| ALARM \| WARNING \| email:oncall@example.com \|/);
    // Missing data since before the scenario: already in ALARM, so it never pages.
    expect(r.out).not.toMatch(/Orders/);
  });

  test('--json prints each scenario\'s whole result, the same as the table says, with the same exit code', () => {
    const file = scenarioFile(IMPOSSIBLE);
    const r = cli('rehearse', outdir, '--scenario', 'disk-fills', '--json', '--scenario', file);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const results = JSON.parse(r.out);
    expect(results.map((x: any) => x.scenario.name)).toEqual(['disk-fills', 'impossible']);
    expect(results[0].notApplicable).toMatch(/disk/);
    expect(results[1].failures).toEqual([
      expect.stringMatching(/expected a CRITICAL page from an alarm watching Shop\/Orders within 10 min/),
    ]);
    expect(results[1]).toEqual(expect.objectContaining({
      notifications: expect.any(Array), silenced: expect.any(Array), activity: expect.any(Array),
    }));
  });

  test('fails with exit code 1 and says why when an expectation fails', () => {
    const file = scenarioFile(IMPOSSIBLE);
    const r = cli('rehearse', outdir, '--scenario', file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/## impossible: FAILED[\s\S]*- expected a CRITICAL page from an alarm watching Shop\/Orders within 10 min/);
  });

  test('reports a stock scenario the app has nothing for as not applicable', () => {
    const r = cli('rehearse', outdir, '--scenario', 'disk-fills');
    expect(r.code).toBe(0);
    expect(r.out).toContain('## disk-fills: NOT APPLICABLE');
  });

  test('reports a scenario whose trouble is a log burst as not applicable to an app without application logs', () => {
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearse-bare-'));
    const app = new App({ outdir: bare });
    const stack = new Stack(app, 'Bare');
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    new AlarmSet(stack, 'Alarms', { routing: AlarmRouting.toTopic(alerts) }).addAlarm('Orders', new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Orders' }), {
      threshold: 1, severity: AlarmSeverity.WARNING,
    });
    app.synth();
    const burst = cli('rehearse', bare, '--scenario', 'alert-topic-fails');
    expect(burst.code).toBe(0);
    expect(burst.out).toMatch(/## alert-topic-fails: NOT APPLICABLE[\s\S]*the app has no application log group with metric filters/);
  });

  test.each([
    [['rehearse'], /give the cloud assembly to rehearse/],
    [['rehearse', '/nonexistent/cdk.out'], /is not a directory/],
    [['rehearse', '.', '--scenario', 'no-such-scenario'], /neither a stock scenario .* nor a file/],
    [['rehearse', '.', '--scenario'], /--scenario needs a stock scenario name or a JSON file/],
    [['rehearse', '.', '--fast'], /unknown option --fast/],
  ])('fails with exit code 2 and one line on bad input %j', (argv, message) => {
    const r = cli(...(argv as string[]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message as RegExp);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  test('fails with exit code 2 on a scenario file that is not a scenario', () => {
    const r = cli('rehearse', outdir, '--scenario', scenarioFile({ name: 'Not Kebab', start: 'soon', hours: 0, events: [{ kind: 'explode', at: '+1h' }] }));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/name must be kebab-case.*start must be an ISO 8601 time.*hours must be between 1 and 744.*events\[0\]\.kind must be one of/);
  });

  test('MonitoringReport rehearse: true adds the Rehearsal section with the same table', () => {
    const dir = synth('rehearse');
    const md = fs.readFileSync(path.join(dir, 'monitoring-report.md'), 'utf-8');
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'monitoring-report.json'), 'utf-8'));
    const html = fs.readFileSync(path.join(dir, 'monitoring-report.html'), 'utf-8');
    expect(md).toMatch(/## Rehearsal\n\n\d+ scenario\(s\)[\s\S]*### quiet-week: PASSED\n[\s\S]*### alert-topic-fails: FAILED\n/);
    expect(md).toMatch(/\| Time \| Alarm \| State \| Severity \| Recipients \| Contributor \| EC2 action \|/);
    expect(json.rehearsal.map((s: any) => s.name)).toContain('quiet-week');
    expect(html).toContain('<section id="rehearsal"><h2>Rehearsal</h2>');
    // The counts at the top of the page say how many scenarios failed and lead to the section.
    const failed = json.rehearsal.filter((s: any) => s.verdict === 'FAILED').length;
    expect(failed).toBeGreaterThan(0);
    const label = `${failed} of ${json.rehearsal.length} rehearsed scenarios failed an expectation`;
    expect(html).toMatch(new RegExp(`<div class="overview" id="overview">.*<a class="card c-rehearsal" href="#rehearsal"><b>${failed}</b>of ${json.rehearsal.length} rehearsed`));
    expect(md.indexOf(`${label} (see Rehearsal).`)).toBeGreaterThan(0);
    expect(md.indexOf(`${label} (see Rehearsal).`)).toBeLessThan(md.indexOf('## CRITICAL alarms'));
    expect(json.schemaVersion).toBeGreaterThan(1);
    const plain = synth('plain');
    expect(fs.readFileSync(path.join(plain, 'monitoring-report.md'), 'utf-8')).not.toContain('Rehearsal');
    expect(fs.readFileSync(path.join(plain, 'monitoring-report.html'), 'utf-8')).not.toContain('c-rehearsal"');
  });
});
