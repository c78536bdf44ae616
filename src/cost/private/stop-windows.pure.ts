// The stop windows of a start/stop schedule, as alarm mute rules. Pure: no CDK, no I/O.
//
// EventBridge Scheduler cron: `cron(minutes hours day-of-month month day-of-week year)`, days
// of the week 1-7 = SUN-SAT (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html).
// Alarm mute rule cron: `cron(minute hour day-of-month month day-of-week)` with `*`, `,`, `-`
// and SUN-SAT (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-mute-rules.html).

export const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const WEEK = 7 * 24 * 60;

/** One mute rule's schedule: the stops at one time of day on some days, all with the same window. */
export interface StopWindow {
  /** `cron(minute hour * * days)`, in the schedule's time zone. */
  readonly expression: string;
  /** From the stop to the next start, plus what the caller adds, in minutes. */
  readonly durationMinutes: number;
  /** Readable: `MON-THU 20:00 -> next 07:00`. */
  readonly description: string;
}

/** A Scheduler cron reduced to the times of the week it fires, or why it cannot be. */
export function weeklyTimes(expression: string): { minutes: number[] } | { reason: string } {
  const m = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (!m) return { reason: 'not a cron expression (a rate has no fixed stop time)' };
  const [, minute, hour, dom, month, dow, year] = m;
  if (!['?', '*'].includes(dom) || month !== '*' || year !== '*') {
    return { reason: 'day-of-month, month and year must be ? or * (the window is computed over a week)' };
  }
  const minutes = list(minute, 0, 59);
  const hours = list(hour, 0, 23);
  const days = dow === '?' || dow === '*' ? [0, 1, 2, 3, 4, 5, 6] : weekDays(dow);
  if (!minutes || !hours || !days) return { reason: 'minutes, hours and days of the week must be numbers, names, lists or ranges (no /, L, W or #)' };
  const out = days.flatMap(d => hours.flatMap(h => minutes.map(mi => d * 1440 + h * 60 + mi)));
  return { minutes: [...new Set(out)].sort((a, b) => a - b) };
}

/**
 * The stop windows of a week: for each stop, the minutes until the next start; stops at the
 * same time of day with the same window share a rule. `extraMinutes` is added to each window
 * (none when `startWindows` covers the starts).
 */
export function stopWindows(stops: number[], starts: number[], extraMinutes: number): StopWindow[] {
  const groups = new Map<string, { time: number; duration: number; gap: number; days: number[] }>();
  for (const stop of stops) {
    const next = starts.find(s => s > stop) ?? starts[0] + WEEK;
    const gap = next - stop;
    const time = stop % 1440;
    const key = `${time}/${gap}`;
    const group = groups.get(key) ?? { time, duration: gap + extraMinutes, gap, days: [] };
    group.days.push(Math.floor(stop / 1440));
    groups.set(key, group);
  }
  return [...groups.values()]
    .sort((a, b) => a.days[0] - b.days[0] || a.time - b.time)
    .map(g => {
      const hhmm = `${String(Math.floor(g.time / 60)).padStart(2, '0')}:${String(g.time % 60).padStart(2, '0')}`;
      const days = dayList(g.days);
      return {
        expression: `cron(${g.time % 60} ${Math.floor(g.time / 60)} * * ${days})`,
        durationMinutes: g.duration,
        description: `${days} ${hhmm}, ${formatMinutes(g.gap)} until the next start`,
      };
    });
}

/**
 * The windows around each start: from `beforeMinutes` before it (the daylight-saving shift: on
 * the night that gains an hour a stop window, whose length is fixed, ends that much before the
 * start's wall-clock time) until `afterMinutes` after it (the boot and the alarms' evaluation,
 * until they are OK again). With the stop windows they cover every stopped minute, and the
 * mute ends `afterMinutes` after a start on every night, so a failed start pages then.
 */
export function startWindows(starts: number[], beforeMinutes: number, afterMinutes: number): StopWindow[] {
  const groups = new Map<number, number[]>();
  for (const start of starts) {
    const from = (start - beforeMinutes + WEEK) % WEEK;
    const time = from % 1440;
    groups.set(time, [...(groups.get(time) ?? []), Math.floor(from / 1440)]);
  }
  return [...groups.entries()]
    .sort(([a, da], [b, db]) => da[0] - db[0] || a - b)
    .map(([time, days]) => {
      const dayNames = dayList(days);
      const hhmm = `${String(Math.floor(time / 60)).padStart(2, '0')}:${String(time % 60).padStart(2, '0')}`;
      return {
        expression: `cron(${time % 60} ${Math.floor(time / 60)} * * ${dayNames})`,
        durationMinutes: beforeMinutes + afterMinutes,
        description: `${dayNames} ${hhmm}, ${beforeMinutes ? `${formatMinutes(beforeMinutes)} before ` : ''}the start until ${afterMinutes} min after it`,
      };
    });
}

/** `MON,TUE,WED` as `MON-WED`; other sets as lists. */
export function dayList(days: number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const runs: number[][] = [];
  for (const d of sorted) {
    const last = runs[runs.length - 1];
    if (last && d === last[last.length - 1] + 1) last.push(d);
    else runs.push([d]);
  }
  return runs.map(r => (r.length > 2 ? `${DAYS[r[0]]}-${DAYS[r[r.length - 1]]}` : r.map(d => DAYS[d]).join(','))).join(',');
}

function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return `${h} h${m ? ` ${m} min` : ''}`;
}

/** A field of numbers, lists and ranges within min..max, or undefined for anything else. */
function list(field: string, min: number, max: number): number[] | undefined {
  const out: number[] = [];
  for (const part of field.split(',')) {
    const r = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!r) return undefined;
    const from = Number(r[1]);
    const to = r[2] !== undefined ? Number(r[2]) : from;
    if (from < min || to > max || from > to) return undefined;
    for (let v = from; v <= to; v++) out.push(v);
  }
  return out;
}

/** Scheduler days of the week (1-7 = SUN-SAT, or names) as 0-6 = SUN-SAT. */
function weekDays(field: string): number[] | undefined {
  const index = (token: string) => (/^\d$/.test(token) ? Number(token) - 1 : DAYS.indexOf(token.toUpperCase() as typeof DAYS[number]));
  const out: number[] = [];
  for (const part of field.split(',')) {
    const r = /^([A-Za-z]{3}|\d)(?:-([A-Za-z]{3}|\d))?$/.exec(part);
    if (!r) return undefined;
    const from = index(r[1]);
    const to = r[2] !== undefined ? index(r[2]) : from;
    if (from < 0 || to < 0 || from > 6 || to > 6 || from > to) return undefined;
    for (let d = from; d <= to; d++) out.push(d);
  }
  return out;
}

/**
 * How far the time zone's offset moves over a year, in minutes (60 where daylight saving
 * time is kept, 0 in UTC): a night that gains an hour lasts that much longer than its wall
 * clock says, and the mute must still cover it.
 */
export function daylightSavingShiftMinutes(timeZone: string, year = 2026): number {
  const offsets: number[] = [];
  for (let month = 0; month < 12; month++) {
    const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(Date.UTC(year, month, 15)))
      .find(p => p.type === 'timeZoneName')?.value ?? 'GMT';
    const o = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    offsets.push(o ? (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3])) : 0);
  }
  return Math.max(...offsets) - Math.min(...offsets);
}
