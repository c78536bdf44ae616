// What changed between two reports in everything but alarms and cost: agent configuration,
// dashboards, topics and subscriptions, log groups, schedules, mute rules and idle settings,
// notifications and trails. Entries are matched by construct path. Pure: no CDK, no I/O.
import type { ReportModel } from './report-model.pure';

type Entry = Record<string, unknown>;
/** A field as compared: text, or a list compared item by item. */
type Value = string | string[];

/** One kind of entry of a stack report, and how a reviewer reads it. */
interface SectionSpec {
  /** The key of the stack report. */
  readonly key: string;
  /** What one entry is (`log group`). */
  readonly noun: string;
  /** The heading it is listed under. */
  readonly heading: string;
  /** The entry as the fields a reviewer compares, with their labels. */
  readonly view: (e: Entry) => Array<[string, Value]>;
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(text) : []);

/** `mem: used_percent, available` → the plugin `mem` and the metrics `mem: used_percent`, `mem: available`. */
function agentView(e: Entry): Array<[string, Value]> {
  const plugins = strings(e.plugins);
  return [
    ['parameter', text(e.parameterName)],
    ['plugins', plugins.map(p => p.split(':')[0].trim())],
    ['metrics', plugins.flatMap(p => {
      const [plugin, measurements] = p.split(/:(.*)/s);
      return measurements ? measurements.split(',').map(m => `${plugin.trim()}: ${m.trim()}`) : [];
    })],
    ['log files', strings(e.files)],
    ['series', text(e.series)],
  ];
}

export const AGENT_HEADING = 'Agent configuration';
const SCHEDULES_HEADING = 'Schedules, mute rules and idle settings';

/** The sections the report has, in the order the diff lists them. */
const SECTIONS: SectionSpec[] = [
  { key: 'agents', noun: 'agent configuration', heading: AGENT_HEADING, view: agentView },
  {
    key: 'dashboards',
    noun: 'dashboard',
    heading: 'Dashboards',
    view: e => [['name', text(e.name)], ['widgets', (Array.isArray(e.widgets) ? e.widgets : []).map((w: any) => `${w.type}: ${w.title}`)]],
  },
  { key: 'topics', noun: 'topic', heading: 'Topics and subscriptions', view: e => [['name', text(e.name)], ['subscriptions', strings(e.subscribers)]] },
  {
    key: 'logGroups',
    noun: 'log group',
    heading: 'Log groups and retention',
    view: e => [['name', text(e.name)], ['retention', text(e.retention)], ['encryption', text(e.encryption)], ['removal policy', text(e.removalPolicy)]],
  },
  { key: 'schedules', noun: 'schedule', heading: SCHEDULES_HEADING, view: e => [['when', text(e.when)], ['what', text(e.what)]] },
  { key: 'muteRules', noun: 'mute rule', heading: SCHEDULES_HEADING, view: genericView },
  {
    key: 'idleShutdown',
    noun: 'idle shutdown',
    heading: SCHEDULES_HEADING,
    view: e => [['schedule', text(e.schedule)], ['rule', text(e.rule)], ['opt-in tag', text(e.optIn)], ['dry run', text(e.dryRun)]],
  },
  {
    key: 'notifications',
    noun: 'EventBridge rule',
    heading: 'EventBridge notifications',
    view: e => [['events', text(e.events)], ['target', text(e.target)], ['description', text(e.description)]],
  },
  { key: 'trails', noun: 'trail', heading: 'Audit trails', view: e => [['name', text(e.name)], ['settings', strings(e.settings)]] },
];

/** Every field but the identity, lists of text compared item by item, anything else as JSON. */
function genericView(e: Entry): Array<[string, Value]> {
  return Object.entries(e).filter(([k]) => k !== 'logicalId' && k !== 'path')
    .map(([k, v]): [string, Value] => [k, Array.isArray(v) && v.every(x => typeof x === 'string') ? v as string[] : text(v)]);
}

/** `muteRules` → `Mute rules`. */
const words = (key: string) => key.replace(/([A-Z])/g, ' $1').toLowerCase().replace(/^./, c => c.toUpperCase());

/** The sections of two reports: the known ones, then any other list of entries with a path either report carries. */
function sectionsOf(before: ReportModel, after: ReportModel): SectionSpec[] {
  const known = new Set(['alarms', ...SECTIONS.map(s => s.key)]);
  const others = new Set<string>();
  for (const stack of [...before.stacks, ...after.stacks]) {
    for (const [key, value] of Object.entries(stack)) {
      if (!known.has(key) && Array.isArray(value) && value.every(e => typeof e === 'object' && e !== null && typeof e.path === 'string')) others.add(key);
    }
  }
  return [...SECTIONS, ...[...others].map(key => ({ key, noun: words(key).toLowerCase().replace(/s$/, ''), heading: words(key), view: genericView }))];
}

/** One row of a change table: what, which change, before, after. */
export type ChangeRow = [string, string, string, string];

/** The changes of one heading, or why it was not compared. */
export interface SectionChanges {
  readonly heading: string;
  readonly rows: ChangeRow[];
  /** Sections under the heading one report does not carry (an older layout), by noun. */
  readonly notCompared: string[];
}

const entries = (report: ReportModel, key: string): Map<string, Entry> | undefined => {
  const lists = report.stacks.map(s => (s as unknown as Record<string, unknown>)[key]);
  if (lists.length > 0 && lists.every(l => l === undefined)) return undefined;
  return new Map(lists.flatMap(l => (Array.isArray(l) ? l : [])).map((e: Entry) => [String(e.path), e]));
};

const show = (v: Value) => (Array.isArray(v) ? v.join('; ') : v) || '—';

function diffSection(spec: SectionSpec, before: Map<string, Entry>, after: Map<string, Entry>): ChangeRow[] {
  const rows: ChangeRow[] = [];
  const summary = (e: Entry) => spec.view(e).map(([label, v]) => `${label}: ${show(v)}`).join(' · ');
  for (const [path, e] of after) if (!before.has(path)) rows.push([`\`${path}\``, `${spec.noun} added`, '—', summary(e)]);
  for (const [path, e] of before) if (!after.has(path)) rows.push([`\`${path}\``, `${spec.noun} removed`, summary(e), '—']);
  for (const [path, e] of after) {
    const old = before.get(path);
    if (!old) continue;
    const was = new Map(spec.view(old));
    for (const [label, now] of spec.view(e)) {
      const then = was.get(label) ?? '';
      if (Array.isArray(now) || Array.isArray(then)) {
        const a = Array.isArray(now) ? now : [now];
        const b = Array.isArray(then) ? then : [then];
        const added = a.filter(x => !b.includes(x));
        const removed = b.filter(x => !a.includes(x));
        if (added.length) rows.push([`\`${path}\``, `${label} added`, '—', added.join('; ')]);
        if (removed.length) rows.push([`\`${path}\``, `${label} removed`, removed.join('; '), '—']);
      } else if (now !== then) {
        rows.push([`\`${path}\``, label, then || '—', now || '—']);
      }
    }
  }
  return rows;
}

/** The changes outside alarms and cost, grouped by heading in the diff's order. */
export function sectionChanges(before: ReportModel, after: ReportModel): SectionChanges[] {
  const out = new Map<string, { rows: ChangeRow[]; notCompared: string[] }>();
  for (const spec of sectionsOf(before, after)) {
    const group = out.get(spec.heading) ?? { rows: [], notCompared: [] };
    out.set(spec.heading, group);
    const b = entries(before, spec.key);
    const a = entries(after, spec.key);
    if (!a && !b) continue;
    if (!a || !b) {
      group.notCompared.push(`${spec.noun}s (only the ${a ? 'new' : 'old'} report carries them)`);
      continue;
    }
    group.rows.push(...diffSection(spec, b, a));
  }
  return [...out].map(([heading, g]) => ({ heading, ...g }));
}
