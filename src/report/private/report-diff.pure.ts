// What changed in the monitoring between two synths, as Markdown for a pull request.
// Pure: no CDK, no I/O.
import type { AlarmEntry } from './alarm-entries.pure';
import { table } from './render-markdown.pure';
import type { CostModel, ReportModel } from './report-model.pure';

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

/** Alarms added, removed and changed, and the change in monthly cost, as Markdown. */
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
      if (show(a[field]) !== show(b[field])) changed.push([`\`${a.path}\``, label, show(b[field]), show(a[field])]);
    }
  }
  const total = (costs: CostModel[]) => costs.reduce((t, c) => t + c.totalMonthlyUsd, 0);
  const costBefore = total(before.costs);
  const costAfter = total(after.costs);
  const changedAlarms = new Set(changed.map(r => r[0])).size;
  const out = [
    '## Monitoring changes',
    '',
    `**Alarms:** ${added.length} added, ${removed.length} removed, ${changedAlarms} changed (${old.size} → ${now.size}).`,
    `**Monthly cost (estimate):** ${usd(costBefore)} → ${usd(costAfter)} (${signed(costAfter - costBefore)}).`,
    '',
  ];
  if (added.length) {
    out.push('### Added alarms', '', table(['Alarm', 'Severity', 'Watches', 'Condition', 'Evaluation', 'ALARM actions'],
      added.map(a => [`${a.name}<br>\`${a.path}\``, a.severity || 'none', a.watches, a.condition, a.evaluation, a.alarmActions.join('; ')])), '');
  }
  if (removed.length) {
    out.push('### Removed alarms', '', table(['Alarm', 'Severity', 'Watches', 'Condition'],
      removed.map(a => [`${a.name}<br>\`${a.path}\``, a.severity || 'none', a.watches, a.condition])), '');
  }
  if (changed.length) out.push('### Changed alarms', '', table(['Alarm', 'Field', 'Before', 'After'], changed), '');
  const costRows = costLines(before.costs, after.costs);
  if (costRows.length) out.push('### Cost', '', table(['Item', 'Before', 'After', 'Change'], costRows), '');
  if (!added.length && !removed.length && !changed.length && costBefore === costAfter) out.push('No change to alarms or cost.', '');
  return `${out.join('\n').trimEnd()}\n`;
}

function costLines(before: CostModel[], after: CostModel[]): string[][] {
  const lines = (costs: CostModel[]) => {
    const m = new Map<string, number>();
    for (const c of costs) {
      const prefix = costs.length > 1 ? `${c.title}: ` : '';
      for (const l of c.lines) m.set(`${prefix}${l.item}`, (m.get(`${prefix}${l.item}`) ?? 0) + l.monthlyUsd);
    }
    return m;
  };
  const b = lines(before);
  const a = lines(after);
  const items = [...new Set([...b.keys(), ...a.keys()])];
  return items
    .filter(i => Math.abs((a.get(i) ?? 0) - (b.get(i) ?? 0)) >= 0.005)
    .map(i => [i, usd(b.get(i) ?? 0), usd(a.get(i) ?? 0), signed((a.get(i) ?? 0) - (b.get(i) ?? 0))]);
}
