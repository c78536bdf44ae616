// What changed in the monitoring between two synths, as Markdown for a pull request: alarms and
// cost here, everything else in section-diff. Pure: no CDK, no I/O.
import { notificationText } from './alarm-cards.pure';
import type { AlarmEntry } from './alarm-entries.pure';
import { table } from './render-markdown.pure';
import type { CostModel, ReportModel } from './report-model.pure';
import { sectionChanges } from './section-diff.pure';

/** The alarm fields a reviewer cares about, with their labels. */
const FIELDS: Array<[keyof AlarmEntry, string]> = [
  ['name', 'name'],
  ['severity', 'severity'],
  ['watches', 'metric'],
  ['condition', 'threshold'],
  ['evaluation', 'evaluation'],
  ['missingData', 'missing data'],
  ['alarmActions', 'ALARM actions'],
  ['okActions', 'OK actions'],
  ['insufficientDataActions', 'INSUFFICIENT_DATA actions'],
  ['plannedDowntime', 'planned downtime'],
  ['runbook', 'runbook'],
  ['description', 'what happened, what to do'],
  ['recipients', 'who receives it'],
  ['warmUp', 'warm-up'],
  ['muteRules', 'mute rules'],
  ['tags', 'tags'],
  ['tagPropagation', 'tags in notifications'],
];

const show = (v: unknown) => (Array.isArray(v) ? v.join('; ') : String(v ?? ''));
const usd = (n: number) => `$${n.toFixed(2)}`;
const signed = (n: number) => `${n >= 0 ? '+' : '-'}$${Math.abs(n).toFixed(2)}`;

/** Alarms by construct path (stable across synths, unlike generated names). */
function byPath(report: ReportModel): Map<string, AlarmEntry> {
  return new Map(report.stacks.flatMap(s => s.alarms).map(a => [a.path, a]));
}

/** The alarm's name in a table: the name its notification carries when the report has it. */
const alarmName = (a: AlarmEntry) => (a.notificationName !== undefined ? notificationText(a) : a.name);

/**
 * What changed between two synths, as Markdown for a pull request: alarms added, removed and
 * changed, then agent configuration, dashboards, topics and subscriptions, log groups,
 * schedules, mute rules and idle settings, notifications and trails, then the cost line by
 * line with quantities. A field or section only one report carries (reports of different
 * layouts) is not compared, and the diff says so.
 */
export function diffReports(before: ReportModel, after: ReportModel): string {
  const old = byPath(before);
  const now = byPath(after);
  const added = [...now.values()].filter(a => !old.has(a.path));
  const removed = [...old.values()].filter(a => !now.has(a.path));
  const changed: string[][] = [];
  for (const a of now.values()) {
    const b = old.get(a.path);
    if (!b) continue;
    for (const [field, label] of FIELDS) {
      if (!(field in a) || !(field in b)) continue;
      if (show(a[field]) !== show(b[field])) changed.push([`\`${a.path}\``, label, show(b[field]), show(a[field])]);
    }
  }
  const total = (costs: CostModel[]) => costs.reduce((t, c) => t + c.totalMonthlyUsd, 0);
  const costBefore = total(before.costs);
  const costAfter = total(after.costs);
  const changedAlarms = new Set(changed.map(r => r[0])).size;
  const sections = sectionChanges(before, after);
  const costRows = costLines(before.costs, after.costs);
  const other = sections.filter(x => x.rows.length);
  const out = [
    '## Monitoring changes',
    '',
    `**Alarms:** ${added.length} added, ${removed.length} removed, ${changedAlarms} changed (${old.size} → ${now.size}).`,
    `**Monthly cost (estimate):** ${usd(costBefore)} → ${usd(costAfter)} (${signed(costAfter - costBefore)}).`,
    `**Also changed:** ${other.map(x => `${x.heading.toLowerCase()} (${x.rows.length})`).join(', ') || 'nothing else'}.`,
    '',
  ];
  if (before.schemaVersion !== after.schemaVersion) {
    out.push(`The reports have different layouts (schema version ${before.schemaVersion} → ${after.schemaVersion}): what only one of them carries is not compared.`, '');
  }
  if (added.length) {
    out.push('### Added alarms', '', table(['Alarm', 'Severity', 'Watches', 'Condition', 'Evaluation', 'ALARM actions'],
      added.map(a => [`${alarmName(a)}<br>\`${a.path}\``, a.severity || 'none', a.watches, a.condition, a.evaluation, a.alarmActions.join('; ')])), '');
  }
  if (removed.length) {
    out.push('### Removed alarms', '', table(['Alarm', 'Severity', 'Watches', 'Condition'],
      removed.map(a => [`${alarmName(a)}<br>\`${a.path}\``, a.severity || 'none', a.watches, a.condition])), '');
  }
  if (changed.length) out.push('### Changed alarms', '', table(['Alarm', 'Field', 'Before', 'After'], changed), '');
  for (const x of sections) {
    if (x.rows.length) out.push(`### ${x.heading}`, '', table(['What', 'Change', 'Before', 'After'], x.rows), '');
    if (x.notCompared.length) out.push(`${x.heading}: not compared: ${x.notCompared.join('; ')}.`, '');
  }
  if (costRows.length) out.push('### Cost', '', table(['Item', 'Before', 'After', 'Change'], costRows), '');
  if (!added.length && !removed.length && !changed.length && !other.length && !costRows.length) {
    out.push('No change to alarms, agent configuration, dashboards, topics, log groups, schedules or cost.', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Each cost line with its quantity, before and after, for the lines whose quantity or cost changed. */
function costLines(before: CostModel[], after: CostModel[]): string[][] {
  const lines = (costs: CostModel[]) => {
    const m = new Map<string, { quantity: number; unit: string; usd: number }>();
    for (const c of costs) {
      const prefix = costs.length > 1 ? `${c.title}: ` : '';
      for (const l of c.lines) {
        const key = `${prefix}${l.item}`;
        const was = m.get(key);
        m.set(key, { quantity: (was?.quantity ?? 0) + (l.quantity ?? 0), unit: l.unit ?? '', usd: (was?.usd ?? 0) + l.monthlyUsd });
      }
    }
    return m;
  };
  const b = lines(before);
  const a = lines(after);
  const amount = (x?: { quantity: number; unit: string; usd: number }) => (x ? `${quantity(x.quantity)} ${x.unit}, ${usd(x.usd)}`.trim() : '—');
  return [...new Set([...b.keys(), ...a.keys()])]
    .filter(i => Math.abs((a.get(i)?.usd ?? 0) - (b.get(i)?.usd ?? 0)) >= 0.005 || (a.get(i)?.quantity ?? 0) !== (b.get(i)?.quantity ?? 0))
    .map(i => {
      const dq = (a.get(i)?.quantity ?? 0) - (b.get(i)?.quantity ?? 0);
      return [i, amount(b.get(i)), amount(a.get(i)), `${dq >= 0 ? '+' : '-'}${quantity(Math.abs(dq))}, ${signed((a.get(i)?.usd ?? 0) - (b.get(i)?.usd ?? 0))}`];
    });
}

const quantity = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
