import { CfnResource, Stack, TagManager, Token, Validations, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalid } from '../../private/validation';
import { AlarmTags } from '../alarm-tags';
import { AlarmWarmUp } from '../alarm-warm-up';
import { resolveWithPlaceholders } from './placeholders';
import { derivedWarmUpMinutes, isMultiTimeSeriesQuery, queryNamespaces } from './warm-up.pure';

/** Who an alarm belongs to, for its tags. */
export interface AlarmLabels {
  readonly service?: string;
  readonly owner?: string;
  readonly runbookUrl?: string;
}

/** Priority of the library's default alarm tags: below `Tags.of(...).add` (100), so users override them. */
const DEFAULT_TAG_PRIORITY = 50;
/** Longest tag value CloudWatch accepts (AWS::CloudWatch::Alarm Tag.Value in the CloudFormation schema). */
const MAX_TAG_VALUE = 256;
/** Tag keys an alarm can propagate (AlarmTagsPropagation.IncludedTagKeys). */
const MAX_PROPAGATED_KEYS = 50;

/**
 * Tags the alarm with service, severity, runbook and owner (as defaults that enclosing
 * `Tags.of(...)` override) and turns on their propagation into notifications. Written with
 * `addPropertyOverride`: the L1s of aws-cdk-lib 2.263 (the floor) lack `ActionConfiguration`.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_AlarmTagsPropagation.html
 */
export function applyAlarmTags(alarm: IConstruct, severity: string, labels: AlarmLabels, propagatedKeys?: string[]): void {
  const cfn = alarm.node.defaultChild as CfnResource | undefined ?? alarm as CfnResource;
  const values: Record<string, string> = {
    [AlarmTags.SERVICE]: labels.service ?? Stack.of(alarm).stackName,
    [AlarmTags.SEVERITY]: severity,
    [AlarmTags.RUNBOOK]: labels.runbookUrl ?? 'none',
    [AlarmTags.OWNER]: labels.owner ?? 'unassigned',
  };
  // Set on the resource's tag manager, as a `Tags.of(alarm).add` aspect would at synth (same
  // priority, so `Tags.of(...)` of any scope still overrides), without an aspect per tag and
  // alarm for synth to walk. Every alarm resource is taggable; an untaggable one would have
  // been skipped by the aspect too.
  const manager = TagManager.of(cfn);
  for (const [key, value] of Object.entries(values)) {
    if (!Token.isUnresolved(value) && (value.length < 1 || value.length > MAX_TAG_VALUE || value.startsWith('aws:'))) {
      invalid(alarm, `tag ${key}`, `1 to ${MAX_TAG_VALUE} characters, not starting with aws: (an alarm tag value)`, `${value.length} characters`);
    }
    manager?.setTag(key, value, DEFAULT_TAG_PRIORITY);
  }
  const keys = propagatedKeys ?? AlarmTags.keys();
  checkPropagatedKeys(alarm, keys);
  cfn.addPropertyOverride('ActionConfiguration.AlarmTagsPropagation', { Enabled: true, IncludedTagKeys: [...keys] });
  // aws-cdk-lib's own template check (on by default since 2.262, an error with the recommended
  // flag @aws-cdk/core:validateAgainstDefaultRules) reads an older resource schema than the one
  // cfn-lint 1.58 ships, which documents ActionConfiguration: acknowledge that one finding here.
  acknowledgeWithoutStackTrace(cfn, 'CloudFormation-Validate::F3002', ACTION_CONFIGURATION_REASON);
}

const ACTION_CONFIGURATION_REASON = 'ActionConfiguration.AlarmTagsPropagation is part of AWS::CloudWatch::Alarm and '
  + 'AWS::CloudWatch::CompositeAlarm (CloudFormation resource schema; cfn-lint 1.58 validates it); the schema bundled with '
  + 'this aws-cdk-lib predates it.';

/**
 * What `Validations.of(scope).acknowledge({ id, reason })` records (the acknowledged-rules
 * metadata entry the synth-time validation reads), without the stack trace it captures for
 * it: that capture was a fifth of the library's own synth time, once for every alarm. For a
 * `<plugin>::<rule>` id, the id it records is the id given. Falls back to `acknowledge` on an
 * aws-cdk-lib without the public metadata key.
 */
function acknowledgeWithoutStackTrace(scope: IConstruct, id: string, reason: string): void {
  const key: unknown = (Validations as { ACKNOWLEDGED_RULES_METADATA_KEY?: unknown }).ACKNOWLEDGED_RULES_METADATA_KEY;
  if (typeof key === 'string') scope.node.addMetadata(key, { [id]: reason });
  else Validations.of(scope).acknowledge({ id, reason });
}

/** Fails unless the keys fit AlarmTagsPropagation.IncludedTagKeys: 1 to 50 distinct keys of 1 to 128 characters, none `aws:`. */
export function checkPropagatedKeys(scope: IConstruct, keys: string[]): void {
  if (keys.length < 1 || keys.length > MAX_PROPAGATED_KEYS) {
    invalid(scope, 'propagatedTagKeys', `1 to ${MAX_PROPAGATED_KEYS} tag keys (AlarmTagsPropagation.IncludedTagKeys)`, `${keys.length} keys`);
  }
  const seen = new Set<string>();
  for (const key of keys) {
    if (Token.isUnresolved(key)) continue;
    if (key.length < 1 || key.length > 128 || key.startsWith('aws:')) {
      invalid(scope, 'propagatedTagKeys', 'keys of 1 to 128 characters not starting with aws: (reserved keys are never propagated)', key);
    }
    if (seen.has(key)) invalid(scope, 'propagatedTagKeys', 'free of duplicates', key);
    seen.add(key);
  }
}

/**
 * Sets the alarm's warm-up (WarmUpConfiguration), written with `addPropertyOverride` since
 * the floor's `CfnAlarm` lacks the property. Left off where CloudWatch
 * documents warm-up in terms of one series filling its window: an alarm on a Metrics
 * Insights query with `GROUP BY` evaluates each contributor on its own, and a contributor is
 * only ever OK or ALARM, never the INSUFFICIENT_DATA a warm-up holds.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-warm-up.html
 */
export function applyWarmUp(alarm: cloudwatch.Alarm, warmUp: AlarmWarmUp = AlarmWarmUp.derived()): void {
  const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
  const stack = Stack.of(alarm);
  type Query = { expression?: string; period?: number; metricStat?: { period?: number; metric?: { namespace?: string } } };
  const queries = (resolveWithPlaceholders(cfn, cfn.metrics) ?? []) as Query[];
  const expressions = queries.map(q => q.expression).filter((e): e is string => typeof e === 'string');
  if (expressions.some(isMultiTimeSeriesQuery) || warmUp._mode === 'none') return;
  let minutes: number | undefined;
  if (warmUp._mode === 'fixed') {
    minutes = warmUp._duration!.toMinutes();
  } else {
    const period = stack.resolve(cfn.period) ?? Math.max(0, ...queries.map(q => q.metricStat?.period ?? q.period ?? 0));
    const periods = stack.resolve(cfn.evaluationPeriods);
    const namespaces = [
      stack.resolve(cfn.namespace),
      ...queries.map(q => q.metricStat?.metric?.namespace),
      ...expressions.flatMap(queryNamespaces),
    ].filter((n): n is string => typeof n === 'string');
    // A window made of tokens is unknown at synth: no warm-up rather than a guessed one.
    if (typeof period !== 'number' || typeof periods !== 'number' || period <= 0) return;
    minutes = derivedWarmUpMinutes({ periodSeconds: period, evaluationPeriods: periods, namespaces });
  }
  cfn.addPropertyOverride('WarmUpConfiguration', warmUpConfiguration(minutes, warmUp._waitFullPeriod));
}

/** The WarmUpConfiguration property (CloudFormation's spelling). */
export function warmUpConfiguration(minutes: number, waitFullPeriod: boolean): Record<string, unknown> {
  return waitFullPeriod
    ? { WarmUpPeriodDurationInMinutes: minutes, OnlyStartEvaluatingAfterWarmUpPeriodEnds: true }
    : { WarmUpPeriodDurationInMinutes: minutes };
}
