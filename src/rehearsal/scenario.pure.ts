// Scenarios as data: a start, a length, a load, events (deploys, replacements, failures) and
// what is expected to page. JSON files of this shape run with `cdk-watchkeeper-report rehearse
// --scenario FILE`; the stock ones live in stock-scenarios.pure.ts. Pure: no CDK, no I/O.
import { Minute, localTime, parseInstant } from './schedule.pure';

/** What happens in a scenario, at a time. */
export interface ScenarioEvent {
  /**
   * When: `+90m`, `+2h`, `+1d3h` after the start, or `Tue 10:00` (the first such local time
   * at or after the start, in the scenario's time zone), or an ISO 8601 instant.
   */
  readonly at: string;
  /**
   * One of: `deploy`, `replace-instance`, `idle`, `start-instance`, `stop-instance`,
   * `agent-stops`, `os-hang`, `hardware-failure`, `disk-fills`, `memory-leak`, `launch-fails`,
   * `scheduled-start-fails`, `log-burst`, `audit-delivery-stops`, `topic-fails`.
   */
  readonly kind: string;
  /**
   * What it happens to: `group` (an instance of the first Auto Scaling group), `all` (every
   * instance of it), `instance` (the first instance the app defines), or a logical ID, name
   * or construct path fragment of a group or instance; for `topic-fails`, a fragment of the
   * topic names (default: the topic most alarms notify). Defaults per kind.
   */
  readonly target?: string;
  /** How long it lasts, in minutes (idle, log-burst, disk-fills and memory-leak build up over it). */
  readonly minutes?: number;
  /** Log lines per minute of a burst. */
  readonly linesPerMinute?: number;
  /** CloudFormation resource types a deploy changes (CloudTrail records their API calls). */
  readonly changes?: string[];
}

/** A page the scenario expects. */
export interface ExpectedPage {
  /** The severity it must have (`CRITICAL`, `WARNING`, `INFO`). */
  readonly severity: string;
  /** A fragment of what the alarm watches (metric name, namespace or query), e.g. `StatusCheckFailed_System`. */
  readonly watches?: string;
  /** A fragment of the alarm's name or construct path. */
  readonly alarm?: string;
  /** The longest time from the first failure event to the page. */
  readonly withinMinutes: number;
  /** An EC2 action that must run with it (`recover`...). */
  readonly ec2Action?: string;
  /** Why this page is expected (shown when it fails). */
  readonly why?: string;
}

/** What a scenario expects. */
export interface ScenarioExpectations {
  /** Pages that must arrive (delivered to a subscriber) in time. */
  readonly pages?: ExpectedPage[];
  /**
   * Whether pages other than the expected ones are allowed (consequences of the failure).
   * @default false
   */
  readonly allowOtherPages?: boolean;
}

/** The load the app serves: how many instances its groups need. */
export interface LoadProfile {
  /** Local business hours, `08:00-18:00` by default. */
  readonly businessHours?: string;
  /** Business days, `MON-FRI` by default. */
  readonly businessDays?: string;
  /** Instances a group needs in business hours (default: half its maximum, at least 1). */
  readonly peakInstances?: number;
  /** Instances a group needs outside them (default 1). */
  readonly offPeakInstances?: number;
}

/** A scenario. */
export interface Scenario {
  /** A stable kebab-case name. */
  readonly name: string;
  readonly description: string;
  /** ISO 8601 start, e.g. `2026-11-30T00:00:00+01:00`. */
  readonly start: string;
  /** Length in hours (a week is 168). */
  readonly hours: number;
  /** The time zone of business hours and of `Tue 10:00` event times. @default 'UTC' */
  readonly timeZone?: string;
  readonly load?: LoadProfile;
  readonly events?: ScenarioEvent[];
  readonly expect?: ScenarioExpectations;
}

/** Event kinds that are failures (the clock of `withinMinutes` starts at the first). */
export const FAILURE_KINDS = new Set([
  'agent-stops', 'os-hang', 'hardware-failure', 'disk-fills', 'memory-leak', 'launch-fails', 'scheduled-start-fails',
  'log-burst', 'audit-delivery-stops', 'topic-fails',
]);

const KINDS = new Set([...FAILURE_KINDS, 'deploy', 'replace-instance', 'idle', 'start-instance', 'stop-instance']);

/** Resolves an event time to minutes since the epoch. */
export function eventMinute(at: string, start: Minute, timeZone: string | undefined): Minute {
  const rel = /^\+((?:\d+[dhm])+)$/.exec(at.trim());
  if (rel) {
    let total = 0;
    for (const [, n, unit] of rel[1].matchAll(/(\d+)([dhm])/g)) total += Number(n) * (unit === 'd' ? 1440 : unit === 'h' ? 60 : 1);
    return start + total;
  }
  const local = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat)\s+(\d{1,2}):(\d{2})$/i.exec(at.trim());
  if (local) {
    const day = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].indexOf(local[1].toLowerCase());
    for (let m = start; m < start + 8 * 1440; m++) {
      const t = localTime(m, timeZone);
      if (t.weekday === day && t.hour === Number(local[2]) && t.minute === Number(local[3])) return m;
    }
  }
  return parseInstant(at);
}

/** Checks a scenario read from a file; returns the problems (empty when it is valid). */
export function scenarioProblems(s: any): string[] {
  const problems: string[] = [];
  if (typeof s !== 'object' || s === null) return ['a scenario must be a JSON object'];
  if (typeof s.name !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(s.name)) problems.push(`name must be kebab-case, got ${JSON.stringify(s.name)}`);
  if (typeof s.start !== 'string' || !Number.isFinite(Date.parse(s.start))) problems.push(`start must be an ISO 8601 time, got ${JSON.stringify(s.start)}`);
  if (typeof s.hours !== 'number' || !(s.hours > 0) || s.hours > 24 * 31) problems.push(`hours must be between 1 and 744, got ${JSON.stringify(s.hours)}`);
  for (const [i, e] of ((s.events ?? []) as any[]).entries()) {
    if (!KINDS.has(e?.kind)) problems.push(`events[${i}].kind must be one of ${[...KINDS].join(', ')}, got ${JSON.stringify(e?.kind)}`);
    if (typeof e?.at !== 'string') problems.push(`events[${i}].at must be a time such as +2h or Tue 10:00, got ${JSON.stringify(e?.at)}`);
  }
  for (const [i, p] of ((s.expect?.pages ?? []) as any[]).entries()) {
    if (typeof p?.severity !== 'string') problems.push(`expect.pages[${i}].severity must be CRITICAL, WARNING or INFO`);
    if (typeof p?.withinMinutes !== 'number') problems.push(`expect.pages[${i}].withinMinutes must be a number`);
  }
  return problems;
}
