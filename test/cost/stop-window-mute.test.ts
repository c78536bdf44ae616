// The stop windows of a schedule against what CloudWatch documents for mute rules
// (alarm-mute-rules-behaviour): a muted alarm keeps changing state; when the window ends, an
// alarm still in the state it was originally muted in runs that state's actions (ALARM still
// in ALARM pages; one back to OK runs nothing); a transition outside every window acts at once.
import * as fc from 'fast-check';
import { daylightSavingShiftMinutes, dayList, startWindows, stopWindows, weeklyTimes } from '../../src/cost/private/stop-windows.pure';

const DAY = 1440;
const WEEK = 7 * DAY;
/** A status-check liveness alarm: 1-minute periods, 3 of 3 breaching, missing data breaching, readable 2 minutes late. */
const EVALUATION = 3;
const READABLE_AFTER = 2;
const BOOT = 4;

interface Notification { readonly minute: number; readonly state: 'ALARM' | 'OK' }

interface Options {
  readonly failedStarts?: number[];
  readonly crashes?: number[];
  /** The time zone's daylight-saving shift (60 in Berlin). */
  readonly shift?: number;
  /** Every night gains the shift: the fixed-length stop windows end that much early. */
  readonly nightsGainAnHour?: boolean;
  /** Start windows opening this long before the start instead of the shift (a negative control). */
  readonly startBefore?: number;
}

/**
 * A week (and a bit) of one instance under a schedule, minute by minute, with mute windows as
 * the library computes them. `failedStarts` are starts (minute of the week) that leave the
 * instance stopped; `crashes` are minutes at which a running instance dies until the next start.
 */
function simulate(start: string, stop: string, afterStart: number, opts: Options = {}): Notification[] {
  const starts = (weeklyTimes(start) as { minutes: number[] }).minutes;
  const stops = (weeklyTimes(stop) as { minutes: number[] }).minutes;
  const shift = opts.shift ?? 0;
  const gained = (w: { durationMinutes: number }) => (opts.nightsGainAnHour ? { ...w, durationMinutes: w.durationMinutes - shift } : w);
  const windows = [...stopWindows(stops, starts, 0).map(gained), ...startWindows(starts, opts.startBefore ?? shift, afterStart)];
  // Expand each rule's cron (minute hour * * days) into mute intervals over two weeks.
  const mutes: Array<[number, number]> = [];
  for (const w of windows) {
    const [, minute, hour, days] = /^cron\((\d+) (\d+) \* \* (\S+)\)$/.exec(w.expression)!;
    const dayIndexes = days.split(',').flatMap(part => {
      const names = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
      const [a, b] = part.split('-').map(n => names.indexOf(n));
      return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
    });
    for (const week of [-1, 0, 1]) {
      for (const d of dayIndexes) {
        const from = week * WEEK + d * DAY + Number(hour) * 60 + Number(minute);
        mutes.push([from, from + w.durationMinutes]);
      }
    }
  }
  const muted = (m: number) => mutes.some(([a, b]) => a <= m && m < b);
  // Running: from each successful start + boot, until the next stop (or crash).
  const events = [
    ...[-1, 0, 1].flatMap(w => starts.map(s => ({ at: w * WEEK + s, run: !(opts.failedStarts ?? []).includes(s) || w !== 0 }))),
    ...[-1, 0, 1].flatMap(w => stops.map(s => ({ at: w * WEEK + s, run: false }))),
    ...(opts.crashes ?? []).map(c => ({ at: c, run: false })),
  ].sort((a, b) => a.at - b.at);
  const running = (m: number) => {
    let state = false;
    let since = -Infinity;
    for (const e of events) {
      if (e.at > m) break;
      if (e.run !== state) { state = e.run; since = e.at; }
    }
    return state && m >= since + BOOT;
  };
  const notifications: Notification[] = [];
  let state: 'OK' | 'ALARM' = 'OK';
  let pending: 'OK' | 'ALARM' | undefined;
  for (let m = 0; m < WEEK + DAY; m++) {
    // The newest readable periods are those that ended READABLE_AFTER minutes ago.
    const newest = m - READABLE_AFTER;
    const breaching = Array.from({ length: EVALUATION }, (_, i) => !running(newest - i)).every(Boolean);
    const next = breaching ? 'ALARM' : 'OK';
    if (next !== state) {
      state = next;
      if (muted(m)) {pending ??= next;} else { notifications.push({ minute: m, state: next }); pending = undefined; }
    } else if (pending && !muted(m)) {
      // The window ended: the muted actions of the state it is still in run now.
      if (pending === state) notifications.push({ minute: m, state });
      pending = undefined;
    }
    if (pending && !muted(m)) pending = undefined;
  }
  return notifications;
}

const OFFICE = { start: 'cron(0 8 ? * MON-FRI *)', stop: 'cron(0 19 ? * MON-FRI *)' };
const at = (day: number, h: number, m = 0) => day * DAY + h * 60 + m;

describe('ScheduledStartStop mute rules against CloudWatch\'s mute behaviour', () => {
  const BERLIN = { shift: daylightSavingShiftMinutes('Europe/Berlin') };

  test('a quiet week of office hours notifies nobody: the alarms muted in ALARM at night are OK again when the window ends', () => {
    expect(simulate(OFFICE.start, OFFICE.stop, 15, BERLIN)).toEqual([]);
  });

  test('a start that fails pages when its window ends, 15 minutes after the start, and only then', () => {
    const wednesday = at(3, 8);
    const n = simulate(OFFICE.start, OFFICE.stop, 15, { ...BERLIN, failedStarts: [wednesday] });
    expect(n.filter(x => x.state === 'ALARM')).toEqual([{ minute: at(3, 8, 15), state: 'ALARM' }]);
  });

  test('the night that gains an hour: the stop windows end an hour early and the start windows still cover the gap', () => {
    expect(simulate(OFFICE.start, OFFICE.stop, 15, { ...BERLIN, nightsGainAnHour: true }).filter(x => x.state === 'ALARM')).toEqual([]);
    const failed = simulate(OFFICE.start, OFFICE.stop, 15, { ...BERLIN, nightsGainAnHour: true, failedStarts: [at(3, 8)] });
    expect(failed.filter(x => x.state === 'ALARM')).toEqual([{ minute: at(3, 8, 15), state: 'ALARM' }]);
    // Without the start windows' hour before the start, that night pages when the stop window ends.
    const uncovered = simulate(OFFICE.start, OFFICE.stop, 15, { ...BERLIN, nightsGainAnHour: true, startBefore: 0 });
    expect(uncovered.filter(x => x.state === 'ALARM').map(x => x.minute)).toEqual([1, 2, 3, 4, 5].map(d => at(d, 7)));
  });

  test('a crash in office hours pages at once; one just before the stop stays muted and the next start ends it', () => {
    const midday = simulate(OFFICE.start, OFFICE.stop, 15, { ...BERLIN, crashes: [at(2, 14)] });
    expect(midday.filter(x => x.state === 'ALARM').map(x => x.minute)).toEqual([at(2, 14) + READABLE_AFTER + EVALUATION - 1]);
    // Crashed at 18:58, in ALARM at 19:02 inside the window: muted, then OK again next morning.
    const late = simulate(OFFICE.start, OFFICE.stop, 15, { ...BERLIN, crashes: [at(2, 18, 58)] });
    expect(late.filter(x => x.state === 'ALARM')).toEqual([]);
  });

  test('property: any weekday schedule with the default 15 minutes after the start never pages while nothing fails', () => {
    const hours = [fc.integer({ min: 5, max: 10 }), fc.integer({ min: 16, max: 22 }), fc.integer({ min: 0, max: 59 })] as const;
    fc.assert(fc.property(...hours, (startHour, stopHour, minute) => {
      const n = simulate(`cron(${minute} ${startHour} ? * MON-FRI *)`, `cron(${minute} ${stopHour} ? * MON-FRI *)`, 15);
      expect(n.filter(x => x.state === 'ALARM')).toEqual([]);
    }), { numRuns: 40 });
  });

  test('the daylight-saving shift covers the night that gains an hour (60 minutes in Berlin, none in UTC or Kolkata)', () => {
    expect(daylightSavingShiftMinutes('Europe/Berlin')).toBe(60);
    expect(daylightSavingShiftMinutes('America/New_York')).toBe(60);
    expect(daylightSavingShiftMinutes('UTC')).toBe(0);
    expect(daylightSavingShiftMinutes('Asia/Kolkata')).toBe(0);
  });

  test('reads Scheduler days of the week (1-7 = SUN-SAT) and writes mute-rule names', () => {
    expect(weeklyTimes('cron(0 19 ? * 2-6 *)')).toEqual(weeklyTimes('cron(0 19 ? * MON-FRI *)'));
    expect(dayList([1, 2, 3, 4])).toBe('MON-THU');
    expect(dayList([0, 6])).toBe('SUN,SAT');
    expect(stopWindows([at(5, 22)], [at(1, 6)], 0)).toEqual([
      { expression: 'cron(0 22 * * FRI)', durationMinutes: at(8, 6) - at(5, 22), description: 'FRI 22:00, 56 h until the next start' },
    ]);
    // A start at 00:30 on Monday: its window opens on Sunday at 23:30.
    expect(startWindows([at(1, 0, 30)], 60, 15)).toEqual([
      { expression: 'cron(30 23 * * SUN)', durationMinutes: 75, description: 'SUN 23:30, 1 h before the start until 15 min after it' },
    ]);
  });
});
