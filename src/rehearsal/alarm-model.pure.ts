// The alarms of an app as the rehearsal evaluates them, read from AWS::CloudWatch::Alarm,
// AWS::CloudWatch::CompositeAlarm and AWS::CloudWatch::AlarmMuteRule resources, with their
// actions resolved to topics (and the people subscribed) or EC2 actions. Pure: no CDK, no I/O.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-alarm.html
import { Rule, parseRule } from './composite.pure';
import { TreatMissingData } from './evaluate.pure';
import { InsightsQuery, parseInsightsQuery } from './insights.pure';
import { isoDurationMinutes } from './schedule.pure';
import { RehearsalStack, TemplateResolver, alarmNameOf } from './template.pure';

/** A metric as an alarm names it. */
export interface MetricSpec {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly stat: string;
  /** Minutes. */
  readonly period: number;
}

/** One entry of an alarm's Metrics (a metric, a math expression or a Metrics Insights query). */
export interface QuerySpec {
  readonly id: string;
  readonly metric?: MetricSpec;
  readonly expression?: string;
  readonly insights?: InsightsQuery;
  readonly returnData: boolean;
}

/** What an alarm action does. */
export type ActionSpec =
  | { readonly kind: 'sns'; readonly topic: string; readonly recipients: string[] }
  | { readonly kind: 'ec2'; readonly action: string }
  | { readonly kind: 'other'; readonly arn: string };

interface AlarmCommon {
  readonly logicalId: string;
  readonly stackName: string;
  readonly path: string;
  readonly name: string;
  readonly description: string;
  /** The severity the library recorded, or '' for an alarm created outside its routing. */
  readonly severity: string;
  readonly actionsEnabled: boolean;
  readonly alarmActions: ActionSpec[];
  readonly okActions: ActionSpec[];
  readonly insufficientDataActions: ActionSpec[];
}

/** A metric, math or Metrics Insights alarm. */
export interface MetricAlarmSpec extends AlarmCommon {
  readonly kind: 'metric';
  readonly comparison: string;
  readonly threshold: number;
  readonly thresholdMetricId?: string;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
  /** Minutes (1 for high-resolution periods). */
  readonly period: number;
  readonly queries: QuerySpec[];
  /** The query whose result the alarm watches. */
  readonly watched: QuerySpec;
  /** Minutes of warm-up after the alarm is created or updated. */
  readonly warmUpMinutes?: number;
  /** The time zone of a wall-clock evaluation window (undefined: sliding window). */
  readonly wallClockTimeZone?: string;
}

/** A composite alarm. */
export interface CompositeAlarmSpec extends AlarmCommon {
  readonly kind: 'composite';
  readonly rule: Rule;
  readonly suppressor?: string;
  readonly waitMinutes: number;
  readonly extensionMinutes: number;
}

export type AlarmSpec = MetricAlarmSpec | CompositeAlarmSpec;

/** A mute rule: the alarms whose actions it mutes, when. */
export interface MuteRuleSpec {
  readonly name: string;
  readonly expression: string;
  readonly timeZone?: string;
  readonly durationMinutes: number;
  readonly alarmNames: string[];
  readonly startDate?: string;
  readonly expireDate?: string;
}

/** The subscribers of every topic of a stack, by topic ARN. */
export function topicRecipients(stack: RehearsalStack): Map<string, TopicSpec> {
  const r = new TemplateResolver(stack);
  const out = new Map<string, TopicSpec>();
  for (const id of r.ofType('AWS::SNS::Topic')) {
    const inline = (r.prop(id, 'Subscription') ?? []) as Array<{ Endpoint: string; Protocol: string }>;
    out.set(String(r.ref(id)), { name: r.nameOf(id), subscribers: inline.map(s => ({ endpoint: `${s.Protocol}:${s.Endpoint}` })) });
  }
  for (const id of r.ofType('AWS::SNS::Subscription')) {
    const topic = out.get(String(r.prop(id, 'TopicArn')));
    const protocol = String(r.prop(id, 'Protocol'));
    const endpoint = String(r.prop(id, 'Endpoint'));
    const policy = r.prop(id, 'FilterPolicy');
    const onBody = r.prop(id, 'FilterPolicyScope') === 'MessageBody';
    topic?.subscribers.push({
      endpoint: protocol === 'email' || protocol === 'sms' ? `${protocol}:${endpoint}` : `${protocol}:${endpoint.split(':').pop()}`,
      alarmTags: onBody && policy?.AlarmTags ? policy.AlarmTags as Record<string, string[]> : undefined,
    });
  }
  return out;
}

/** A topic and its subscribers. */
export interface TopicSpec {
  readonly name: string;
  readonly subscribers: Array<{
    readonly endpoint: string;
    /** A payload filter on the notification's alarm tags: each key must have one of the values. */
    readonly alarmTags?: Record<string, string[]>;
  }>;
}

/**
 * Who a topic delivers an alarm's notification to: subscribers without a filter, and those
 * whose filter on `AlarmTags` the alarm's tags pass (exact string values, every key).
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html
 */
function recipientsFor(topic: TopicSpec, tags: Record<string, string>): string[] {
  return topic.subscribers
    .filter(s => !s.alarmTags || Object.entries(s.alarmTags).every(([k, values]) => values.map(String).includes(tags[k])))
    .map(s => s.endpoint);
}

function actionOf(arn: string, topics: Map<string, TopicSpec>, tags: Record<string, string>): ActionSpec {
  const topic = topics.get(arn);
  if (topic) {
    const recipients = recipientsFor(topic, tags);
    return { kind: 'sns', topic: topic.name, recipients: recipients.length ? recipients : ['(no subscriber)'] };
  }
  if (/^arn:[^:]+:sns:/.test(arn)) return { kind: 'sns', topic: arn.split(':').pop()!, recipients: ['(topic outside the app)'] };
  const ec2 = /^arn:[^:]+:automate:[^:]*:ec2:(recover|stop|terminate|reboot)$/.exec(arn)
    ?? /AWS_EC2\.InstanceId\.(Stop|Terminate|Reboot)/.exec(arn);
  if (ec2) return { kind: 'ec2', action: ec2[1].toLowerCase() };
  return { kind: 'other', arn };
}

function metricOf(m: any, periodSeconds: number, stat: string): MetricSpec {
  const dims: Record<string, string> = {};
  for (const d of (m.Dimensions ?? []) as Array<{ Name: string; Value: string }>) dims[d.Name] = String(d.Value);
  const period = Math.max(1, Math.round(periodSeconds / 60));
  return { namespace: String(m.Namespace), metricName: String(m.MetricName), dimensions: dims, stat, period };
}

/** Reads every alarm of a stack. */
export function readAlarms(stack: RehearsalStack, topics: Map<string, TopicSpec>): AlarmSpec[] {
  const r = new TemplateResolver(stack);
  const out: AlarmSpec[] = [];
  const tagsOf = (id: string) => Object.fromEntries(((r.prop(id, 'Tags') ?? []) as Array<{ Key: string; Value: string }>).map(t => [String(t.Key), String(t.Value)]));
  const actions = (id: string, prop: string) => ((r.prop(id, prop) ?? []) as string[]).map(a => actionOf(String(a), topics, tagsOf(id)));
  const common = (id: string): AlarmCommon => ({
    logicalId: id,
    stackName: stack.stackName,
    path: stack.paths[id] ?? `${stack.stackName}/${id}`,
    name: r.nameOf(id),
    description: String(r.prop(id, 'AlarmDescription') ?? ''),
    severity: stack.severities[id] ?? '',
    actionsEnabled: r.prop(id, 'ActionsEnabled') !== false && r.prop(id, 'ActionsEnabled') !== 'false',
    alarmActions: actions(id, 'AlarmActions'),
    okActions: actions(id, 'OKActions'),
    insufficientDataActions: actions(id, 'InsufficientDataActions'),
  });
  for (const id of r.ofType('AWS::CloudWatch::Alarm')) {
    const p = r.resolve(r.resources[id].Properties ?? {}) as Record<string, any>;
    const periodSeconds = Number(p.Period ?? 60);
    let queries: QuerySpec[];
    if (p.Metrics) {
      queries = (p.Metrics as any[]).map(q => {
        const expression = q.Expression === undefined ? undefined : String(q.Expression);
        const insights = expression && /^\s*SELECT\s/i.test(expression) ? parseInsightsQuery(expression) : undefined;
        return {
          id: String(q.Id),
          metric: q.MetricStat ? metricOf(q.MetricStat.Metric, Number(q.MetricStat.Period ?? periodSeconds), String(q.MetricStat.Stat)) : undefined,
          expression: insights ? undefined : expression,
          insights,
          returnData: q.ReturnData !== false,
        };
      });
    } else {
      queries = [{ id: 'm1', metric: metricOf(p, periodSeconds, String(p.ExtendedStatistic ?? p.Statistic)), returnData: true }];
    }
    const thresholdMetricId = p.ThresholdMetricId === undefined ? undefined : String(p.ThresholdMetricId);
    const watched = queries.find(q => q.returnData && q.id !== thresholdMetricId && !q.expression?.includes('ANOMALY_DETECTION_BAND'))
      ?? queries.find(q => q.returnData) ?? queries[0];
    const mathPeriod = (p.Metrics as any[] | undefined)?.find(q => q.Period !== undefined)?.Period;
    const firstStat = queries.find(q => q.metric)?.metric?.period;
    const evaluationPeriods = Number(p.EvaluationPeriods);
    const warm = p.WarmUpConfiguration;
    out.push({
      ...common(id),
      kind: 'metric',
      comparison: String(p.ComparisonOperator),
      threshold: Number(p.Threshold ?? 0),
      thresholdMetricId,
      evaluationPeriods,
      datapointsToAlarm: Number(p.DatapointsToAlarm ?? evaluationPeriods),
      treatMissingData: (p.TreatMissingData ?? 'missing') as TreatMissingData,
      period: p.Metrics ? Math.max(1, Math.round(Number(mathPeriod ?? (firstStat ?? 1) * 60) / 60)) : Math.max(1, Math.round(periodSeconds / 60)),
      queries,
      watched,
      warmUpMinutes: warm?.WarmUpPeriodDurationInMinutes === undefined ? undefined : Number(warm.WarmUpPeriodDurationInMinutes),
      wallClockTimeZone: p.EvaluationWindow?.WallClockWindow ? String(p.EvaluationWindow.WallClockWindow.Timezone ?? 'UTC') : undefined,
    });
  }
  for (const id of r.ofType('AWS::CloudWatch::CompositeAlarm')) {
    const suppressor = r.prop(id, 'ActionsSuppressor');
    out.push({
      ...common(id),
      kind: 'composite',
      rule: parseRule(String(r.prop(id, 'AlarmRule'))),
      suppressor: suppressor === undefined ? undefined : alarmNameOf(String(suppressor)),
      waitMinutes: Math.ceil(Number(r.prop(id, 'ActionsSuppressorWaitPeriod') ?? 0) / 60),
      extensionMinutes: Math.ceil(Number(r.prop(id, 'ActionsSuppressorExtensionPeriod') ?? 0) / 60),
    });
  }
  return out;
}

/** Reads the mute rules of a stack. */
export function readMuteRules(stack: RehearsalStack): MuteRuleSpec[] {
  const r = new TemplateResolver(stack);
  return r.ofType('AWS::CloudWatch::AlarmMuteRule').map(id => {
    const p = r.resolve(r.resources[id].Properties ?? {}) as Record<string, any>;
    const schedule = p.Rule?.Schedule ?? {};
    return {
      name: r.nameOf(id),
      expression: String(schedule.Expression),
      timeZone: schedule.Timezone === undefined ? undefined : String(schedule.Timezone),
      durationMinutes: isoDurationMinutes(String(schedule.Duration)),
      alarmNames: ((p.MuteTargets?.AlarmNames ?? []) as string[]).map(n => alarmNameOf(String(n))),
      startDate: p.StartDate === undefined ? undefined : String(p.StartDate),
      expireDate: p.ExpireDate === undefined ? undefined : String(p.ExpireDate),
    };
  });
}
