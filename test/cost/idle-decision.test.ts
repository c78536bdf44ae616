import * as fc from 'fast-check';
import {
  IdleSettings, InstanceFacts, InstanceSeries, MAX_QUERIES_PER_CALL, QUERIES_PER_INSTANCE, QUERIES_PER_PASS, alarmsToRead, chunk, decide,
  decideOnCpu, expectedDatapoints, ineligibility, metricQueries, metricWindow, networkBytesForWindow, publicationDelayMinutes, report,
  restorePlan, silencePlan, silencedAlarms,
} from '../../src/cost/idle-decision.pure';

const SETTINGS: IdleSettings = {
  optInTagKey: 'watchkeeper:idle-shutdown',
  optInTagValue: 'enabled',
  protectionTagKey: 'watchkeeper:keep-running',
  cpuPeakPercent: 5,
  networkBytes: 5 * 1024 * 1024,
  lookbackMinutes: 60,
  periodMinutes: 5,
  dryRun: false,
};

const OPTED_IN: InstanceFacts = {
  instanceId: 'i-0000000000000001',
  state: 'running',
  tags: { 'watchkeeper:idle-shutdown': 'enabled' },
  hibernationConfigured: false,
};

const flat = (v: number): Array<number | undefined> => Array.from({ length: 12 }, () => v);
const IDLE: InstanceSeries = { cpuPeak: flat(1), networkIn: flat(1000), networkOut: flat(1000) };

describe('idle decision', () => {
  test('a complete, quiet hour stops the instance, and says why', () => {
    expect(decide(OPTED_IN, IDLE, SETTINGS)).toEqual({
      instanceId: 'i-0000000000000001',
      action: 'stop',
      reason: 'idle for 60 minutes: peak CPU 1% < 5%, network 24000 bytes < 5242880',
    });
  });

  test('an instance launched with hibernation is hibernated', () => {
    expect(decide({ ...OPTED_IN, hibernationConfigured: true }, IDLE, SETTINGS).action).toBe('hibernate');
  });

  test.each([
    ['one CPU period at the threshold', { ...IDLE, cpuPeak: [...flat(1).slice(1), 5] }, /peak CPU 5% reached the 5% threshold/],
    ['network traffic over the window', { ...IDLE, networkIn: flat(500_000) }, /network traffic 6012000 bytes reached/],
    ['one CPU datapoint missing', { ...IDLE, cpuPeak: flat(1).slice(1) }, /metrics are missing/],
    ['an undefined network datapoint', { ...IDLE, networkOut: [undefined, ...flat(1).slice(1)] }, /metrics are missing/],
    ['a NaN datapoint', { ...IDLE, cpuPeak: [NaN, ...flat(1).slice(1)] }, /metrics are missing/],
    ['no data at all', { cpuPeak: [], networkIn: [], networkOut: [] }, /metrics are missing/],
  ])('keeps the instance on %s', (_name, series, reason) => {
    const d = decide(OPTED_IN, series as InstanceSeries, SETTINGS);
    expect(d.action).toBe('keep');
    expect(d.reason).toMatch(reason);
  });

  test.each([
    ['not running', { ...OPTED_IN, state: 'stopping' }, 'it is stopping, not running'],
    ['without the opt-in tag', { ...OPTED_IN, tags: {} }, 'it does not carry the opt-in tag watchkeeper:idle-shutdown=enabled'],
    ['with another opt-in value', { ...OPTED_IN, tags: { 'watchkeeper:idle-shutdown': 'disabled' } }, 'it does not carry the opt-in tag'],
    ['protected', { ...OPTED_IN, tags: { ...OPTED_IN.tags, 'watchkeeper:keep-running': '' } }, 'it carries the protection tag watchkeeper:keep-running'],
    ['in an Auto Scaling group', { ...OPTED_IN, tags: { ...OPTED_IN.tags, 'aws:autoscaling:groupName': 'web' } }, 'it belongs to Auto Scaling group web'],
  ])('never touches an instance %s', (_name, instance, reason) => {
    expect(ineligibility(instance, SETTINGS)).toContain(reason);
    expect(decide(instance, IDLE, SETTINGS)).toMatchObject({ action: 'keep' });
  });

  const series = fc.record({
    cpuPeak: fc.array(fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined }), { maxLength: 14 }),
    networkIn: fc.array(fc.option(fc.double({ min: 0, max: 1e7, noNaN: true }), { nil: undefined }), { maxLength: 14 }),
    networkOut: fc.array(fc.option(fc.double({ min: 0, max: 1e7, noNaN: true }), { nil: undefined }), { maxLength: 14 }),
  });
  const tags = fc.dictionary(fc.constantFrom('watchkeeper:idle-shutdown', 'watchkeeper:keep-running', 'aws:autoscaling:groupName', 'Name'),
    fc.constantFrom('enabled', 'disabled', 'web', ''));
  const instance = fc.record({
    instanceId: fc.constant('i-1'),
    state: fc.constantFrom('running', 'stopped', 'pending', 'stopping'),
    tags,
    hibernationConfigured: fc.boolean(),
  });

  test('property: never stops an instance with any datapoint missing in the window', () => {
    fc.assert(fc.property(instance, series, (i, s) => {
      const window = expectedDatapoints(SETTINGS);
      const complete = [s.cpuPeak, s.networkIn, s.networkOut].every(p => p.length >= window && p.slice(0, window).every(v => v !== undefined));
      if (!complete) expect(decide(i, s, SETTINGS).action).toBe('keep');
    }), { numRuns: 500 });
  });

  test('property: never stops an untagged, protected, grouped or non-running instance', () => {
    fc.assert(fc.property(instance, (i) => {
      const eligible = i.state === 'running' && i.tags['watchkeeper:idle-shutdown'] === 'enabled'
        && !('watchkeeper:keep-running' in i.tags) && !('aws:autoscaling:groupName' in i.tags);
      if (!eligible) expect(decide(i, IDLE, SETTINGS).action).toBe('keep');
    }), { numRuns: 500 });
  });

  test('property: a stop always means every threshold held', () => {
    fc.assert(fc.property(instance, series, (i, s) => {
      const d = decide(i, s, SETTINGS);
      if (d.action === 'keep') return;
      const w = expectedDatapoints(SETTINGS);
      expect(Math.max(...(s.cpuPeak.slice(0, w) as number[]))).toBeLessThan(SETTINGS.cpuPeakPercent);
      const bytes = [...s.networkIn.slice(0, w), ...s.networkOut.slice(0, w)].reduce((a: number, b) => a + (b as number), 0);
      expect(bytes).toBeLessThan(SETTINGS.networkBytes);
    }), { numRuns: 500 });
  });

  test('property: what the CPU alone decides is what every metric decides, so a busy instance\'s network need not be read', () => {
    fc.assert(fc.property(instance, series, (i, s) => {
      const byCpu = decideOnCpu(i, s.cpuPeak, SETTINGS);
      if (byCpu) expect(decide(i, s, SETTINGS)).toEqual(byCpu);
      else expect(decide(i, s, SETTINGS).reason).not.toMatch(/peak CPU .* reached|carries|does not carry|belongs|not running/);
    }), { numRuns: 500 });
  });

  test('reads in two passes: one CPU query per instance (500 a call), then two network queries (250 a call)', () => {
    expect(metricQueries(['i-a'], SETTINGS, 3, ['cpu']).map(q => q.Id)).toEqual(['c3']);
    expect(metricQueries(['i-a'], SETTINGS, 3, ['network']).map(q => [q.Id, q.MetricStat.Metric.MetricName])).toEqual([['i3', 'NetworkIn'], ['o3', 'NetworkOut']]);
    expect(MAX_QUERIES_PER_CALL / QUERIES_PER_PASS.cpu).toBe(500);
    expect(MAX_QUERIES_PER_CALL / QUERIES_PER_PASS.network).toBe(250);
  });

  test('three queries per instance, ids by position, so 166 instances fit one GetMetricData call', () => {
    const q = metricQueries(['i-a', 'i-b'], SETTINGS, 10);
    expect(q.map(x => x.Id)).toEqual(['c10', 'i10', 'o10', 'c11', 'i11', 'o11']);
    expect(q[0].MetricStat).toEqual({
      Metric: { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'InstanceId', Value: 'i-a' }] },
      Period: 300,
      Stat: 'Maximum',
    });
    expect(q[1].MetricStat.Stat).toBe('Sum');
    expect(Math.floor(MAX_QUERIES_PER_CALL / QUERIES_PER_INSTANCE)).toBe(166);
  });

  test('chunks lists and refuses a useless size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(/chunk size must be a positive integer, got 0/);
  });

  test('reports what was stopped, what failed and what was not reached; nothing when nothing happened', () => {
    const stop = decide(OPTED_IN, IDLE, SETTINGS);
    expect(report([{ ...stop, action: 'keep' }], [], [], false)).toBeUndefined();
    const r = report([stop], [{ instanceId: 'i-2', error: 'IncorrectInstanceState: stopping' }], ['i-3'], false)!;
    expect(r.subject).toBe('Idle shutdown: stopped 1, 1 failed');
    expect(r.message).toContain('- i-0000000000000001: stopped, idle for 60 minutes');
    expect(r.message).toContain('- i-2: IncorrectInstanceState: stopping');
    expect(r.message).toContain('Not evaluated before the time limit (1): i-3');
    expect(report([stop], [], [], true)!.message).toContain('would stop 1 instance(s) (dry run: nothing was stopped)');
  });
});

describe('idle window and alarm plans', () => {
  test('the window ends at the newest period EC2 has published: 10 minutes back with basic monitoring, 3 with detailed', () => {
    const now = new Date('2026-11-24T10:07:30Z');
    expect(metricWindow(now, SETTINGS, false)).toEqual({ start: new Date('2026-11-24T08:55:00Z'), end: new Date('2026-11-24T09:55:00Z') });
    expect(metricWindow(now, SETTINGS, true)).toEqual({ start: new Date('2026-11-24T09:00:00Z'), end: new Date('2026-11-24T10:00:00Z') });
  });

  test('property: every period of the window is readable at the run, and the window is as recent as that allows', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.boolean(), (minute, detailed) => {
      const now = new Date(minute * 60_000);
      const { start, end } = metricWindow(now, SETTINGS, detailed);
      const delay = publicationDelayMinutes(detailed) * 60_000;
      expect(end.getTime() + delay).toBeLessThanOrEqual(now.getTime());
      expect(end.getTime() + delay + 5 * 60_000).toBeGreaterThan(now.getTime());
      expect(end.getTime() - start.getTime()).toBe(60 * 60_000);
    }), { numRuns: 300 });
  });

  test("the network threshold is Compute Optimizer's 5 MB a day, pro rata for the window", () => {
    expect(networkBytesForWindow(5_000_000, 60)).toBe(208_333);
    expect(networkBytesForWindow(5_000_000, 1440)).toBe(5_000_000);
  });

  test('silences only alarms that are on, keeps earlier records, and turns on again only what it silenced once OK', () => {
    const tags = { 'watchkeeper:liveness-alarm-1': 'a', 'watchkeeper:liveness-alarm-2': 'b', 'watchkeeper:liveness-alarm-3': 'c' };
    const statuses = new Map([
      ['a', { name: 'a', actionsEnabled: true, state: 'OK' }],
      ['b', { name: 'b', actionsEnabled: false, state: 'OK' }],
      ['c', { name: 'c', actionsEnabled: true, state: 'ALARM' }],
    ]);
    expect(silencePlan(tags, statuses)).toEqual({ names: ['a', 'c'], marker: '1 3' });
    expect(silencePlan({ ...tags, 'watchkeeper:liveness-silenced': '2' }, statuses).marker).toBe('1 2 3');
    expect(restorePlan({ ...tags, 'watchkeeper:liveness-silenced': '1 3' }, statuses)).toEqual({ names: ['a'], remaining: '3', waiting: ['c'] });
    // an alarm that is gone is forgotten
    expect(restorePlan({ ...tags, 'watchkeeper:liveness-silenced': '1 4' }, statuses)).toEqual({ names: ['a'], remaining: '', waiting: [] });
  });

  test('reads before a stop only the alarms the instance does not say are deployed on, and after a restart only those it silenced', () => {
    const tags = { 'watchkeeper:liveness-alarm-1': 'a', 'watchkeeper:liveness-alarm-2': 'b', 'watchkeeper:liveness-alarm-3': 'c' };
    expect(alarmsToRead(tags)).toEqual(['a', 'b', 'c']);
    const managed = { ...tags, 'watchkeeper:liveness-managed': '1 3' };
    expect(alarmsToRead(managed)).toEqual(['b']);
    // managed alarms are turned off without a status; the others only when CloudWatch says they are on
    expect(silencePlan(managed, new Map([['b', { name: 'b', actionsEnabled: false, state: 'OK' }]]))).toEqual({ names: ['a', 'c'], marker: '1 3' });
    expect(silencePlan(managed, new Map([['b', { name: 'b', actionsEnabled: true, state: 'OK' }]]))).toEqual({ names: ['a', 'b', 'c'], marker: '1 2 3' });
    expect(silencedAlarms({ ...managed, 'watchkeeper:liveness-silenced': '1 2 9' })).toEqual(['a', 'b']);
  });
});
