// How long a new alarm's warm-up lasts when the library derives it. Pure: no CDK, no I/O.
import { MAX_WARM_UP_MINUTES, MIN_WARM_UP_MINUTES } from './warm-up-limits';

/** What the derivation needs to know about an alarm. */
export interface AlarmWindow {
  /** The period of the metric (the longest one of a math expression), seconds. */
  readonly periodSeconds: number;
  /** Periods evaluated (N of M out of N). */
  readonly evaluationPeriods: number;
  /** The namespaces the alarm reads (`AWS/EC2`, `CWAgent` ...). */
  readonly namespaces: string[];
}

/**
 * Minutes after the end of a period until its datapoint can be read, by namespace and period.
 *
 * - `AWS/EC2` at 5-minute periods is basic monitoring: readable 5 to 10 minutes after the
 *   period ends (EC2 user guide, "Manage detailed monitoring for your EC2 instances").
 * - Everything else here publishes per minute (detailed monitoring, Auto Scaling group
 *   metrics, the CloudWatch agent, metric filters, SNS): readable about 2 minutes after its
 *   minute, plus one for safety (the figure `ScheduledStartStop` has always used).
 */
export function publicationDelayMinutes(namespace: string, periodSeconds: number): number {
  if (namespace === 'AWS/EC2' && periodSeconds >= 300) return 10;
  return 3;
}

/**
 * The derived warm-up: the evaluation window plus the slowest publication delay of the
 * alarm's metrics, within CloudWatch's 1 to 2,880 minutes. CloudWatch ends a warm-up early
 * once a datapoint fills the newest period of the window, so a long one costs nothing when
 * the metric already publishes; it only bounds how long a new alarm waits for a metric that
 * has not started.
 */
export function derivedWarmUpMinutes(window: AlarmWindow): number {
  const windowMinutes = Math.ceil(window.periodSeconds * window.evaluationPeriods / 60);
  const delay = Math.max(3, ...window.namespaces.map(n => publicationDelayMinutes(n, window.periodSeconds)));
  return Math.min(MAX_WARM_UP_MINUTES, Math.max(MIN_WARM_UP_MINUTES, windowMinutes + delay));
}

/**
 * The namespaces a Metrics Insights query reads (`FROM "CWAgent"`, `FROM SCHEMA("AWS/EC2", ...)`).
 */
export function queryNamespaces(sql: string): string[] {
  const match = /\bFROM\s+(?:SCHEMA\s*\(\s*)?"?([^",\s)]+)"?/i.exec(sql);
  return match ? [match[1]] : [];
}

/** True for a Metrics Insights query that returns one series per contributor (GROUP BY). */
export function isMultiTimeSeriesQuery(sql: string): boolean {
  return /^\s*SELECT\s/i.test(sql) && /\bGROUP\s+BY\b/i.test(sql);
}
