import { Duration, aws_cloudwatch as cloudwatch, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { IAgentMetricSource } from '../../core/agent-metrics';
import { AlarmSeverity } from '../../core/alarm-routing';
import { AlarmSet } from '../../core/alarm-set';
import { checkRange, invalid } from '../../private/validation';
import { AlarmPresetOptions } from '../preset-options';

/** The documented defaults of one preset. Not exported from the package. */
export interface PresetDefaults {
  readonly statistic: string;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly liveness: boolean;
  readonly severity: AlarmSeverity;
}

const LIVENESS = { liveness: true, severity: AlarmSeverity.CRITICAL };
const UTILISATION = { liveness: false, severity: AlarmSeverity.WARNING };
const ABOVE = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
const AT_LEAST = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
const BELOW = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD;

/** The presets' defaults, the single source for the code and the README table. */
export const PRESETS = {
  systemStatusCheck: { statistic: 'Maximum', threshold: 1, comparisonOperator: AT_LEAST, period: Duration.minutes(1), evaluationPeriods: 2, datapointsToAlarm: 2, ...LIVENESS },
  instanceStatusCheck: { statistic: 'Maximum', threshold: 1, comparisonOperator: AT_LEAST, period: Duration.minutes(1), evaluationPeriods: 3, datapointsToAlarm: 3, ...LIVENESS },
  // Not liveness: Xen-based instance types never publish StatusCheckFailed_AttachedEBS, and
  // the two checks above already see an instance that is gone.
  attachedEbsStatusCheck: { statistic: 'Maximum', threshold: 1, comparisonOperator: AT_LEAST, period: Duration.minutes(1), evaluationPeriods: 3, datapointsToAlarm: 3, liveness: false, severity: AlarmSeverity.CRITICAL },
  cpu: { statistic: 'Average', threshold: 90, comparisonOperator: ABOVE, period: Duration.minutes(5), evaluationPeriods: 3, datapointsToAlarm: 3, ...UTILISATION },
  cpuCreditBalance: { statistic: 'Minimum', threshold: 20, comparisonOperator: BELOW, period: Duration.minutes(5), evaluationPeriods: 3, datapointsToAlarm: 3, ...UTILISATION },
  memory: { statistic: 'Average', threshold: 90, comparisonOperator: ABOVE, period: Duration.minutes(5), evaluationPeriods: 3, datapointsToAlarm: 3, ...UTILISATION },
  disk: { statistic: 'Maximum', threshold: 85, comparisonOperator: ABOVE, period: Duration.minutes(5), evaluationPeriods: 2, datapointsToAlarm: 2, ...UTILISATION },
  swap: { statistic: 'Average', threshold: 50, comparisonOperator: ABOVE, period: Duration.minutes(5), evaluationPeriods: 3, datapointsToAlarm: 3, ...UTILISATION },
  inServiceCapacity: { statistic: 'Minimum', threshold: 0, comparisonOperator: BELOW, period: Duration.minutes(1), evaluationPeriods: 5, datapointsToAlarm: 5, ...LIVENESS },
} satisfies Record<string, PresetDefaults>;

/** Creates one preset alarm with the user's overrides, or nothing when disabled. */
export function presetAlarm(
  set: AlarmSet,
  id: string,
  defaults: PresetDefaults,
  options: AlarmPresetOptions | undefined,
  metric: (statistic: string, period: Duration) => cloudwatch.IMetric,
  spec: { threshold?: number; description: (threshold: number, span: string) => string; actions?: cloudwatch.IAlarmAction[] },
): cloudwatch.Alarm | undefined {
  if (options?.enabled === false) return undefined;
  const threshold = spec.threshold ?? defaults.threshold;
  const evaluationPeriods = options?.evaluationPeriods ?? defaults.evaluationPeriods;
  const datapointsToAlarm = options?.datapointsToAlarm
    ?? (options?.evaluationPeriods !== undefined ? Math.min(defaults.datapointsToAlarm, evaluationPeriods) : defaults.datapointsToAlarm);
  const period = options?.period ?? defaults.period;
  return set.addAlarm(id, metric(defaults.statistic, period), {
    threshold,
    comparisonOperator: defaults.comparisonOperator,
    evaluationPeriods,
    datapointsToAlarm,
    treatMissingData: options?.treatMissingData,
    liveness: defaults.liveness,
    severity: options?.severity ?? defaults.severity,
    runbookUrl: options?.runbookUrl,
    description: spec.description(threshold, span(datapointsToAlarm, evaluationPeriods, period)),
    actions: spec.actions,
  });
}

/** A threshold in percent, checked. */
export function percent(set: AlarmSet, prop: string, value: number | undefined): number | undefined {
  checkRange(set, prop, value, 0, 100);
  return value;
}

/** `T2`, `T3`, `T3a`, `T4g`...: the burstable families that earn and spend CPU credits. */
export function isBurstable(instanceType: ec2.InstanceType): boolean {
  return /^t\d+[a-z]*\./i.test(instanceType.toString());
}

/** The disk paths to alarm on: the requested ones, each of which the agent must publish. */
export function diskPaths(set: AlarmSet, agent: IAgentMetricSource, requested: string[] | undefined): string[] {
  const published = agent.diskPaths;
  const paths = requested ?? published;
  for (const path of paths) {
    if (!published.includes(path)) {
      invalid(set, 'disk.paths', `paths the agent publishes (${published.map(p => `'${p}'`).join(', ') || 'none'})`, path);
    }
  }
  return paths;
}

/** A construct id for a disk path: `/` → `Root`, `/var/log` → `VarLog`, `C:` → `C`. */
export function diskId(path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.length === 0 ? 'Root' : words.map(w => w[0].toUpperCase() + w.slice(1)).join('');
}

/** "for 15 minutes" or "in 3 of 5 periods of 1 minute", for descriptions. */
export function span(datapoints: number, evaluationPeriods: number, period: Duration): string {
  const each = period.toHumanString();
  if (datapoints === evaluationPeriods) {
    return `for ${Duration.seconds(period.toSeconds() * evaluationPeriods).toHumanString()}`;
  }
  return `in ${datapoints} of ${evaluationPeriods} periods of ${each}`;
}
