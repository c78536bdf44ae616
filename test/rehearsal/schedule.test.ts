// Schedules as the templates write them.
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
import { formatMinute, isoDurationMinutes, localTime, parseInstant, parseSchedule } from '../../src/rehearsal/schedule.pure';

const at = (iso: string) => parseInstant(iso);
const firing = (expression: string, tz: string | undefined, from: string, hours: number) => {
  const r = parseSchedule(expression, tz, at(from));
  const out: string[] = [];
  for (let m = at(from); m < at(from) + hours * 60; m++) if (r.fires(m)) out.push(formatMinute(m, tz));
  return out;
};

describe('schedules', () => {
  test('EventBridge cron numbers days 1 (SUN) to 7; Unix cron 0 (SUN) to 6, as scheduled actions write them', () => {
    expect(firing('cron(0 7 ? * MON-FRI *)', 'UTC', '2026-12-04T00:00Z', 96)).toEqual(['Fri 2026-12-04 07:00', 'Mon 2026-12-07 07:00']);
    expect(firing('cron(0 7 ? * 2 *)', 'UTC', '2026-12-04T00:00Z', 96)).toEqual(['Mon 2026-12-07 07:00']);
    expect(firing('0 7 * * 1', 'UTC', '2026-12-04T00:00Z', 96)).toEqual(['Mon 2026-12-07 07:00']);
  });

  test('a time zone follows daylight saving time: 08:00 in Berlin is 07:00 UTC in winter and 06:00 UTC in summer', () => {
    const r = parseSchedule('0 8 * * MON-FRI', 'Europe/Berlin', 0);
    expect(r.fires(at('2026-12-01T07:00Z'))).toBe(true);
    expect(r.fires(at('2026-07-01T06:00Z'))).toBe(true);
    expect(localTime(at('2026-03-29T01:00Z'), 'Europe/Berlin').hour).toBe(3);
  });

  test('rate() runs one interval after it is created, at() once, and mute-rule durations are ISO 8601', () => {
    const r = parseSchedule('rate(1 hour)', undefined, 100);
    expect([100, 160, 161, 220].map(m => r.fires(m))).toEqual([false, true, false, true]);
    expect(firing('at(2026-12-01T10:30:00)', 'Europe/Berlin', '2026-12-01T00:00Z', 24)).toEqual(['Tue 2026-12-01 10:30']);
    expect(isoDurationMinutes('PT4H')).toBe(240);
    expect(isoDurationMinutes('P1DT30M')).toBe(1470);
  });

  test('fails on an expression it cannot read', () => {
    expect(() => parseSchedule('every day', undefined, 0)).toThrow(/unsupported schedule expression/);
    expect(() => isoDurationMinutes('4 hours')).toThrow(/ISO 8601/);
  });
});
