// Checks a scenario's outcome against what it expects: every expected page delivered in time
// with its severity (and EC2 action), and no other page. A page is a notification of a
// CRITICAL alarm, or of an alarm the library did not route by severity. Pure: no CDK, no I/O.
import type { Notification, ScenarioResult } from './results.pure';
import { ExpectedPage, Scenario } from './scenario.pure';
import { Minute, formatMinute } from './schedule.pure';

/** True when a notification is a page (it wakes the on-call engineer). */
export function isPage(n: Notification): boolean {
  return n.severity === 'CRITICAL' || n.severity === '';
}

function matches(p: ExpectedPage, n: Notification): boolean {
  return (p.watches === undefined || n.watches.includes(p.watches))
    && (p.alarm === undefined || n.alarm.includes(p.alarm) || n.path.includes(p.alarm));
}

function describe(p: ExpectedPage): string {
  const what = [p.watches && `watching ${p.watches}`, p.alarm && `named like ${p.alarm}`].filter(Boolean).join(', ');
  return `a ${p.severity} page${what ? ` from an alarm ${what}` : ''}${p.ec2Action ? ` with EC2 ${p.ec2Action}` : ''} within ${p.withinMinutes} min`;
}

/** Every failed expectation of a result, each with why. */
export function checkExpectations(scenario: Scenario, result: Pick<ScenarioResult, 'notifications' | 'silenced'>, failureStart: Minute): string[] {
  const tz = scenario.timeZone;
  const failures: string[] = [];
  const expected = scenario.expect?.pages ?? [];
  const used = new Set<Notification>();
  for (const p of expected) {
    const candidates = result.notifications.filter(n => n.state === 'ALARM' && matches(p, n) && n.minute >= failureStart);
    const inTime = candidates.filter(n => n.minute - failureStart <= p.withinMinutes);
    const good = inTime.filter(n => n.severity === p.severity && n.delivered && (!p.ec2Action || n.ec2Actions.includes(p.ec2Action)));
    if (good.length > 0) {
      for (const n of result.notifications) if (matches(p, n)) used.add(n);
      continue;
    }
    let why: string;
    const late = candidates.find(n => n.delivered);
    const silent = result.silenced.find(s => s.to === 'ALARM' && s.minute >= failureStart);
    if (inTime.some(n => !n.delivered)) why = `${inTime[0].alarm} went to ALARM at ${formatMinute(inTime[0].minute, tz)} but the topic ${inTime[0].topic} did not deliver it`;
    else if (inTime.length > 0 && inTime[0].severity !== p.severity) why = `${inTime[0].alarm} paged as ${inTime[0].severity || 'no severity'}`;
    else if (inTime.length > 0) why = `${inTime[0].alarm} paged without the EC2 ${p.ec2Action} action`;
    else if (late) why = `the first page came after ${late.minute - failureStart} min (${late.alarm})`;
    else if (silent) why = `${silent.alarm} went to ALARM at ${formatMinute(silent.minute, tz)} but nobody heard: ${silent.why}`;
    else why = 'no such alarm went to ALARM';
    failures.push(`expected ${describe(p)} of ${formatMinute(failureStart, tz)}: ${why}${p.why ? ` (${p.why})` : ''}`);
  }
  if (!scenario.expect?.allowOtherPages) {
    for (const n of result.notifications) {
      if (!isPage(n) || used.has(n)) continue;
      failures.push(`unexpected page: ${n.alarm} ${n.state}${n.contributor ? ` (${n.contributor})` : ''} at ${formatMinute(n.minute, tz)} `
        + `(${n.severity || 'no severity'}) to ${n.recipients.join(', ')}`);
    }
  }
  return failures;
}
