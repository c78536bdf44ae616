// The monitoring report as one self-contained HTML page: no external script, style, font or
// image. Pure: no CDK, no I/O.
import { CARD_STYLE, SEARCH_SCRIPT, esc, htmlTop, notificationText, searchAttributes } from './alarm-cards.pure';
import type { AlarmEntry } from './alarm-entries.pure';
import type { DashboardEntry, ReportModel, StackReport } from './report-model.pure';
import type { RehearsalSummary } from '../../rehearsal/render.pure';

export { esc } from './alarm-cards.pure';

const GRID_X = 40;
const GRID_Y = 26;
const FILL: Record<string, string> = { metric: '#dbeafe', alarm: '#fee2e2', text: '#f3f4f6', log: '#dcfce7' };

/** A dashboard's layout as inline SVG: each widget a box with its title at its grid position. */
export function dashboardSvg(d: DashboardEntry): string {
  const width = 24 * GRID_X;
  const height = Math.max(1, ...d.widgets.map(w => w.y + w.height)) * GRID_Y;
  const boxes = d.widgets.map(w => {
    const x = w.x * GRID_X; const y = w.y * GRID_Y; const bw = w.width * GRID_X; const bh = w.height * GRID_Y;
    const chars = Math.max(4, Math.floor((bw - 16) / 7.5));
    const title = w.title.length > chars ? `${w.title.slice(0, chars - 1)}…` : w.title;
    return `<g><title>${esc(`${w.type}: ${w.title} (x ${w.x}, y ${w.y}, ${w.width}×${w.height})`)}</title>`
      + `<rect x="${x + 2}" y="${y + 2}" width="${bw - 4}" height="${bh - 4}" rx="4" fill="${FILL[w.type] ?? '#ede9fe'}" stroke="#6b7280"/>`
      + `<text x="${x + 10}" y="${y + 20}" font-size="13" font-weight="600">${esc(title)}</text>`
      + `<text x="${x + 10}" y="${y + 36}" font-size="11" fill="#4b5563">${esc(w.type)}</text></g>`;
  }).join('');
  return `<svg class="dash" role="img" aria-label="${esc(`Layout of ${d.name}`)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">${boxes}</svg>`;
}

/** A sortable table; `rowAttributes` adds attributes to each body row (the search reads them). */
function htmlTable(header: string[], rows: string[][], cls = '', rowAttributes: string[] = []): string {
  return `<table class="sortable ${cls}"><thead><tr>${header.map(h => `<th>${esc(h)}</th>`).join('')}</tr></thead>`
    + `<tbody>${rows.map((r, i) => `<tr${rowAttributes[i] ? ` ${rowAttributes[i]}` : ''}>${r.map(c => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

const list = (items: string[]) => items.length ? items.map(esc).join('<br>') : '<span class="none">—</span>';
const named = (name: string, path: string) => `<b>${esc(name)}</b><br><code>${esc(path)}</code>`;

function alarmRow(a: AlarmEntry): string[] {
  const sev = a.severity || 'none';
  const actions = (label: string, items: string[]) => (items.length ? `<b>${label}</b> ${items.map(esc).join('; ')}` : '');
  return [
    `<b>${esc(notificationText(a))}</b><br><code>${esc(a.path)}</code>`,
    `<span class="sev sev-${esc(sev.toLowerCase())}">${esc(sev)}</span>${a.securityAudit ? '<br><span class="label">security audit</span>' : ''}`,
    `${esc(a.description) || '<span class="none">—</span>'}${a.runbook ? `<br>Runbook: <a href="${esc(a.runbook)}">${esc(a.runbook)}</a>` : ''}`
      + (a.tags.length ? `<br><b>Tags</b> ${a.tags.map(esc).join(', ')} <i>(in notifications: ${esc(a.tagPropagation)})</i>` : ''),
    `<i>${esc(a.kind)}</i> ${esc(a.watches)}`,
    esc([a.condition, a.evaluation && `for ${a.evaluation}`, a.missingData && `missing data: ${a.missingData}`].filter(Boolean).join(' · ')),
    [actions('ALARM', a.alarmActions), actions('OK', a.okActions), actions('INSUFFICIENT_DATA', a.insufficientDataActions)].filter(Boolean).join('<br>')
      || '<span class="none">—</span>',
    `<span class="${a.plannedDowntime.startsWith('NOT') ? 'warn' : ''}">${esc(a.plannedDowntime)}</span>`
      + (a.muteRules.length ? `<br><b>Mute rules</b> ${a.muteRules.map(esc).join('<br>')}` : '')
      + `<br><b>Warm-up</b> ${esc(a.warmUp)}`,
  ];
}

function stackSection(s: StackReport): string {
  const parts = [`<h2>Stack ${esc(s.stackName)}</h2>`, `<h3>Alarms (${s.alarms.length})</h3>`,
    htmlTable(['Alarm (name in the notification)', 'Severity', 'What happened, what to do', 'Watches', 'Fires when', 'Actions',
      'Planned downtime, warm-up'], s.alarms.map(alarmRow), 'alarms', s.alarms.map(a => searchAttributes(s.stackName, a)))];
  if (s.topics.length) parts.push('<h3>Alert topics</h3>', htmlTable(['Topic', 'Subscribers'], s.topics.map(t => [named(t.name, t.path), list(t.subscribers)])));
  if (s.logGroups.length) {
    parts.push('<h3>Log groups</h3>', htmlTable(['Log group', 'Retention', 'Encryption', 'Removal policy'],
      s.logGroups.map(g => [named(g.name, g.path), esc(g.retention), esc(g.encryption), esc(g.removalPolicy)])));
  }
  if (s.agents.length) {
    parts.push('<h3>CloudWatch agent configurations</h3>', htmlTable(['Parameter', 'Plugins', 'Log files', 'Series'],
      s.agents.map(a => [named(a.parameterName, a.path), list(a.plugins), list(a.files), esc(a.series)])));
  }
  if (s.schedules.length) parts.push('<h3>Schedules</h3>', htmlTable(['Schedule', 'When', 'What'], s.schedules.map(x => [`<code>${esc(x.path)}</code>`, esc(x.when), esc(x.what)])));
  for (const idle of s.idleShutdown) {
    parts.push('<h3>Idle shutdown</h3>', `<p><code>${esc(idle.path)}</code> runs ${esc(idle.schedule)}${idle.dryRun ? ' in dry-run mode' : ''}. ${esc(idle.rule)}</p>`,
      `<p>Opt-in tag: <code>${esc(idle.optIn)}</code></p>`);
  }
  if (s.notifications.length) {
    parts.push('<h3>EventBridge notifications</h3>', htmlTable(['Rule', 'Events', 'Target'],
      s.notifications.map(n => [`<code>${esc(n.path)}</code>`, esc(n.events), esc(n.target)])));
  }
  if (s.trails.length) parts.push('<h3>Audit trail</h3>', htmlTable(['Trail', 'Settings'], s.trails.map(t => [named(t.name, t.path), list(t.settings)])));
  for (const d of s.dashboards) {
    parts.push(`<h3>Dashboard <code>${esc(d.path)}</code> (${d.widgets.length} widgets)</h3>`, `<div class="dash-wrap">${dashboardSvg(d)}</div>`);
  }
  return `<section>${parts.join('\n')}</section>`;
}

// The page never scrolls sideways: tables take the page's width (fixed layout) and long values
// (paths, queries, JSON) wrap anywhere. Header cells stay in view while a table scrolls by
// (sticky to the page: no table sits in a box of its own that scrolls).
const STYLE = `*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#111827;font-size:14px;overflow-wrap:anywhere}
h1{margin:0 0 12px}h2{margin-top:32px;border-bottom:2px solid #e5e7eb}
.overview{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0 20px}.card{border-radius:8px;padding:12px 18px;min-width:120px;max-width:260px}
.card b{display:block;font-size:28px}.c-critical{background:#fee2e2}.c-warning{background:#fef3c7}.c-info{background:#dbeafe}.c-none{background:#f3f4f6}.c-cost{background:#dcfce7}
table{border-collapse:collapse;margin:8px 0 16px;width:100%;table-layout:fixed}th,td{border:1px solid #e5e7eb;padding:4px 6px;vertical-align:top;text-align:left;overflow-wrap:anywhere;word-break:break-word}
th{background:#f9fafb;cursor:pointer;user-select:none;position:sticky;top:0;z-index:2;box-shadow:0 1px 0 #e5e7eb}th.asc::after{content:" ▲"}th.desc::after{content:" ▼"}
code{font-size:12px;color:#374151}.none{color:#9ca3af}.warn{color:#b91c1c;font-weight:600}
.sev{border-radius:4px;padding:1px 6px;font-weight:600;font-size:12px}.sev-critical{background:#fecaca}.sev-warning{background:#fde68a}.sev-info{background:#bfdbfe}.sev-none{background:#e5e7eb}
table.alarms{font-size:12px}table.alarms th:nth-child(1){width:17%}table.alarms th:nth-child(2){width:8%}table.alarms th:nth-child(3){width:22%}
table.alarms th:nth-child(4){width:17%}table.alarms th:nth-child(5){width:11%}table.alarms th:nth-child(6){width:13%}table.alarms th:nth-child(7){width:12%}
.dash-wrap{max-width:100%}svg.dash{max-width:100%;height:auto}svg.dash text{pointer-events:none}pre{background:#f9fafb;padding:8px;white-space:pre-wrap}
${CARD_STYLE}`;

// Reports script errors into the page, so a headless browser's --dump-dom shows them.
const ERROR_HOOK = 'window.onerror=function(m){document.documentElement.setAttribute(\'data-report-error\',String(m));};';

// Click a column header to sort by it (numbers numerically), again to reverse.
const SORT = `document.querySelectorAll('table.sortable').forEach(function(t){
var hs=t.querySelectorAll('th');hs.forEach(function(th,i){th.addEventListener('click',function(){
var asc=!th.classList.contains('asc');hs.forEach(function(h){h.classList.remove('asc','desc');});th.classList.add(asc?'asc':'desc');
var b=t.tBodies[0];var rows=Array.prototype.slice.call(b.rows);rows.sort(function(x,y){
var a=x.cells[i].textContent.trim(),c=y.cells[i].textContent.trim();var na=parseFloat(a.replace(/[$,]/g,'')),nc=parseFloat(c.replace(/[$,]/g,''));
var r=(!isNaN(na)&&!isNaN(nc))?na-nc:a.localeCompare(c);return asc?r:-r;});rows.forEach(function(r){b.appendChild(r);});});});});
document.body.setAttribute('data-report-ready','yes');`;

/** The Rehearsal section: per scenario its verdict, notifications and failed expectations. */
function rehearsalSection(summaries: readonly RehearsalSummary[]): string {
  const parts = summaries.map(s => `<h3>${esc(s.name)}: ${esc(s.verdict)}</h3><p>${esc(s.description)}</p>`
    + (s.note ? `<p class="none">Not applicable: ${esc(s.note)}.</p>`
      : (s.timeline.length
        ? htmlTable(['Time', 'Alarm', 'State', 'Severity', 'Recipients', 'Contributor', 'EC2 action'],
          s.timeline.map(r => [r.time, r.alarm, r.state, r.severity, r.recipients, r.contributor, r.ec2Action].map(esc)))
        : '<p class="none">Nobody was notified.</p>')
      + (s.failures.length ? `<ul>${s.failures.map(f => `<li>${esc(f)}</li>`).join('')}</ul>` : '')));
  return `<section id="rehearsal"><h2>Rehearsal</h2>${parts.join('\n')}</section>`;
}

/** The monitoring report as a self-contained HTML page. */
export function renderHtml(report: ReportModel): string {
  const costs = report.costs.map(x => `<h3>${esc(x.title)}</h3>`
    + htmlTable(['Item', 'Quantity', 'Unit', 'USD/month', 'Note'],
      [...x.lines.map(l => [esc(l.item), esc(l.quantity.toLocaleString('en-US')), esc(l.unit), `$${l.monthlyUsd.toFixed(2)}`, esc(l.note ?? '')]),
        ['<b>Total</b>', '', '', `<b>$${x.totalMonthlyUsd.toFixed(2)}</b>`, '']])
    + `<p class="none">${esc(x.region)}; ${esc(x.pricesRegion)} prices read ${esc(x.pricesReadOn)}</p>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(report.title)}</title><script>${ERROR_HOOK}</script><style>${STYLE}</style></head>
<body><h1>${esc(report.title)}</h1>
${htmlTop(report)}
${report.stacks.map(stackSection).join('\n')}
${report.rehearsal ? rehearsalSection(report.rehearsal) : ''}
<section><h2>Monthly cost</h2>${costs || '<p>No CostReport in the app.</p>'}</section>
<script>${SEARCH_SCRIPT}
${SORT}</script>
</body></html>
`;
}
