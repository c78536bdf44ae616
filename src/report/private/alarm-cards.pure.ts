// What the paged engineer reads first: the alarms counted by what they do, a search by the
// name a notification carries, and one card per CRITICAL alarm (security-audit alarms grouped
// apart). Shared by the HTML page and the Markdown file. Pure: no CDK, no I/O.
import type { AlarmEntry } from './alarm-entries.pure';
import type { ReportModel } from './report-model.pure';

/** Text for HTML, with `&`, `<`, `>`, quotes escaped. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** An alarm with the stack it belongs to. */
export interface StackAlarm {
  readonly stackName: string;
  readonly alarm: AlarmEntry;
}

/** How many alarms of each kind: each count says exactly what it counts. */
export interface AlarmCounts {
  readonly total: number;
  /** CRITICAL alarms that are not security-audit alarms: these page on-call for an outage. */
  readonly page: number;
  /** WARNING alarms that are not security-audit alarms. */
  readonly warn: number;
  /** INFO alarms that are not security-audit alarms. */
  readonly inform: number;
  /** Alarms with no severity that are not security-audit alarms (they notify their topic directly). */
  readonly direct: number;
  /** CIS controls and audit-trail delivery, whatever their severity. */
  readonly securityAudit: number;
}

export function alarmCounts(alarms: AlarmEntry[]): AlarmCounts {
  const service = alarms.filter(a => !a.securityAudit);
  const count = (s: string) => service.filter(a => a.severity === s).length;
  const page = count('CRITICAL');
  const warn = count('WARNING');
  const inform = count('INFO');
  return { total: alarms.length, page, warn, inform, direct: service.length - page - warn - inform, securityAudit: alarms.length - service.length };
}

/** The counts as labelled parts, in the order the page shows them. */
export function countLabels(c: AlarmCounts): Array<{ key: string; count: number; label: string }> {
  return [
    { key: 'total', count: c.total, label: 'alarms in all' },
    { key: 'critical', count: c.page, label: 'page on-call (CRITICAL service alarms)' },
    { key: 'warning', count: c.warn, label: 'warn (WARNING)' },
    { key: 'info', count: c.inform, label: 'inform (INFO)' },
    ...(c.direct ? [{ key: 'none', count: c.direct, label: 'notify their topic directly (no severity)' }] : []),
    ...(c.securityAudit ? [{ key: 'audit', count: c.securityAudit, label: 'security-audit alarms (CIS controls, audit-trail delivery)' }] : []),
  ];
}

/** How many rehearsed scenarios failed an expectation, when the report rehearsed the app. */
export function rehearsalCounts(report: ReportModel): { failed: number; label: string } | undefined {
  if (!report.rehearsal) return undefined;
  const failed = report.rehearsal.filter(s => s.verdict === 'FAILED').length;
  return { failed, label: `of ${report.rehearsal.length} rehearsed scenarios failed an expectation` };
}

/** The CRITICAL alarms that page on-call (security-audit alarms apart), and the security-audit alarms. */
export function cardAlarms(report: ReportModel): { page: StackAlarm[]; securityAudit: StackAlarm[] } {
  const all = report.stacks.flatMap(s => s.alarms.map(alarm => ({ stackName: s.stackName, alarm })));
  return {
    page: all.filter(x => x.alarm.severity === 'CRITICAL' && !x.alarm.securityAudit),
    securityAudit: all.filter(x => x.alarm.securityAudit),
  };
}

export const SECURITY_AUDIT_INTRO = 'CIS AWS Foundations Benchmark controls fire on the API call itself (a root sign-in, an IAM, '
  + 'security group or trail change), so a deploy that makes such a change raises them too: they call for a look at who '
  + 'made the change, not for an outage response. The audit trail\'s delivery alarm says when they are blind.';

/** The name as a notification carries it, said so when CloudFormation generates the rest. */
export function notificationText(a: AlarmEntry): string {
  return a.generatedName ? `${a.notificationName}… (CloudFormation generated the name: a random suffix follows)` : a.notificationName;
}

/** Attributes the search reads on a card or table row of an alarm. */
export function searchAttributes(stackName: string, a: AlarmEntry): string {
  const text = [a.notificationName, a.name, a.path, a.logicalId, stackName, a.severity, a.securityAudit, a.description, a.watches]
    .join(' ').toLowerCase();
  return `data-alarm="${esc(a.logicalId)}" data-name="${esc(a.notificationName.toLowerCase())}" data-id="${esc(a.logicalId.toLowerCase())}" `
    + `data-generated="${a.generatedName ? 'yes' : 'no'}" data-search="${esc(text)}"`;
}

const list = (items: string[], none: string) => (items.length ? `<ul>${items.map(i => `<li>${esc(i)}</li>`).join('')}</ul>` : `<span class="none">${esc(none)}</span>`);

/** One alarm as a card: the name its notification carries, what to do, the runbook, who hears it, planned downtime. */
export function htmlCard({ stackName, alarm: a }: StackAlarm): string {
  const sev = a.severity || 'none';
  const rows: Array<[string, string]> = [
    ['What happened, what to do', a.description ? esc(a.description) : '<span class="none">no description</span>'],
    ['Runbook', a.runbook ? `<a href="${esc(a.runbook)}">${esc(a.runbook)}</a>` : '<span class="none">no runbook</span>'],
    ['Who receives it', list(a.recipients, 'nobody: the alarm has no ALARM action')],
    ['Planned downtime', `<span class="${a.plannedDowntime.startsWith('NOT') ? 'warn' : ''}">${esc(a.plannedDowntime)}</span>`],
    ['Fires when', esc([a.watches, a.condition, a.evaluation && `for ${a.evaluation}`, a.missingData && `missing data: ${a.missingData}`].filter(Boolean).join(' · '))],
    ['Also notified', esc([a.okActions.length ? `OK: ${a.okActions.join('; ')}` : '', a.insufficientDataActions.length ? `INSUFFICIENT_DATA: ${a.insufficientDataActions.join('; ')}` : ''].filter(Boolean).join(' · ') || '—')],
    ['Stack and construct', `${esc(stackName)} · <code>${esc(a.path)}</code>`],
  ];
  return `<article class="alarm-card" ${searchAttributes(stackName, a)}>`
    + `<h3><span class="sev sev-${esc(sev.toLowerCase())}">${esc(sev)}</span> <span class="notif">${esc(a.notificationName)}${a.generatedName ? '…' : ''}</span></h3>`
    + (a.generatedName ? '<p class="hint">The start of the name CloudFormation generated: a random suffix follows in the notification.</p>' : '')
    + (a.securityAudit ? `<p class="label">${esc(a.securityAudit)}</p>` : '')
    + `<dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl></article>`;
}

/** The search box, the counts and the cards, for the top of the HTML page. */
export function htmlTop(report: ReportModel): string {
  const all = report.stacks.flatMap(s => s.alarms);
  const { page, securityAudit } = cardAlarms(report);
  const total = report.costs.reduce((t, x) => t + x.totalMonthlyUsd, 0);
  const counts = countLabels(alarmCounts(all)).map(c => `<div class="card c-${c.key}"><b>${c.count}</b>${esc(c.label)}</div>`);
  if (report.costs.length) counts.push(`<div class="card c-cost"><b>$${total.toFixed(2)}</b>per month (estimate)</div>`);
  const rehearsal = rehearsalCounts(report);
  if (rehearsal) {
    counts.push(`<a class="card c-rehearsal" href="#rehearsal"><b>${rehearsal.failed}</b>${esc(rehearsal.label)}</a>`);
  }
  return `<div class="search"><label for="search">Find an alarm: paste the name from its notification, or any word of its path or description</label>
<input id="search" type="search" autocomplete="off" spellcheck="false" placeholder="e.g. ${esc(page[0]?.alarm.notificationName ?? 'alarm name')}">
<span id="search-count" aria-live="polite"></span></div>
<div class="overview" id="overview">${counts.join('')}</div>
<section id="pages"><h2>CRITICAL alarms: these page on-call (${page.length})</h2>
<div class="cards">${page.map(htmlCard).join('\n') || '<p class="none">No CRITICAL alarm outside the security audit.</p>'}</div></section>
${securityAudit.length ? `<section id="security-audit"><h2>Security-audit alarms (${securityAudit.length})</h2><p>${esc(SECURITY_AUDIT_INTRO)}</p>
<div class="cards">${securityAudit.map(htmlCard).join('\n')}</div></section>` : ''}`;
}

export const CARD_STYLE = `.search{margin:8px 0 12px}.search label{display:block;font-weight:600;margin-bottom:4px}
#search{width:100%;max-width:720px;font-size:16px;padding:8px 10px;border:2px solid #6b7280;border-radius:6px}#search-count{margin-left:8px;color:#4b5563}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,380px),1fr));gap:12px;margin:8px 0 16px}
.alarm-card{border:1px solid #e5e7eb;border-left:6px solid #dc2626;border-radius:8px;padding:10px 14px;background:#fff;min-width:0}
#security-audit .alarm-card{border-left-color:#7c3aed}.alarm-card h3{margin:0 0 6px;font-size:15px;overflow-wrap:anywhere}
.alarm-card dl{margin:0;display:grid;grid-template-columns:minmax(90px,28%) 1fr;gap:4px 10px}.alarm-card dt{font-weight:600;color:#374151}
.alarm-card dd{margin:0;min-width:0;overflow-wrap:anywhere}.alarm-card ul{margin:0;padding-left:18px}
.hint{margin:0 0 6px;color:#6b7280;font-size:12px}.label{margin:0 0 6px;color:#5b21b6;font-weight:600}.c-audit{background:#ede9fe}.c-total{background:#f3f4f6}
.c-rehearsal{background:#fef9c3;color:inherit;text-decoration:none}
[data-hidden]{display:none!important}`;

// Shows only the alarms that match what is typed: a word of the name, path or description,
// or a text that holds the alarm's name (a notification's subject or a generated name with
// its random suffix). Cards and table rows of one alarm share its data-alarm.
export const SEARCH_SCRIPT = `(function(){var box=document.getElementById('search');if(!box)return;
var items=Array.prototype.slice.call(document.querySelectorAll('[data-alarm]'));var out=document.getElementById('search-count');
var total={};items.forEach(function(el){total[el.getAttribute('data-alarm')]=1;});var n=Object.keys(total).length;
function holds(q,name,generated){var i=q.indexOf(name);while(i>=0){var next=q.charAt(i+name.length);
if(generated||!/[a-z0-9_.\\-]/.test(next))return true;i=q.indexOf(name,i+1);}return false;}
function matches(el,q){if(!q)return true;if(el.getAttribute('data-search').indexOf(q)>=0)return true;
var g=el.getAttribute('data-generated')==='yes';return holds(q,el.getAttribute('data-name'),g)||(g&&q.indexOf(el.getAttribute('data-id'))>=0);}
function run(){var q=box.value.trim().toLowerCase();var shown={};items.forEach(function(el){var ok=matches(el,q);
if(ok){el.removeAttribute('data-hidden');shown[el.getAttribute('data-alarm')]=1;}else{el.setAttribute('data-hidden','');}});
out.textContent=q?Object.keys(shown).length+' of '+n+' alarms match':'';}
box.addEventListener('input',run);run();})();`;

/** The counts, the CRITICAL alarms and the security-audit alarms, for the top of the Markdown file. */
export function markdownTop(report: ReportModel, table: (header: string[], rows: string[][]) => string): string[] {
  const all = report.stacks.flatMap(s => s.alarms);
  const { page, securityAudit } = cardAlarms(report);
  const parts = countLabels(alarmCounts(all));
  const out = [`${parts[0].count} ${parts[0].label}: ${parts.slice(1).map(p => `${p.count} ${p.label}`).join(', ')}.`, ''];
  const rehearsal = rehearsalCounts(report);
  if (rehearsal) out.push(`${rehearsal.failed} ${rehearsal.label} (see Rehearsal).`, '');
  out.push(`## CRITICAL alarms: these page on-call (${page.length})`, '');
  for (const { stackName, alarm: a } of page) {
    out.push(`### ${notificationText(a)}`, '',
      `- **What happened, what to do:** ${a.description || 'no description'}`,
      `- **Runbook:** ${a.runbook || 'none'}`,
      `- **Who receives it:** ${a.recipients.join('; ') || 'nobody: the alarm has no ALARM action'}`,
      `- **Planned downtime:** ${a.plannedDowntime}`,
      `- **Fires when:** ${[a.watches, a.condition, a.evaluation && `for ${a.evaluation}`].filter(Boolean).join(' · ')}`,
      `- **Stack and construct:** ${stackName} · \`${a.path}\``, '');
  }
  if (securityAudit.length) {
    out.push(`## Security-audit alarms (${securityAudit.length})`, '', SECURITY_AUDIT_INTRO, '',
      table(['Alarm (name in the notification)', 'What it is', 'What happened, what to do', 'Who receives it'],
        securityAudit.map(({ alarm: a }) => [`${notificationText(a)}<br>\`${a.path}\``, a.securityAudit, a.description, a.recipients.join('; ')])), '');
  }
  return out;
}

/** Where to look after a synth, in one line: the HTML report, how many alarms page, and the monthly estimate. */
export function summaryLine(report: ReportModel, htmlFile: string): string {
  const alarms = report.stacks.flatMap(s => s.alarms);
  const total = report.costs.reduce((t, c) => t + c.totalMonthlyUsd, 0);
  const cost = report.costs.length ? `estimated monitoring cost $${total.toFixed(2)}/month` : 'no cost estimate (add a CostReport to a stack)';
  return `Monitoring report: ${htmlFile} (${alarms.length} alarms, ${alarmCounts(alarms).page} page on-call); ${cost}`;
}
