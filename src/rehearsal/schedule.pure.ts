// Schedules as the templates write them, evaluated minute by minute in their time zone:
// EventBridge and EventBridge Scheduler `cron(...)` (six fields, day-of-week 1-7 = SUN-SAT),
// `rate(...)` and `at(...)`; Auto Scaling scheduled actions and alarm mute rules in Unix cron
// (five fields, day-of-week 0-7 with 0 and 7 = SUN). Pure: no CDK, no I/O.
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html

/** Minutes since the epoch. */
export type Minute = number;

/** A wall-clock reading of one minute in a time zone. */
export interface LocalTime {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number; // 1-31
  readonly hour: number;
  readonly minute: number;
  /** 0 = Sunday ... 6 = Saturday. */
  readonly weekday: number;
}

const WEEKDAYS: Record<string, number> = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };
const MONTHS: Record<string, number> = { JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 };

const formatters = new Map<string, Intl.DateTimeFormat>();
const localCache = new Map<string, { minute: Minute; time: LocalTime }>();
/** UTC offsets (minutes) of IANA time zones by hour: offsets change only on the hour (DST). */
const offsetCache = new Map<string, number>();

function fields(shifted: Minute): LocalTime {
  const d = new Date(shifted * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    weekday: d.getUTCDay(),
  };
}

/** The UTC offset of a time zone at a minute, in minutes. */
function offsetOf(minute: Minute, timeZone: string): number {
  const fixed = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})$/.exec(timeZone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC' || timeZone === 'GMT') return 0;
  const hour = Math.floor(minute / 60);
  const key = `${timeZone}|${hour}`;
  const hit = offsetCache.get(key);
  if (hit !== undefined) return hit;
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(hour * 3_600_000))) parts[p.type] = p.value;
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute)) / 60_000;
  const offset = asUtc - hour * 60;
  offsetCache.set(key, offset);
  return offset;
}

/** The local time of a minute in an IANA time zone or a fixed offset (`+05:30`, `UTC+05:30`); UTC when omitted. */
export function localTime(minute: Minute, timeZone = 'UTC'): LocalTime {
  const cached = localCache.get(timeZone);
  if (cached && cached.minute === minute) return cached.time;
  const time = fields(minute + offsetOf(minute, timeZone));
  localCache.set(timeZone, { minute, time });
  return time;
}

type FieldMatcher = (value: number, t: LocalTime) => boolean;

function parseField(field: string, min: number, max: number, names: Record<string, number>, what: string): FieldMatcher {
  if (field === '*' || field === '?') return () => true;
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const num = (s: string) => {
      const v = names[s.toUpperCase()] ?? Number(s);
      if (!Number.isInteger(v)) throw new Error(`bad ${what} "${s}" in cron field "${field}"`);
      return v;
    };
    let from: number;
    let to: number;
    if (range === '*') {
      from = min; to = max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      from = num(a); to = num(b);
    } else {
      from = num(range); to = stepText === undefined ? from : max;
    }
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in cron field "${field}"`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return v => values.has(v);
}

/** A recurring schedule: which minutes it fires in. */
export interface Recurrence {
  /** The expression as written. */
  readonly expression: string;
  /** True when the schedule fires at this minute. */
  fires(minute: Minute): boolean;
}

function cronRecurrence(expression: string, parts: string[], unix: boolean, timeZone: string | undefined): Recurrence {
  const [mi, h, dom, mon, dow, year] = parts;
  const minute = parseField(mi, 0, 59, {}, 'minute');
  const hour = parseField(h, 0, 23, {}, 'hour');
  const day = parseField(dom, 1, 31, {}, 'day of month');
  const month = parseField(mon, 1, 12, MONTHS, 'month');
  // EventBridge numbers days 1 (SUN) to 7 (SAT); Unix cron 0 (SUN) to 6, 7 also SUN.
  const dayNames = unix ? WEEKDAYS : Object.fromEntries(Object.entries(WEEKDAYS).map(([k, v]) => [k, v + 1]));
  const weekdayField = parseField(dow, unix ? 0 : 1, unix ? 7 : 7, dayNames, 'day of week');
  const weekday: FieldMatcher = (_v, t) => (unix
    ? weekdayField(t.weekday, t) || (t.weekday === 0 && weekdayField(7, t))
    : weekdayField(t.weekday + 1, t));
  const yearField = year === undefined ? () => true : parseField(year, 1970, 2199, {}, 'year');
  // Unix cron: when both day fields are restricted, either may match.
  const both = unix && dom !== '*' && dow !== '*';
  return {
    expression,
    fires(m: Minute): boolean {
      const t = localTime(m, timeZone);
      if (!minute(t.minute, t) || !hour(t.hour, t) || !month(t.month, t) || !yearField(t.year, t)) return false;
      return both ? day(t.day, t) || weekday(t.weekday, t) : day(t.day, t) && weekday(t.weekday, t);
    },
  };
}

/**
 * Parses a schedule expression. `firstMinute` anchors `rate(...)` schedules (they run one
 * interval after they are created).
 */
export function parseSchedule(expression: string, timeZone: string | undefined, firstMinute: Minute): Recurrence {
  const e = expression.trim();
  let m: RegExpExecArray | null;
  if ((m = /^cron\((.*)\)$/.exec(e))) {
    const parts = m[1].trim().split(/\s+/);
    if (parts.length === 6) return cronRecurrence(e, parts, false, timeZone);
    if (parts.length === 5) return cronRecurrence(e, parts, true, timeZone);
    throw new Error(`cron expression ${e} must have 5 or 6 fields`);
  }
  if ((m = /^rate\((\d+)\s+(minutes?|hours?|days?)\)$/.exec(e))) {
    const every = Number(m[1]) * (m[2].startsWith('minute') ? 1 : m[2].startsWith('hour') ? 60 : 1440);
    return { expression: e, fires: (minute: Minute) => minute > firstMinute && (minute - firstMinute) % every === 0 };
  }
  if ((m = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2})?\)$/.exec(e))) {
    const [, y, mo, d, h, mi] = m.map(Number);
    return {
      expression: e,
      fires: (minute: Minute) => {
        const t = localTime(minute, timeZone);
        return t.year === y && t.month === mo && t.day === d && t.hour === h && t.minute === mi;
      },
    };
  }
  const unixParts = e.split(/\s+/);
  if (unixParts.length === 5) return cronRecurrence(e, unixParts, true, timeZone);
  throw new Error(`unsupported schedule expression ${e}: cron(...), rate(...), at(...) or five-field Unix cron`);
}

/** Minutes in an ISO 8601 duration (`PT4H`, `PT30M`, `P1D`, `P1DT2H`). */
export function isoDurationMinutes(duration: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(duration.trim());
  if (!m || duration.trim() === 'P' || duration.trim() === 'PT') throw new Error(`bad ISO 8601 duration ${duration}`);
  return Number(m[1] ?? 0) * 1440 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) + Math.ceil(Number(m[4] ?? 0) / 60);
}

/** Parses `2026-11-30T08:00` (UTC when it carries no offset) into minutes since the epoch. */
export function parseInstant(text: string): Minute {
  const iso = /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`bad time ${text}: use an ISO 8601 time such as 2026-11-30T08:00Z`);
  return Math.floor(ms / 60_000);
}

/** `2026-11-30 08:00` in UTC. */
export function formatMinute(minute: Minute, timeZone?: string): string {
  const t = localTime(minute, timeZone);
  const p = (n: number) => String(n).padStart(2, '0');
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][t.weekday];
  return `${day} ${t.year}-${p(t.month)}-${p(t.day)} ${p(t.hour)}:${p(t.minute)}`;
}
