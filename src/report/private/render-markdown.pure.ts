// The monitoring report as Markdown. Pure: no CDK, no I/O.
import { markdownTop, notificationText } from './alarm-cards.pure';
import type { ReportModel, StackReport } from './report-model.pure';
import { renderRehearsal } from '../../rehearsal/render.pure';

/** A Markdown table cell: pipes escaped, line breaks flattened. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').trim() || '—';
}

/** A Markdown table. */
export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(r => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** The monitoring report as Markdown: the counts and the CRITICAL alarms, one section per stack, then the monthly cost. */
export function renderMarkdown(report: ReportModel): string {
  const total = report.costs.reduce((t, x) => t + x.totalMonthlyUsd, 0);
  const out: string[] = [`# ${report.title}`, ''];
  if (report.costs.length) out.push(`Estimated monitoring cost: $${total.toFixed(2)}/month.`, '');
  out.push(...markdownTop(report, table));
  for (const stack of report.stacks) out.push(...renderStack(stack));
  if (report.rehearsal) out.push('## Rehearsal', '', renderRehearsal(report.rehearsal, '###'));
  out.push('## Monthly cost', '');
  if (report.costs.length === 0) {
    out.push('No `CostReport` in the app: add one to a stack to estimate what its monitoring costs.', '');
  }
  for (const cost of report.costs) {
    out.push(`### ${cost.title}`, '', '```', cost.table, '```', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function renderStack(s: StackReport): string[] {
  const out = [`## Stack ${s.stackName}`, ''];
  out.push(`### Alarms (${s.alarms.length})`, '');
  out.push(table(
    ['Alarm (name in the notification)', 'Severity', 'What happened, what to do', 'Watches', 'Condition', 'Evaluation', 'Missing data',
      'ALARM', 'OK', 'INSUFFICIENT_DATA', 'Planned downtime', 'Runbook', 'Warm-up', 'Mute rules', 'Tags (in notifications)'],
    s.alarms.map(a => [
      `${notificationText(a)}<br>\`${a.path}\``, `${a.severity || 'none (direct)'}${a.securityAudit ? ' (security audit)' : ''}`, a.description,
      `${a.kind}: ${a.watches}`, a.condition, a.evaluation, a.missingData,
      a.alarmActions.join('; '), a.okActions.join('; '), a.insufficientDataActions.join('; '), a.plannedDowntime, a.runbook,
      a.warmUp, a.muteRules.join('<br>'), `${a.tags.join(', ')} (${a.tagPropagation})`,
    ]),
  ), '');
  if (s.topics.length) {
    out.push('### Alert topics', '', table(['Topic', 'Subscribers'], s.topics.map(t => [`${t.name}<br>\`${t.path}\``, t.subscribers.join('; ')])), '');
  }
  if (s.logGroups.length) {
    out.push('### Log groups', '', table(['Log group', 'Retention', 'Encryption', 'Removal policy'],
      s.logGroups.map(g => [`${g.name}<br>\`${g.path}\``, g.retention, g.encryption, g.removalPolicy])), '');
  }
  if (s.agents.length) {
    out.push('### CloudWatch agent configurations', '', table(['Parameter', 'Plugins', 'Log files', 'Series'],
      s.agents.map(a => [`${a.parameterName}<br>\`${a.path}\``, a.plugins.join('; '), a.files.join('; '), a.series])), '');
  }
  if (s.schedules.length) {
    out.push('### Schedules', '', table(['Schedule', 'When', 'What'], s.schedules.map(x => [`\`${x.path}\``, x.when, x.what])), '');
  }
  for (const idle of s.idleShutdown) {
    out.push('### Idle shutdown', '', `\`${idle.path}\` runs ${idle.schedule}${idle.dryRun ? ' in dry-run mode (reports, stops nothing)' : ''}. ${idle.rule}`,
      '', `Opt-in tag: ${idle.optIn}.`, '');
  }
  if (s.notifications.length) {
    out.push('### EventBridge notifications', '', table(['Rule', 'Events', 'Target'],
      s.notifications.map(n => [`\`${n.path}\``, n.events, n.target])), '');
  }
  if (s.trails.length) {
    out.push('### Audit trail', '', table(['Trail', 'Settings'], s.trails.map(t => [`${t.name}<br>\`${t.path}\``, t.settings.join('; ')])), '');
  }
  if (s.dashboards.length) {
    out.push('### Dashboards', '', table(['Dashboard', 'Widgets'],
      s.dashboards.map(d => [`${d.name}<br>\`${d.path}\``, d.widgets.map(w => w.title).join('; ')])), '');
  }
  return out;
}
