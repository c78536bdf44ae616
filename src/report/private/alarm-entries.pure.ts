// Every metric and composite alarm of a template, described for people. Pure: no CDK, no I/O.
import { PlannedStops, watchedCompute } from './planned-stops.pure';
import type { StackInput, TopicEntry } from './report-input.pure';
import { TemplateResource, flatten, formatSeconds, referencedIds, resourcesOfType } from './template-values.pure';

/** One alarm, as the report shows it. */
export interface AlarmEntry {
  readonly logicalId: string;
  readonly path: string;
  /** The alarm's name, or `(generated)` when CloudFormation names it. */
  readonly name: string;
  /**
   * The AlarmName a notification carries: the name, or when CloudFormation generates it,
   * its start `<stack name>-<logical ID>-` (a random suffix follows).
   */
  readonly notificationName: string;
  /** True when CloudFormation generates the name, so `notificationName` is only its start. */
  readonly generatedName: boolean;
  /** What kind of security-audit alarm it is (a CIS control, audit-trail delivery), or empty for any other alarm. */
  readonly securityAudit: string;
  /** Who hears ALARM: every subscriber of each topic with protocol and endpoint, and EC2 or Systems Manager actions. */
  readonly recipients: string[];
  readonly kind: 'metric' | 'math' | 'metrics-insights' | 'anomaly' | 'composite' | 'log';
  /** What it watches: the metric with statistic and period, the expression, or the rule. */
  readonly watches: string;
  /** The comparison and threshold, in symbols (`>= 80`). */
  readonly condition: string;
  /** `M of N × period`, or empty for composite alarms. */
  readonly evaluation: string;
  readonly missingData: string;
  /** CRITICAL, WARNING, INFO, or empty when the alarm was not routed by severity. */
  readonly severity: string;
  readonly liveness: boolean;
  readonly alarmActions: string[];
  readonly okActions: string[];
  readonly insufficientDataActions: string[];
  readonly runbook: string;
  /** How planned downtime keeps it quiet, or why it need not. */
  readonly plannedDowntime: string;
  readonly description: string;
  /** How long it waits after it is created (`up to 25 min`), or why it has no warm-up. */
  readonly warmUp: string;
  /** The mute rules that name it: `path: cron(...) for PT4H (Europe/Berlin)`. */
  readonly muteRules: string[];
  /** Its tags, `key=value`, sorted by key. */
  readonly tags: string[];
  /** The tag keys its notifications carry, or `off`. */
  readonly tagPropagation: string;
}

/** The name shown for an alarm CloudFormation names. */
const GENERATED = '(generated)';

const OPERATORS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '>=',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside band',
  GreaterThanUpperThreshold: 'above band',
  LessThanLowerThreshold: 'below band',
};

/** What every entry of a template is read with. */
interface AlarmReading {
  readonly input: StackInput;
  readonly topics: TopicEntry[];
  readonly stops: PlannedStops;
  readonly path: (id: string) => string;
  /** Alarm names by logical ID, `(generated)` where CloudFormation names the alarm. */
  readonly nameOf: Map<string, string>;
  readonly mutes: Map<string, string[]>;
  readonly silencers: Map<string, string>;
  /** Logical IDs of the liveness alarms. */
  readonly live: Set<string>;
}

/**
 * The alarms of a stack, metric alarms first, each in template order. `stops` says which
 * instances and groups the app stops on purpose (`plannedStops` over all its stacks).
 */
export function readAlarms(input: StackInput, topics: TopicEntry[], stops: PlannedStops): AlarmEntry[] {
  const t = input.template;
  const path = (id: string) => input.paths[id] ?? id;
  const metricAlarms = resourcesOfType(t, 'AWS::CloudWatch::Alarm');
  const composites = resourcesOfType(t, 'AWS::CloudWatch::CompositeAlarm');
  const logAlarms = resourcesOfType(t, 'AWS::CloudWatch::LogAlarm');
  const all = [...metricAlarms, ...composites, ...logAlarms];
  const nameOf = new Map(all.map(([id, r]) => [id, r.Properties?.AlarmName ? flatten(r.Properties.AlarmName) : GENERATED]));
  const mutes = muteRulesByAlarm(t, path, nameOf);
  const silencers = plannedDowntimeSilencers(t, composites, path, nameOf, mutes);
  const reading: AlarmReading = { input, topics, stops, path, nameOf, mutes, silencers, live: new Set(input.livenessIds) };
  const metric = metricAlarms.map(([id, r]) => metricEntry(reading, id, r));
  const composite = composites.map(([id, r]) => compositeEntry(reading, id, r));
  const log = logAlarms.map(([id, r]) => logEntry(reading, id, r));
  return [...metric, ...composite, ...log].map(a => withCompositeRecipients(t, composites, composite, a));
}

/**
 * What silences an alarm during planned downtime. A liveness alarm pages during planned
 * downtime only when something of the app stops the instances it watches: a schedule, a group
 * scaled to zero, or idle shutdown.
 */
function plannedDowntime(reading: AlarmReading, id: string, liveness: boolean, otherwise: string): string {
  const silenced = reading.silencers.get(id);
  if (silenced) return silenced;
  if (!liveness) return otherwise;
  const why = [...new Set(watchedCompute(reading.input, id).flatMap(key => reading.stops.get(key) ?? []))];
  return why.length > 0
    ? `NOT silenced: pages while its instances are stopped on purpose (${why.join('; ')})`
    : 'not needed (no schedule or idle shutdown of the app stops what it watches)';
}

/** The fields every kind of alarm has: names, actions, recipients, description, mute rules, tags. */
function commonFields(reading: AlarmReading, id: string, r: TemplateResource) {
  const { input, topics, path, nameOf } = reading;
  const actions = (list: unknown): string[] => (Array.isArray(list) ? list : []).map(a => actionName(flatten(a), topics, path));
  const p = r.Properties ?? {};
  const description = flatten(p.AlarmDescription);
  const runbook = /Runbook: (\S+)/.exec(description)?.[1] ?? '';
  const generatedName = nameOf.get(id) === GENERATED;
  return {
    logicalId: id,
    path: path(id),
    name: nameOf.get(id)!,
    // CloudFormation names a resource without a name `<stack name>-<logical ID>-<random>`:
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html
    notificationName: generatedName ? `${input.stackName}-${id}-` : nameOf.get(id)!,
    generatedName,
    securityAudit: input.securityAudit?.[id] ?? '',
    recipients: (Array.isArray(p.AlarmActions) ? p.AlarmActions : [])
      .flatMap((a: unknown) => recipients(flatten(a), topics, path, notifiedTags(p))),
    severity: input.severities[id] ?? '',
    alarmActions: actions(p.AlarmActions),
    okActions: actions(p.OKActions),
    insufficientDataActions: actions(p.InsufficientDataActions),
    runbook,
    description: runbook ? description.replace(/\s*Runbook: \S+/, '') : description,
    muteRules: reading.mutes.get(id) ?? [],
    tags: (Array.isArray(p.Tags) ? p.Tags : []).map((x: any) => `${x.Key}=${flatten(x.Value)}`).sort(),
    tagPropagation: p.ActionConfiguration?.AlarmTagsPropagation?.Enabled
      ? (p.ActionConfiguration.AlarmTagsPropagation.IncludedTagKeys ?? ['all tags']).join(', ')
      : 'off',
  };
}

/** A metric alarm (single metric, math, Metrics Insights or anomaly detection). */
function metricEntry(reading: AlarmReading, id: string, r: TemplateResource): AlarmEntry {
  const { input } = reading;
  const p = r.Properties ?? {};
  const liveness = reading.live.has(id) || p.TreatMissingData === 'breaching';
  const { kind, watches: raw, period } = describeMetric(p);
  // Dimension values that refer to resources of the stack read as their construct paths.
  const watches = raw.replace(/<([A-Za-z0-9]+)(?:\.[A-Za-z0-9]+)?>/g, (m, ref: string) => (input.paths[ref] ? `<${input.paths[ref]}>` : m));
  const n = Number(p.EvaluationPeriods);
  const m = p.DatapointsToAlarm !== undefined ? Number(p.DatapointsToAlarm) : n;
  return {
    ...commonFields(reading, id, r),
    kind,
    watches,
    condition: kind === 'anomaly' ? OPERATORS[p.ComparisonOperator] ?? p.ComparisonOperator : `${OPERATORS[p.ComparisonOperator] ?? p.ComparisonOperator} ${flatten(p.Threshold)}`,
    evaluation: `${m} of ${n} × ${formatSeconds(period)}`,
    missingData: p.TreatMissingData ?? 'missing',
    liveness,
    plannedDowntime: plannedDowntime(reading, id, liveness, 'not needed (missing data is not breaching)'),
    warmUp: warmUpOf(p, kind === 'metrics-insights' && /\bGROUP\s+BY\b/i.test(raw)),
  };
}

/** A composite alarm, its rule naming the alarms it follows. */
function compositeEntry(reading: AlarmReading, id: string, r: TemplateResource): AlarmEntry {
  const { nameOf, path } = reading;
  const p = r.Properties ?? {};
  const rule = flatten(p.AlarmRule).replace(/<([A-Za-z0-9]+)\.Arn>/g, (_m, ref: string) => nameOf.get(ref) && nameOf.get(ref) !== GENERATED ? nameOf.get(ref)! : path(ref));
  return {
    ...commonFields(reading, id, r),
    kind: 'composite',
    watches: rule,
    condition: 'rule is true',
    evaluation: '',
    missingData: '',
    liveness: reading.live.has(id),
    plannedDowntime: plannedDowntime(reading, id, reading.live.has(id), 'not needed'),
    warmUp: 'none (a composite follows its members)',
  };
}

/** A log alarm (a scheduled Logs Insights query). */
function logEntry(reading: AlarmReading, id: string, r: TemplateResource): AlarmEntry {
  const { input } = reading;
  const p = r.Properties ?? {};
  const q = p.ScheduledQueryConfiguration ?? {};
  const groups = (Array.isArray(q.LogGroupIdentifiers) ? q.LogGroupIdentifiers : []).map((g: unknown) => flatten(g).replace(/<([A-Za-z0-9]+)>/g, (m, ref: string) => (input.paths[ref] ? `<${input.paths[ref]}>` : m)));
  const lines = Number(p.ActionLogLineCount ?? 0);
  return {
    ...commonFields(reading, id, r),
    kind: 'log',
    watches: `Logs Insights on ${groups.join(', ')} ${q.ScheduleConfiguration?.ScheduleExpression ?? ''}: ${flatten(q.QueryString)} | ${flatten(q.AggregationExpression)}`
      + (lines > 0 ? ` (notifications carry up to ${lines} log lines)` : ''),
    condition: `${OPERATORS[p.ComparisonOperator] ?? p.ComparisonOperator} ${flatten(p.Threshold)}`,
    evaluation: `${p.QueryResultsToAlarm} of ${p.QueryResultsToEvaluate} query results`,
    missingData: p.TreatMissingData ?? 'missing',
    liveness: reading.live.has(id),
    plannedDowntime: reading.silencers.get(id) ?? 'not needed',
    warmUp: warmUpOf(p, false),
  };
}

/**
 * An alarm that notifies only through composite alarms (a liveness alarm behind a
 * suppressor) reaches whoever those composites reach.
 */
function withCompositeRecipients(t: StackInput['template'], composites: ReadonlyArray<[string, TemplateResource]>,
  compositeEntries: readonly AlarmEntry[], a: AlarmEntry): AlarmEntry {
  const notifies = (t.Resources?.[a.logicalId]?.Properties?.AlarmActions ?? [])
    .some((x: unknown) => !/:automate:|:ssm(-incidents)?:/.test(flatten(x)));
  if (notifies) return a;
  const via = composites.filter(([, r]) => referencedIds(flatten(r.Properties?.AlarmRule)).includes(a.logicalId))
    .map(([id]) => compositeEntries.find(c => c.logicalId === id)!)
    .flatMap(c => c.recipients.map(x => `${x} (through the composite alarm ${c.generatedName ? c.path : c.name})`));
  return via.length ? { ...a, recipients: [...a.recipients, ...via] } : a;
}

/** The warm-up as people read it. */
function warmUpOf(p: Record<string, any>, perContributor: boolean): string {
  const w = p.WarmUpConfiguration;
  if (w?.WarmUpPeriodDurationInMinutes !== undefined) {
    return w.OnlyStartEvaluatingAfterWarmUpPeriodEnds ? `${w.WarmUpPeriodDurationInMinutes} min (waits it out)` : `up to ${w.WarmUpPeriodDurationInMinutes} min`;
  }
  return perContributor ? 'none (evaluated per contributor)' : 'none';
}

/** The mute rules of the template that name each alarm, by the alarm's logical ID. */
function muteRulesByAlarm(t: StackInput['template'], path: (id: string) => string, nameOf: Map<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const byName = new Map([...nameOf].filter(([, n]) => n !== GENERATED).map(([id, n]) => [n, id]));
  for (const [id, r] of resourcesOfType(t, 'AWS::CloudWatch::AlarmMuteRule')) {
    const s = r.Properties?.Rule?.Schedule ?? {};
    const text = `${path(id)}: ${flatten(s.Expression)} for ${flatten(s.Duration)} (${flatten(s.Timezone) || 'UTC'})`;
    for (const target of Array.isArray(r.Properties?.MuteTargets?.AlarmNames) ? r.Properties!.MuteTargets.AlarmNames : []) {
      const flat = flatten(target);
      const ref = referencedIds(flat).find(x => nameOf.has(x)) ?? byName.get(flat);
      if (ref) out.set(ref, [...(out.get(ref) ?? []), text]);
    }
  }
  return out;
}

function describeMetric(p: Record<string, any>): { kind: AlarmEntry['kind']; watches: string; period?: number } {
  if (!p.Metrics) {
    const dims = (p.Dimensions ?? []).map((d: any) => `${d.Name}=${flatten(d.Value)}`).join(', ');
    const stat = p.ExtendedStatistic ?? p.Statistic;
    return { kind: 'metric', watches: `${p.Namespace}/${p.MetricName}${dims ? ` {${dims}}` : ''} ${stat} per ${formatSeconds(p.Period)}`, period: p.Period };
  }
  const queries: any[] = p.Metrics;
  const expressions = queries.filter(q => q.Expression).map(q => flatten(q.Expression));
  const parts = queries.map(q => {
    if (q.MetricStat) {
      const ms = q.MetricStat;
      const dims = (ms.Metric?.Dimensions ?? []).map((d: any) => `${d.Name}=${flatten(d.Value)}`).join(', ');
      return `${q.Id} = ${ms.Metric?.Namespace}/${ms.Metric?.MetricName}${dims ? ` {${dims}}` : ''} ${ms.Stat} per ${formatSeconds(ms.Period)}`;
    }
    return `${q.Id} = ${flatten(q.Expression)}${q.Period ? ` per ${formatSeconds(q.Period)}` : ''}`;
  });
  const period = queries.map(q => q.MetricStat?.Period ?? q.Period).find(x => x !== undefined);
  const anomaly = expressions.some(e => /ANOMALY_DETECTION_BAND\s*\(/i.test(e)) || p.ThresholdMetricId !== undefined;
  const insights = expressions.some(e => /^\s*SELECT\s/i.test(e));
  return { kind: anomaly ? 'anomaly' : insights ? 'metrics-insights' : 'math', watches: parts.join('; '), period };
}

/** An action ARN as a person reads it: the topic and its subscribers, or the EC2/SSM action. */
function actionName(text: string, topics: TopicEntry[], path: (id: string) => string): string {
  const topic = topics.find(x => text === `<${x.logicalId}>`);
  if (topic) return `${topic.name} (${topic.subscribers.map(s => s.split(' ')[0]).join(', ') || 'no subscribers'})`;
  const ec2 = /:automate:[^:]*:ec2:(\w+)/.exec(text);
  if (ec2) return `EC2 ${ec2[1]}`;
  if (/:ssm(-incidents)?:/.test(text)) return `Systems Manager ${text.replace(/^.*:/, '')}`;
  const ref = /^<([A-Za-z0-9]+)>$/.exec(text);
  return ref ? path(ref[1]) : text;
}

/**
 * Who an alarm action reaches: each subscriber of a topic of the app (`email oncall@example.com
 * via <topic>`) whose filter the alarm's notification passes, or the action. `tags` are the
 * tags the notification carries.
 */
function recipients(text: string, topics: TopicEntry[], path: (id: string) => string, tags: Map<string, string>): string[] {
  const topic = topics.find(x => text === `<${x.logicalId}>`);
  if (!topic) return [actionName(text, topics, path)];
  if (topic.subscribers.length === 0) return [`nobody: ${topic.name} has no subscribers`];
  const receives = (i: number) => {
    const filter = topic.alarmTagFilters?.[i];
    // SNS delivers a message to a filtered subscription only when every key of the policy
    // matches one of its values:
    // https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html
    return !filter || Object.entries(filter).every(([key, values]) => values.includes(tags.get(key) ?? '\u0000'));
  };
  const reached = topic.subscribers.filter((_s, i) => receives(i));
  if (reached.length === 0) return [`nobody: every subscriber of ${topic.name} filters it out`];
  return reached.map(s => `${s} via ${topic.name}`);
}

/** The tags an alarm's notifications carry (the tags it propagates), by key. */
function notifiedTags(p: Record<string, any>): Map<string, string> {
  const propagation = p.ActionConfiguration?.AlarmTagsPropagation;
  if (!propagation?.Enabled) return new Map();
  const keys: string[] | undefined = propagation.IncludedTagKeys;
  const tags = (Array.isArray(p.Tags) ? p.Tags : []).map((x: any): [string, string] => [String(x.Key), flatten(x.Value)]);
  return new Map(tags.filter(([key]: [string, string]) => !keys || keys.includes(key)));
}

/**
 * How each alarm is kept quiet during planned downtime, by logical ID: mute rules that name
 * it, scheduled stops that turn its actions off, idle shutdown that names it in an instance
 * tag, or a composite alarm that notifies for it and whose actions a suppressor silences.
 */
function plannedDowntimeSilencers(
  t: StackInput['template'], composites: Array<[string, TemplateResource]>,
  path: (id: string) => string, nameOf: Map<string, string>, mutes: Map<string, string[]>,
): Map<string, string> {
  const out = new Map<string, string[]>();
  const add = (id: string, how: string) => out.set(id, [...(out.get(id) ?? []), how]);
  for (const [id, rules] of mutes) {
    const owners = [...new Set(rules.map(x => x.split(':')[0].replace(/\/(StopWindowMute|MuteRule)\d*(Part\d+)?$/, '')))];
    add(id, `muted by ${rules.length} mute rule(s) of ${owners.join(', ')}; ALARM if still failing when a window ends`);
  }
  const byName = new Map([...nameOf].filter(([, n]) => n !== GENERATED).map(([id, n]) => [n, id]));
  for (const [id, r] of resourcesOfType(t, 'AWS::Scheduler::Schedule')) {
    const target = flatten(r.Properties?.Target?.Arn);
    if (!/:cloudwatch:disableAlarmActions$/i.test(target)) continue;
    const input = flatten(r.Properties?.Target?.Input);
    const named = [...referencedIds(input).filter(ref => nameOf.has(ref)), ...[...byName].filter(([n]) => input.includes(`"${n}"`)).map(([, ref]) => ref)];
    for (const ref of named) add(ref, `actions off by the schedule ${path(id)}`);
  }
  for (const [, r] of [...resourcesOfType(t, 'AWS::EC2::Instance'), ...resourcesOfType(t, 'AWS::EC2::LaunchTemplate')]) {
    const specs: any[] = r.Properties?.LaunchTemplateData?.TagSpecifications ?? [];
    const tags: any[] = [...(r.Properties?.Tags ?? []), ...specs.flatMap(s => s.Tags ?? [])];
    for (const tag of tags.filter(x => /^watchkeeper:liveness-alarm-\d+$/.test(String(x.Key)))) {
      const ref = byName.get(flatten(tag.Value)) ?? referencedIds(flatten(tag.Value)).find(x => nameOf.has(x));
      if (ref) add(ref, 'actions off while idle shutdown has stopped its instance');
    }
  }
  for (const [id, r] of composites) {
    const suppressor = r.Properties?.ActionsSuppressor;
    if (!suppressor) continue;
    const by = flatten(suppressor).replace(/^<([A-Za-z0-9]+)(\.Arn)?>$/, (_m, ref: string) => path(ref));
    add(id, `actions suppressed while ${by} is in ALARM`);
    for (const ref of referencedIds(flatten(r.Properties?.AlarmRule)).filter(x => nameOf.has(x))) {
      add(ref, `notifies through ${path(id)}, suppressed while ${by} is in ALARM`);
    }
  }
  return new Map([...out].map(([id, hows]) => [id, [...new Set(hows)].join('; ')]));
}
