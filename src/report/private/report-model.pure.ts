// The monitoring report's model, built from synthesized templates and the metadata the
// library records on constructs (severity, construct paths, agent series). Pure: no CDK, no I/O.
import { AlarmEntry, readAlarms } from './alarm-entries.pure';
import { PlannedStops, plannedStops } from './planned-stops.pure';
import { StackInput, TopicEntry } from './report-input.pure';
import { dashboardBody, flatten, resourcesOfType } from './template-values.pure';
import type { RehearsalSummary } from '../../rehearsal/render.pure';

export type { StackInput, TopicEntry } from './report-input.pure';

/** One line of a cost estimate (as the cost report computes it). */
export interface CostLineModel {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly monthlyUsd: number;
  readonly note?: string;
}

/** One cost report of the app. */
export interface CostModel {
  readonly title: string;
  readonly path: string;
  readonly region: string;
  readonly pricesRegion: string;
  readonly pricesReadOn: string;
  readonly lines: CostLineModel[];
  readonly totalMonthlyUsd: number;
  /** The table exactly as the cost report prints it. */
  readonly table: string;
}

export interface LogGroupEntry {
  readonly logicalId: string;
  readonly path: string;
  readonly name: string;
  readonly retention: string;
  readonly encryption: string;
  readonly removalPolicy: string;
}
export interface AgentEntry {
  readonly logicalId: string;
  readonly path: string;
  readonly parameterName: string;
  readonly plugins: string[];
  readonly files: string[];
  readonly series: string;
}
export interface ScheduleEntry {
  readonly logicalId: string;
  readonly path: string;
  readonly what: string;
  readonly when: string;
}
export interface IdleShutdownEntry {
  readonly logicalId: string;
  readonly path: string;
  readonly rule: string;
  readonly schedule: string;
  readonly optIn: string;
  readonly dryRun: boolean;
}
export interface NotificationEntry {
  readonly logicalId: string;
  readonly path: string;
  readonly events: string;
  readonly target: string;
  readonly description: string;
}
export interface TrailEntry {
  readonly logicalId: string;
  readonly path: string;
  readonly name: string;
  readonly settings: string[];
}
export interface DashboardWidget {
  readonly type: string;
  readonly title: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}
export interface DashboardEntry {
  readonly logicalId: string;
  readonly path: string;
  readonly name: string;
  readonly widgets: DashboardWidget[];
}

/** Everything the report says about one stack. */
export interface StackReport {
  readonly stackName: string;
  readonly alarms: AlarmEntry[];
  readonly topics: TopicEntry[];
  readonly logGroups: LogGroupEntry[];
  readonly agents: AgentEntry[];
  readonly schedules: ScheduleEntry[];
  readonly idleShutdown: IdleShutdownEntry[];
  readonly notifications: NotificationEntry[];
  readonly trails: TrailEntry[];
  readonly dashboards: DashboardEntry[];
}

/** What `monitoring-report.json` says it is. */
export const REPORT_SCHEMA = 'cdk-watchkeeper/monitoring-report';
/**
 * The version of `monitoring-report.json`'s layout: raised when a field is renamed, removed or
 * changes meaning (new fields keep it). Version 1 is the layout before the file carried one.
 */
export const REPORT_SCHEMA_VERSION = 2;

/** The whole report, as written to `monitoring-report.json`. */
export interface ReportModel {
  /** {@link REPORT_SCHEMA} */
  readonly schema: string;
  /** {@link REPORT_SCHEMA_VERSION} when written; a report read from a file may carry another. */
  readonly schemaVersion: number;
  readonly title: string;
  readonly stacks: StackReport[];
  readonly costs: CostModel[];
  /** The stock scenarios rehearsed over the app, when the report was asked to rehearse. */
  readonly rehearsal?: RehearsalSummary[];
}

/** Builds the report from the stacks' templates and metadata, the app's cost reports and its rehearsal. */
export function buildReport(title: string, stacks: StackInput[], costs: CostModel[], rehearsal?: RehearsalSummary[]): ReportModel {
  const stops = plannedStops(stacks);
  return {
    schema: REPORT_SCHEMA,
    schemaVersion: REPORT_SCHEMA_VERSION,
    title,
    stacks: stacks.map(s => stackReport(s, stops)),
    costs,
    ...(rehearsal ? { rehearsal } : {}),
  };
}

function stackReport(input: StackInput, stops: PlannedStops): StackReport {
  const t = input.template;
  const path = (id: string) => input.paths[id] ?? id;
  const topics = resourcesOfType(t, 'AWS::SNS::Topic').map(([id, r]): TopicEntry => {
    const subscriptions = resourcesOfType(t, 'AWS::SNS::Subscription').filter(([, s]) => flatten(s.Properties?.TopicArn) === `<${id}>`);
    const filters = subscriptions.map(([, s]) => alarmTagFilter(s.Properties ?? {}));
    return {
      logicalId: id,
      path: path(id),
      name: r.Properties?.TopicName ? flatten(r.Properties.TopicName) : path(id),
      subscribers: subscriptions.map(([, s], i) => `${s.Properties?.Protocol} ${targetName(flatten(s.Properties?.Endpoint), path)}${filterText(s.Properties ?? {}, filters[i])}`),
      alarmTagFilters: filters,
    };
  });
  return {
    stackName: input.stackName,
    alarms: readAlarms(input, topics, stops),
    topics,
    logGroups: resourcesOfType(t, 'AWS::Logs::LogGroup').map(([id, r]) => ({
      logicalId: id,
      path: path(id),
      name: r.Properties?.LogGroupName ? flatten(r.Properties.LogGroupName) : '(generated)',
      retention: r.Properties?.RetentionInDays ? `${r.Properties.RetentionInDays} days` : 'never expires',
      encryption: r.Properties?.KmsKeyId ? `KMS ${keyName(flatten(r.Properties.KmsKeyId), path)}` : 'CloudWatch Logs default (no customer managed key)',
      removalPolicy: r.DeletionPolicy ?? 'Delete',
    })),
    agents: readAgents(input),
    schedules: readSchedules(input),
    idleShutdown: readIdleShutdown(input),
    notifications: resourcesOfType(t, 'AWS::Events::Rule').filter(([, r]) => r.Properties?.EventPattern).map(([id, r]) => {
      const pattern = r.Properties!.EventPattern;
      const detailTypes: string[] = pattern['detail-type'] ?? [];
      return {
        logicalId: id,
        path: path(id),
        events: `${flatten(pattern.source)}: ${detailTypes.join(', ') || 'any'}`,
        target: (r.Properties!.Targets ?? []).map((x: any) => targetName(flatten(x.Arn), path)).join(', '),
        description: flatten(r.Properties!.Description),
      };
    }),
    trails: resourcesOfType(t, 'AWS::CloudTrail::Trail').map(([id, r]) => {
      const p = r.Properties ?? {};
      return {
        logicalId: id,
        path: path(id),
        name: p.TrailName ? flatten(p.TrailName) : '(generated)',
        settings: [
          p.IsMultiRegionTrail ? 'all Regions' : 'this Region only',
          p.IncludeGlobalServiceEvents ? 'global service events' : 'no global service events',
          p.EnableLogFileValidation ? 'log file validation' : 'no log file validation',
          p.KMSKeyId ? `KMS ${keyName(flatten(p.KMSKeyId), path)}` : 'S3-managed encryption',
          p.CloudWatchLogsLogGroupArn ? `to CloudWatch Logs ${targetName(flatten(p.CloudWatchLogsLogGroupArn), path)}` : 'not sent to CloudWatch Logs',
          p.S3BucketName ? `bucket ${targetName(flatten(p.S3BucketName), path)}` : '',
        ].filter(Boolean),
      };
    }),
    dashboards: resourcesOfType(t, 'AWS::CloudWatch::Dashboard').map(([id, r]) => {
      const body = dashboardBody(r.Properties?.DashboardBody);
      return {
        logicalId: id,
        path: path(id),
        name: r.Properties?.DashboardName ? flatten(r.Properties.DashboardName) : '(generated)',
        widgets: ((body?.widgets ?? []) as any[]).map(w => ({
          type: String(w.type),
          title: widgetTitle(w),
          x: Number(w.x ?? 0),
          y: Number(w.y ?? 0),
          width: Number(w.width ?? 6),
          height: Number(w.height ?? 6),
        })),
      };
    }),
  };
}

/**
 * The alarm tags a subscription filters on (tag key to the values it receives), read from a
 * filter policy on the message body's `AlarmTags`; null when it filters on nothing else
 * either (it receives every message).
 */
function alarmTagFilter(p: Record<string, any>): Record<string, string[]> | null {
  const tags = p.FilterPolicyScope === 'MessageBody' ? p.FilterPolicy?.AlarmTags : undefined;
  if (!tags || typeof tags !== 'object') return null;
  const out: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(tags)) {
    if (Array.isArray(values) && values.every(v => typeof v === 'string')) out[key] = values as string[];
  }
  return Object.keys(out).length ? out : null;
}

/** What a subscription's filter lets through, as a person reads it. */
function filterText(p: Record<string, any>, tags: Record<string, string[]> | null): string {
  if (tags) return ` (only alarms tagged ${Object.entries(tags).map(([k, v]) => `${k} ${v.join(' or ')}`).join(', ')})`;
  return p.FilterPolicy ? ` (filter policy ${JSON.stringify(p.FilterPolicy)})` : '';
}

function widgetTitle(w: any): string {
  if (w.properties?.title) return String(w.properties.title);
  if (w.type === 'text') return String(w.properties?.markdown ?? '').split('\n')[0].replace(/^#+\s*/, '');
  return w.type;
}

/** A referenced resource by its construct path (`<Id.Arn>` → path), or the text itself. */
function targetName(text: string, path: (id: string) => string): string {
  const m = /^<([A-Za-z0-9]+)(\.[A-Za-z.]+)?>$/.exec(text);
  return m ? path(m[1]) : text;
}

function keyName(text: string, path: (id: string) => string): string {
  return targetName(text, path);
}

function readAgents(input: StackInput): AgentEntry[] {
  const out: AgentEntry[] = [];
  for (const [id, r] of resourcesOfType(input.template, 'AWS::SSM::Parameter')) {
    let config: any;
    try {
      config = JSON.parse(flatten(r.Properties?.Value));
    } catch {
      continue;
    }
    const collected = config?.metrics?.metrics_collected;
    const files = config?.logs?.logs_collected?.files?.collect_list;
    if (!collected && !files) continue;
    out.push({
      logicalId: id,
      path: input.paths[id] ?? id,
      parameterName: flatten(r.Properties?.Name),
      plugins: Object.entries(collected ?? {}).map(([plugin, settings]: [string, any]) => {
        const measurements = Array.isArray(settings?.measurement) ? settings.measurement.map((m: any) => (typeof m === 'string' ? m : m.name)) : [];
        if (Array.isArray(settings)) return `${plugin} (${settings.length} processes)`;
        return measurements.length ? `${plugin}: ${measurements.join(', ')}` : plugin;
      }),
      files: ((files ?? []) as any[]).map(f => `${f.file_path} → ${f.log_group_name}${f.retention_in_days ? ` (${f.retention_in_days} days)` : ''}`),
      series: input.agentSeries[id] ?? '',
    });
  }
  return out;
}

const DAYS: Record<string, string> = { SUN: 'Sun', MON: 'Mon', TUE: 'Tue', WED: 'Wed', THU: 'Thu', FRI: 'Fri', SAT: 'Sat' };

/**
 * A schedule expression in words, for the simple forms (fixed minute and hour, every day
 * or a day-of-week range): `cron(0 20 ? * MON-FRI *)` → `at 20:00 Mon–Fri`. Other forms
 * are returned as they are.
 */
export function describeSchedule(expression: string, timeZone?: string): string {
  const zone = timeZone ? ` (${timeZone})` : ' (UTC)';
  const rate = /^rate\((\d+) (\w+)\)$/.exec(expression);
  if (rate) return `every ${rate[1] === '1' ? rate[2].replace(/s$/, '') : `${rate[1]} ${rate[2]}`}`;
  const cron = /^cron\((\d+) (\d+) (\S+) (\S+) (\S+)(?: (\S+))?\)$/.exec(expression);
  if (cron && cron[4] === '*' && (cron[3] === '?' || cron[3] === '*')) {
    const time = `${cron[2].padStart(2, '0')}:${cron[1].padStart(2, '0')}`;
    const dow = cron[5];
    const days = dow === '*' || dow === '?' ? 'every day' : dow.split(',').map(part =>
      part.split('-').map(d => DAYS[d.toUpperCase()] ?? d).join('–')).join(', ');
    return `at ${time} ${days}${zone}`;
  }
  // Auto Scaling recurrences are five-field cron without the wrapper.
  const plain = /^(\d+) (\d+) \* \* (\S+)$/.exec(expression);
  if (plain) return describeSchedule(`cron(${plain[1]} ${plain[2]} ? * ${plain[3]} *)`, timeZone);
  return `${expression}${timeZone ? zone : ''}`;
}

function readSchedules(input: StackInput): ScheduleEntry[] {
  const path = (id: string) => input.paths[id] ?? id;
  const scheduler = resourcesOfType(input.template, 'AWS::Scheduler::Schedule').map(([id, r]) => {
    const p = r.Properties ?? {};
    const action = flatten(p.Target?.Arn).replace(/^.*:aws-sdk:/, '');
    const args = flatten(p.Target?.Input).replace(/<([A-Za-z0-9]+)>/g, (_m, ref: string) => path(ref));
    return {
      logicalId: id,
      path: path(id),
      what: `${flatten(p.Description) || action}: ${action} ${args}`.trim(),
      when: describeSchedule(flatten(p.ScheduleExpression), p.ScheduleExpressionTimezone ? flatten(p.ScheduleExpressionTimezone) : undefined),
    };
  });
  const scaling = resourcesOfType(input.template, 'AWS::AutoScaling::ScheduledAction').map(([id, r]) => {
    const p = r.Properties ?? {};
    const sizes = [['min', p.MinSize], ['max', p.MaxSize], ['desired', p.DesiredCapacity]]
      .filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${flatten(v)}`).join(', ');
    return {
      logicalId: id,
      path: path(id),
      what: `scales ${targetName(flatten(p.AutoScalingGroupName), path)} to ${sizes}`,
      when: describeSchedule(flatten(p.Recurrence), p.TimeZone ? flatten(p.TimeZone) : undefined),
    };
  });
  return [...scheduler, ...scaling];
}

function readIdleShutdown(input: StackInput): IdleShutdownEntry[] {
  const path = (id: string) => input.paths[id] ?? id;
  const rules = resourcesOfType(input.template, 'AWS::Events::Rule');
  return resourcesOfType(input.template, 'AWS::Lambda::Function')
    .filter(([, r]) => r.Properties?.Environment?.Variables?.OPT_IN_TAG_KEY !== undefined)
    .map(([id, r]) => {
      const env = r.Properties!.Environment.Variables;
      const rule = rules.find(([, x]) => (x.Properties?.Targets ?? []).some((tg: any) => flatten(tg.Arn) === `<${id}.Arn>`));
      const lookback = Number(env.LOOKBACK_MINUTES);
      const bytes = Number(env.NETWORK_BYTES);
      return {
        logicalId: id,
        path: path(id),
        rule: `An instance tagged ${env.OPT_IN_TAG_KEY}=${env.OPT_IN_TAG_VALUE}, without the tag ${env.PROTECTION_TAG_KEY} and in no Auto Scaling group, `
          + `is stopped when every ${env.PERIOD_MINUTES}-minute period of the last ${lookback} minutes has data and its peak CPU stayed below `
          + `${env.CPU_PEAK_PERCENT} % and its network traffic below ${bytes.toLocaleString('en-US')} bytes; missing data is never idle.`,
        schedule: rule ? describeSchedule(flatten(rule[1].Properties?.ScheduleExpression)) : 'not scheduled',
        optIn: `${env.OPT_IN_TAG_KEY}=${env.OPT_IN_TAG_VALUE} (protection: ${env.PROTECTION_TAG_KEY})`,
        dryRun: flatten(env.DRY_RUN) === 'true',
      };
    });
}
