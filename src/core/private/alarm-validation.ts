import { Duration, Stack, Token, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { REFERENCE, resolveWithPlaceholders } from './placeholders';
import { COMPUTE_DIMENSIONS, EC2_METRICS } from '../../private/compute-metric-names';
import { groupByOf, hasOrderBy, isMetricsInsightsQuery } from '../../private/metrics-insights';
import { WatchkeeperValidationError, invalid, invalidMessage } from '../../private/validation';

/**
 * CloudWatch's own limits on alarms, checked at synth so an alarm CloudWatch would reject
 * at deploy time (or accept and never fire) fails the build instead.
 *
 * Any construct may call {@link validateAlarm} on a `cloudwatch.Alarm`,
 * `cloudwatch.CompositeAlarm` or their L1 resources: problems known now throw at once,
 * and the final state (actions added later included) is checked again at synth.
 */

/** Actions per alarm state (ALARM, OK, INSUFFICIENT_DATA): PutMetricAlarm. */
export const MAX_ACTIONS_PER_STATE = 5;
/** Metrics in one alarm's math: CloudWatch alarms guide. */
export const MAX_METRICS_IN_ALARM = 10;
/** Alarm name length: PutMetricAlarm / PutCompositeAlarm. */
export const MAX_ALARM_NAME_LENGTH = 255;
/** Alarm description length: PutMetricAlarm. */
export const MAX_DESCRIPTION_LENGTH = 1024;
/** Composite alarm rule length: PutCompositeAlarm. */
export const MAX_ALARM_RULE_LENGTH = 10240;
/** Evaluation window when the period is shorter than an hour (seconds). */
export const MAX_WINDOW_SHORT_PERIOD = 86_400;
/** Evaluation window when the period is an hour or longer (seconds). */
export const MAX_WINDOW_LONG_PERIOD = 7 * 86_400;

// ASCII control characters are rejected in alarm names (tab excepted by the API pattern, but
// CloudWatch's console and composite rules cannot use it: reject it too).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * Checks an alarm now (throwing the first problem) and registers a synth-time validation of
 * its final state. Accepts L2 alarms (`Alarm`, `CompositeAlarm`, `AnomalyDetectionAlarm`) and
 * `CfnAlarm` / `CfnCompositeAlarm`.
 */
export function validateAlarm(alarm: IConstruct): void {
  const problems = alarmProblems(alarm);
  if (problems.length > 0) {
    throw new WatchkeeperValidationError('Alarm.limits', problems.join('\n'));
  }
  alarm.node.addValidation({ validate: () => alarmProblems(alarm) });
}

/** Every problem of the alarm as it is now, as `<path>: <prop> must be ..., got ...` lines. */
export function alarmProblems(alarm: IConstruct): string[] {
  const cfn = findCfn(alarm);
  if (!cfn) {
    return [`${alarm.node.path}: alarm must be a CloudWatch alarm or composite alarm, got ${alarm.constructor.name}`];
  }
  const p = resolveProps(cfn);
  const problems: string[] = [];
  const report = (prop: string, expectation: string, value: unknown) =>
    problems.push(invalidMessage(alarm, prop, expectation, value));

  checkName(p.alarmName, report);
  if (typeof p.alarmDescription === 'string' && p.alarmDescription.length > MAX_DESCRIPTION_LENGTH) {
    report('alarmDescription', `at most ${MAX_DESCRIPTION_LENGTH} characters long`, `${p.alarmDescription.length} characters`);
  }
  for (const [prop, actions] of [['alarmActions', p.alarmActions], ['okActions', p.okActions], ['insufficientDataActions', p.insufficientDataActions]] as const) {
    if (Array.isArray(actions) && actions.length > MAX_ACTIONS_PER_STATE) {
      report(prop, `at most ${MAX_ACTIONS_PER_STATE} actions per alarm state`, `${actions.length} actions`);
    }
  }

  if (cfn instanceof cloudwatch.CfnCompositeAlarm) {
    const ruleLength = minimumLength(p.alarmRule);
    if (ruleLength > MAX_ALARM_RULE_LENGTH) {
      report('alarmRule', `at most ${MAX_ALARM_RULE_LENGTH} characters long`, `at least ${ruleLength} characters`);
    }
    return problems;
  }

  const queries: ResolvedQuery[] = Array.isArray(p.metrics) ? p.metrics : [];
  for (const q of queries) {
    if (typeof q.expression === 'string' && /SEARCH\s*\(/i.test(q.expression)) {
      report('metric expression', 'free of SEARCH() (CloudWatch rejects alarms on search expressions; use a Metrics Insights query)', q.expression);
    }
    // A multi-time-series alarm needs GROUP BY and ORDER BY:
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Metrics_Insights_Alarm.html
    if (isMetricsInsightsQuery(q.expression) && groupByOf(q.expression).length > 0 && !hasOrderBy(q.expression)) {
      report('metric expression', 'a query with ORDER BY when it has GROUP BY (CloudWatch requires both on an alarm over several series)', q.expression);
    }
  }
  const statCount = queries.filter(q => q.metricStat !== undefined).length;
  if (statCount > MAX_METRICS_IN_ALARM) {
    report('metrics', `at most ${MAX_METRICS_IN_ALARM} metrics in an alarm's math`, `${statCount} metrics`);
  }
  const ec2Actions = [p.alarmActions, p.okActions, p.insufficientDataActions].flatMap(ec2ActionsOf);
  // EC2 actions run per contributor on a Metrics Insights alarm, never at alarm level, so only
  // an alarm whose contributors are instances can take them:
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Acting_Alarm_Changes.html
  const insights = queries.length === 1 && isMetricsInsightsQuery(queries[0].expression) ? queries[0].expression : undefined;
  const perInstance = insights !== undefined && groupByOf(insights).join(',') === COMPUTE_DIMENSIONS.instanceId;
  if (queries.length > 0 && !perInstance && ec2Actions.length > 0) {
    report('alarmActions', 'free of EC2 actions (stop, terminate, reboot, recover) on an alarm based on metric math, '
      + 'except a Metrics Insights alarm grouped by InstanceId alone (actions run per instance contributor)', 'an EC2 action');
  }
  // "The recover action can be used only with StatusCheckFailed_System":
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/UsingAlarmActions.html
  const watched = insights !== undefined ? selectedMetric(insights) : queries.length === 0 ? p.metricName : undefined;
  if (ec2Actions.includes('recover') && typeof watched === 'string' && watched !== RECOVER_METRIC) {
    report('alarmActions', `free of the EC2 recover action unless the alarm watches ${RECOVER_METRIC} (recover works only with the system status check)`, watched);
  }

  const periods = [p.period, ...queries.map(q => q.metricStat?.period ?? q.period)].filter((x): x is number => typeof x === 'number');
  const evaluationPeriods = typeof p.evaluationPeriods === 'number' ? p.evaluationPeriods : undefined;
  for (const problem of windowProblems(periods, evaluationPeriods)) report(...problem);
  const datapoints = p.datapointsToAlarm;
  if (typeof datapoints === 'number') {
    if (!Number.isInteger(datapoints) || datapoints < 1) {
      report('datapointsToAlarm', 'a whole number of at least 1', datapoints);
    } else if (evaluationPeriods !== undefined && datapoints > evaluationPeriods) {
      report('datapointsToAlarm', `at most evaluationPeriods (${evaluationPeriods})`, datapoints);
    }
  }
  return problems;
}

interface ResolvedQuery {
  readonly expression?: unknown;
  readonly period?: unknown;
  readonly metricStat?: { readonly period?: unknown };
}

interface ResolvedProps {
  readonly alarmName?: unknown;
  readonly metricName?: unknown;
  readonly alarmDescription?: unknown;
  readonly alarmActions?: unknown;
  readonly okActions?: unknown;
  readonly insufficientDataActions?: unknown;
  readonly alarmRule?: unknown;
  readonly metrics?: ResolvedQuery[];
  readonly period?: unknown;
  readonly evaluationPeriods?: unknown;
  readonly datapointsToAlarm?: unknown;
}

/**
 * The properties the checks read. Actions and metric queries are resolved with every
 * reference (a topic's ARN, a group's name, the partition or Region) left as a placeholder:
 * the checks need what the ARNs and queries say, not whom they name, and resolving a
 * reference computes its target's logical ID (a hash of its path) each time, for each of the
 * two checks of every alarm.
 */
function resolveProps(cfn: cloudwatch.CfnAlarm | cloudwatch.CfnCompositeAlarm): ResolvedProps {
  const stack = Stack.of(cfn);
  const placeholders = (value: unknown) => resolveWithPlaceholders(cfn, value);
  const actions = {
    alarmActions: placeholders(cfn.alarmActions),
    okActions: placeholders(cfn.okActions),
    insufficientDataActions: placeholders(cfn.insufficientDataActions),
  };
  if (cfn instanceof cloudwatch.CfnCompositeAlarm) {
    return { ...stack.resolve({ alarmName: cfn.alarmName, alarmDescription: cfn.alarmDescription, alarmRule: cfn.alarmRule }), ...actions };
  }
  return {
    ...stack.resolve({
      alarmName: cfn.alarmName,
      metricName: cfn.metricName,
      alarmDescription: cfn.alarmDescription,
      period: cfn.period,
      evaluationPeriods: cfn.evaluationPeriods,
      datapointsToAlarm: cfn.datapointsToAlarm,
    }),
    ...actions,
    metrics: placeholders(cfn.metrics) as ResolvedQuery[] | undefined,
  };
}

function findCfn(alarm: IConstruct): cloudwatch.CfnAlarm | cloudwatch.CfnCompositeAlarm | undefined {
  if (alarm instanceof cloudwatch.CfnAlarm || alarm instanceof cloudwatch.CfnCompositeAlarm) return alarm;
  const child = alarm.node.defaultChild;
  if (child instanceof cloudwatch.CfnAlarm || child instanceof cloudwatch.CfnCompositeAlarm) return child;
  return undefined;
}

function checkName(name: unknown, report: (prop: string, expectation: string, value: unknown) => void): void {
  if (typeof name !== 'string' || Token.isUnresolved(name)) return;
  if (name.length === 0 || name.length > MAX_ALARM_NAME_LENGTH) {
    report('alarmName', `between 1 and ${MAX_ALARM_NAME_LENGTH} characters long`, `${name.length} characters`);
  }
  if (CONTROL_CHARS.test(name)) {
    report('alarmName', 'free of control characters (tab, newline, ...)', name);
  }
}

/** The only metric the EC2 recover action works with. */
const RECOVER_METRIC = EC2_METRICS.statusCheckFailedSystem;

// EC2 actions as PutMetricAlarm lists them (AlarmActions "Valid values"):
// arn:<partition>:automate:<region>:ec2:<stop|terminate|reboot|recover> and
// arn:<partition>:swf:<region>:<account>:action/actions/AWS_EC2.InstanceId.<Stop|...>/1.0
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
const AUTOMATE_ACTION = /^arn:[^:]*:automate:[^:]*:ec2:([a-z]+)$/;
const SWF_ACTION = /^arn:[^:]*:swf:[^:]*:[^:]*:action\/actions\/AWS_EC2\.InstanceId\.([A-Za-z]+)\/1\.0$/;

/**
 * The EC2 actions (`recover`, `stop`, ...) among alarm actions resolved with references as
 * placeholders ({@link resolveWithPlaceholders}), so an action whose Region is a reference (an
 * environment-agnostic stack) is found as well as a literal ARN; an `Fn::Join` or `Fn::Sub`
 * written by hand is read as text.
 */
function ec2ActionsOf(actions: unknown): string[] {
  if (!Array.isArray(actions)) return [];
  return actions.flatMap(action => {
    const text = literalText(action);
    const m = AUTOMATE_ACTION.exec(text) ?? SWF_ACTION.exec(text);
    return m ? [m[1].toLowerCase()] : [];
  });
}

/** A resolved value as text, each reference (Ref, GetAtt, ...) replaced by a placeholder without `:` or `/`. */
function literalText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const join = obj['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map(literalText).join(join[0]);
    }
    const sub = obj['Fn::Sub'];
    const template = Array.isArray(sub) ? sub[0] : sub;
    if (typeof template === 'string') return template.replace(/\$\{[^}]*\}/g, REFERENCE);
  }
  return REFERENCE;
}

/** The metric a Metrics Insights query selects: `SELECT MAX(StatusCheckFailed) ...` gives `StatusCheckFailed`. */
function selectedMetric(sql: string): string | undefined {
  const m = /^\s*SELECT\s+[A-Za-z_]+\s*\(\s*("([^"]*)"|[A-Za-z_][A-Za-z0-9_]*)\s*\)/i.exec(sql);
  return m ? m[2] ?? m[1] : undefined;
}

/** The length a resolved string (or Fn::Join of literals and tokens) has at least. */
function minimumLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value && typeof value === 'object' && 'Fn::Join' in value) {
    const [sep, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    // A token part is at least an alarm ARN prefix: arn:aws:cloudwatch:<region>:<account>:alarm:x
    return parts.reduce<number>((sum, part) => sum + (typeof part === 'string' ? part.length : 40), 0)
      + sep.length * Math.max(0, parts.length - 1);
  }
  return 0;
}

/**
 * The period and evaluation-window rules of PutMetricAlarm, in one place: a period of 10, 20
 * or 30 seconds or a multiple of 60; a whole number of evaluation periods; period x
 * evaluationPeriods at most one day when the period is under an hour, else seven days.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
function windowProblems(periods: number[], evaluationPeriods: number | undefined): Array<[string, string, unknown]> {
  const problems: Array<[string, string, unknown]> = [];
  for (const period of new Set(periods)) {
    if (![10, 20, 30].includes(period) && (period <= 0 || period % 60 !== 0)) {
      problems.push(['period', '10, 20 or 30 seconds or a multiple of 60 seconds', `${period} seconds`]);
    }
  }
  if (evaluationPeriods !== undefined && (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1)) {
    problems.push(['evaluationPeriods', 'a whole number of at least 1', evaluationPeriods]);
  }
  const period = periods.length > 0 ? Math.max(...periods) : undefined;
  if (period !== undefined && evaluationPeriods !== undefined) {
    const window = period * evaluationPeriods;
    const max = period < 3600 ? MAX_WINDOW_SHORT_PERIOD : MAX_WINDOW_LONG_PERIOD;
    if (window > max) {
      problems.push(['evaluation window (period x evaluationPeriods)',
        `at most ${max === MAX_WINDOW_SHORT_PERIOD ? 'one day when the period is shorter than an hour' : 'seven days'} (${max} seconds)`,
        `${period} x ${evaluationPeriods} = ${window} seconds`]);
    }
  }
  return problems;
}

/**
 * Fails at once on a period or window CloudWatch rejects, before a metric is built with the
 * period (the same rules {@link alarmProblems} applies to every alarm at synth).
 */
export function checkWindow(scope: IConstruct, id: string, period: Duration, evaluationPeriods: number): void {
  const seconds = period.toSeconds();
  if (Token.isUnresolved(seconds) || Token.isUnresolved(evaluationPeriods)) return;
  const [problem] = windowProblems([seconds], evaluationPeriods);
  if (problem) invalid(scope, `${id}.${problem[0]}`, problem[1], problem[2]);
}
