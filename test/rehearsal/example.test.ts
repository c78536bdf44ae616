// The example app rehearsed: its stock scenarios, read from its synthesized cloud assembly.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { readAssembly } from '../../src/rehearsal/assembly';
import { isPage } from '../../src/rehearsal/expectations.pure';
import { RehearsalApp, ScenarioResult, prepareApp } from '../../src/rehearsal/rehearse.pure';
import { parseInstant } from '../../src/rehearsal/schedule.pure';
import { STOCK_SCENARIOS } from '../../src/rehearsal/stock-scenarios.pure';
import { synthExample } from '../report/example-report';

jest.setTimeout(300_000);

let app: RehearsalApp;
const results = new Map<string, ScenarioResult>();
function run(name: string): ScenarioResult {
  if (!results.has(name)) throw new Error(`${name} was not rehearsed`);
  return results.get(name)!;
}

beforeAll(() => {
  const outdir = synthExample().outdir;
  app = prepareApp(readAssembly(outdir));
  // Every stock scenario, rehearsed by `cdk-watchkeeper-report rehearse --json` as users run
  // it: in a process of its own, a week of minutes runs without this suite's coverage
  // instrumentation (a fifth of the time).
  const cli = spawnSync(process.execPath, [path.join(__dirname, '../../bin/cdk-watchkeeper-report'), 'rehearse', outdir, '--json'],
    { encoding: 'utf-8', maxBuffer: 1024 * 1024 * 1024 });
  if (cli.status === null || cli.status > 1) throw new Error(`rehearse exited ${cli.status}: ${cli.stderr}`);
  for (const r of JSON.parse(cli.stdout) as ScenarioResult[]) results.set(r.scenario.name, r);
  expect([...results.keys()]).toEqual(STOCK_SCENARIOS.map(sc => sc.name));
});

describe('Rehearsal of the example app', () => {
  test('reads the example\'s alarms, fleet, schedules, mute rules and agents from its cloud assembly', () => {
    expect(app.alarms.length).toBeGreaterThanOrEqual(50);
    expect(app.alarms.every(a => a.severity !== '')).toBe(true);
    expect(app.fleet.groups.map(g => [g.minSize, g.maxSize])).toEqual([[2, 6]]);
    expect(app.fleet.scheduledActions.map(a => a.minSize).sort()).toEqual([1, 2]);
    expect(app.fleet.schedules.map(s => s.api).sort()).toEqual(['ec2:startInstances', 'ec2:stopInstances']);
    // The API's Sunday patching hour; the worker's weekday nights, weekend, and from an hour
    // before each start to 15 minutes after it.
    expect(app.muteRules.map(r => r.durationMinutes)).toEqual([60, 11 * 60, 59 * 60, 75]);
    // Both agents (group and instance) publish what their alarms read.
    expect(app.fleet.agents.map(a => a.series.length > 0)).toEqual([true, true]);
    expect(app.fleet.idleShutdown?.settings.lookbackMinutes).toBe(60);
  });

  test('the quiet week\'s nightly scale-in to the scheduled minimum pages nobody (the fleet counts against the lowest minimum)', () => {
    const r = run('quiet-week');
    expect(r.notifications.filter(n => /ReportingInstances/.test(n.alarm))).toEqual([]);
  });

  test('the quiet week\'s replacement of the only instance at night pages nobody', () => {
    const r = run('quiet-week');
    const night = parseInstant('2026-12-02T03:00:00+01:00');
    expect(r.notifications.filter(n => n.minute >= night && n.minute < night + 60)).toEqual([]);
    expect(r.activity.some(a => a.minute === night && /^replaced /.test(a.what))).toBe(true);
  });

  test('the quiet week\'s deploys send security notifications (INFO, no OK) and page nobody', () => {
    const r = run('quiet-week');
    const cis = r.notifications.filter(n => /AuditCis/.test(n.alarm));
    expect(cis.length).toBeGreaterThan(0);
    expect(cis.every(n => n.severity === 'INFO' && n.state === 'ALARM')).toBe(true);
    // The pager's subscription filters on the alarm tags (CRITICAL of orders-team): only email hears them.
    expect([...new Set(cis.flatMap(n => n.recipients))]).toEqual(['email:oncall@example.com']);
    expect(cis.filter(isPage)).toEqual([]);
  });

  test('planned downtime pages nobody: scheduled stops and starts and an idle stop of the worker', () => {
    const r = run('quiet-week');
    expect(r.activity.some(a => /^idle shutdown: stopped /.test(a.what))).toBe(true);
    expect(r.activity.filter(a => /WorkerOfficeHoursStop/.test(a.what))).toHaveLength(5);
    expect(r.notifications.filter(n => /Worker/.test(n.alarm))).toEqual([]);
    expect(r.silenced.some(s => /Worker/.test(s.alarm) && s.why === 'actions disabled')).toBe(true);
  });

  test('the quiet week pages nobody: business-hours scale-out launches instances whose agents start after they are in service', () => {
    const r = run('quiet-week');
    expect(r.notifications.filter(isPage)).toEqual([]);
    expect(r.failures).toEqual([]);
  });

  const failureScenarios = STOCK_SCENARIOS.filter(s => s.name !== 'quiet-week').map(s => s.name);
  test.each(failureScenarios)('failure scenario %s pages the expected severity in time', name => {
    const r = run(name);
    expect(r.notApplicable).toBeUndefined();
    expect(r.failures).toEqual([]);
  });

  test('the hardware failure of the worker pages CRITICAL with EC2 recover, which brings it back', () => {
    const r = run('hardware-failure');
    const page = r.notifications.find(n => n.state === 'ALARM' && n.ec2Actions.includes('recover'))!;
    expect(page.severity).toBe('CRITICAL');
    expect(r.notifications.some(n => n.alarm === page.alarm && n.state === 'OK' && n.minute > page.minute)).toBe(true);
  });

  test('a fleet contributor that stops publishing (its instance replaced) sends OK for that instance', () => {
    const r = run('os-hang');
    const alarm = r.notifications.find(n => n.contributor && n.state === 'ALARM')!;
    expect(r.notifications.some(n => n.alarm === alarm.alarm && n.contributor === alarm.contributor && n.state === 'OK')).toBe(true);
  });

  test('a failed scheduled start pages CRITICAL when the mute window ends, 15 minutes after the start, though the alarms went to ALARM while muted', () => {
    const r = run('scheduled-start-fails');
    expect(r.activity.some(a => /StartInstances .* failed/.test(a.what))).toBe(true);
    const pages = r.notifications.filter(n => /Worker/.test(n.alarm) && n.state === 'ALARM');
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.every(n => n.severity === 'CRITICAL' && n.afterMute === true)).toBe(true);
    expect(pages.map(n => n.minute - parseInstant('2026-12-01T06:55:00+01:00'))).toEqual(pages.map(() => 20));
    expect(r.failures).toEqual([]);
  });

  test('audit delivery that stops pages CRITICAL one hour later: the empty hour is a 0, not missing data waiting for a wider range', () => {
    const r = run('audit-delivery-stops');
    const page = r.notifications.find(n => /AuditAlarmsNoEvents/.test(n.alarm) && n.state === 'ALARM')!;
    expect(page.severity).toBe('CRITICAL');
    expect(page.minute - parseInstant('2026-12-01T09:00:00+01:00')).toBe(60);
  });

  test('the alert topic that fails is heard on the escalation topic', () => {
    const r = run('alert-topic-fails');
    const heard = r.notifications.filter(n => /FailedDelivery/.test(n.alarm) && n.state === 'ALARM' && n.delivered);
    expect(heard.length).toBeGreaterThan(0);
    expect(heard.every(n => n.recipients.join() === 'email:platform@example.com')).toBe(true);
    expect(r.failures).toEqual([]);
  });
});
