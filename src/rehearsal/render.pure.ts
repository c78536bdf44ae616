// The outcome of rehearsals as text: per scenario the timeline of notifications (time, alarm,
// state, severity, recipients, contributor, EC2 action) and every failed expectation with why.
// Pure: no CDK, no I/O.
import type { ScenarioResult } from './rehearse.pure';
import { formatMinute } from './schedule.pure';

/** One row of the timeline, as the report and the command print it. */
export interface TimelineRow {
  readonly time: string;
  readonly alarm: string;
  readonly state: string;
  readonly severity: string;
  readonly recipients: string;
  readonly contributor: string;
  readonly ec2Action: string;
}

/** A scenario's outcome, in the shape the monitoring report stores. */
export interface RehearsalSummary {
  readonly name: string;
  readonly description: string;
  /** PASSED, FAILED or NOT APPLICABLE. */
  readonly verdict: string;
  readonly timeline: TimelineRow[];
  readonly failures: string[];
  readonly note?: string;
}

/** The outcome of a scenario as rows and a verdict. */
export function summarize(r: ScenarioResult): RehearsalSummary {
  const tz = r.scenario.timeZone;
  return {
    name: r.scenario.name,
    description: r.scenario.description,
    verdict: r.notApplicable ? 'NOT APPLICABLE' : r.failures.length ? 'FAILED' : 'PASSED',
    timeline: r.notifications.map(n => ({
      time: formatMinute(n.minute, tz),
      alarm: n.alarm,
      state: n.state,
      severity: n.severity || 'none',
      recipients: `${n.recipients.join(', ')}${n.delivered ? '' : ' (not delivered)'}`,
      contributor: n.contributor ?? '',
      ec2Action: n.ec2Actions.join(', '),
    })),
    failures: r.failures,
    note: r.notApplicable,
  };
}

const HEADER = ['Time', 'Alarm', 'State', 'Severity', 'Recipients', 'Contributor', 'EC2 action'];

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').trim() || '—';
}

/** The timeline as a Markdown table. */
export function timelineTable(rows: readonly TimelineRow[]): string {
  return [
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map(() => '---').join(' | ')} |`,
    ...rows.map(r => `| ${[r.time, r.alarm, r.state, r.severity, r.recipients, r.contributor, r.ec2Action].map(cell).join(' | ')} |`),
  ].join('\n');
}

/** Every scenario as Markdown: a heading with the verdict, the timeline, the failed expectations. */
export function renderRehearsal(summaries: readonly RehearsalSummary[], heading = '##'): string {
  const out: string[] = [];
  const failed = summaries.filter(s => s.verdict === 'FAILED').length;
  out.push(`${summaries.length} scenario(s): ${summaries.length - failed} without failed expectations, ${failed} with.`, '');
  for (const s of summaries) {
    out.push(`${heading} ${s.name}: ${s.verdict}`, '', s.description, '');
    if (s.note) { out.push(`Not applicable: ${s.note}.`, ''); continue; }
    out.push(s.timeline.length ? timelineTable(s.timeline) : 'Nobody was notified.', '');
    if (s.failures.length) out.push('Failed expectations:', '', ...s.failures.map(f => `- ${f}`), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
