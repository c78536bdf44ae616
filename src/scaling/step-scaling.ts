import {
  Duration, Token,
  aws_autoscaling as autoscaling,
  aws_cloudwatch as cloudwatch,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { checkInteger, invalid } from '../private/validation';

/** One band of a step scaling policy: while the metric is in `[lower, upper)`, apply `change`. */
export interface ScalingStep {
  /**
   * The band's lower bound (inclusive).
   * @default - no lower bound (only the first step may omit it)
   */
  readonly lower?: number;
  /**
   * The band's upper bound (exclusive).
   * @default - no upper bound (only the last step may omit it)
   */
  readonly upper?: number;
  /**
   * The capacity change: instances (negative removes), percent, or the exact capacity,
   * depending on `adjustmentType`. 0 marks the band where nothing happens.
   */
  readonly change: number;
}

/** What a step scaling policy watches and how it steps. */
export interface StepScalingOptions {
  /** The metric the alarms watch (never a SEARCH expression: alarms reject it). */
  readonly metric: cloudwatch.IMetric;
  /**
   * The bands, in ascending order, contiguous (each step's `upper` is the next step's
   * `lower`) and non-overlapping. Steps that remove capacity must lie below steps that
   * add it. At least 2, at most 20.
   */
  readonly steps: ScalingStep[];
  /**
   * How `change` is read.
   * @default autoscaling.AdjustmentType.CHANGE_IN_CAPACITY
   */
  readonly adjustmentType?: autoscaling.AdjustmentType;
  /**
   * Periods the metric must be in a band before the policy acts.
   * @default 1
   */
  readonly evaluationPeriods?: number;
  /**
   * Of those periods, how many must breach.
   * @default - `evaluationPeriods`
   */
  readonly datapointsToAlarm?: number;
  /**
   * Time a new instance needs before its metrics count.
   * @default - the group's default instance warmup (5 minutes on groups this library creates)
   */
  readonly estimatedInstanceWarmup?: Duration;
  /**
   * With `PERCENT_CHANGE_IN_CAPACITY`, change at least this many instances.
   * @default - no minimum
   */
  readonly minAdjustmentMagnitude?: number;
}

/** Properties of a {@link StepScaling}. */
export interface StepScalingProps extends StepScalingOptions {
  /** The group to scale. */
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
}

const MAX_STEPS = 20;

/**
 * Scales a group in steps driven by alarms on a metric: the further the metric goes, the
 * larger the change. The steps are checked at synth so the policy does what it reads like.
 *
 * Step policies have no cooldown: the warmup keeps new instances out of the metric.
 *
 * @example
 * new StepScaling(this, 'QueueDepth', {
 *   autoScalingGroup: group,
 *   metric: new cloudwatch.Metric({ namespace: 'MyApp/Worker', metricName: 'QueueDepth', statistic: 'Average' }),
 *   steps: [
 *     { upper: 10, change: -1 },
 *     { lower: 10, upper: 100, change: 0 },
 *     { lower: 100, upper: 500, change: +2 },
 *     { lower: 500, change: +5 },
 *   ],
 * });
 */
export class StepScaling extends Construct {
  /** The scaling policy and its alarms. */
  public readonly policy: autoscaling.StepScalingPolicy;

  public constructor(scope: Construct, id: string, props: StepScalingProps) {
    super(scope, id);
    const adjustmentType = props.adjustmentType ?? autoscaling.AdjustmentType.CHANGE_IN_CAPACITY;
    validateSteps(this, props.steps, adjustmentType);
    const evaluationPeriods = props.evaluationPeriods ?? 1;
    checkInteger(this, 'evaluationPeriods', evaluationPeriods, 1, 100);
    checkInteger(this, 'datapointsToAlarm', props.datapointsToAlarm, 1, evaluationPeriods);
    checkInteger(this, 'minAdjustmentMagnitude', props.minAdjustmentMagnitude, 1, 10000);

    this.policy = new autoscaling.StepScalingPolicy(this, 'Resource', {
      autoScalingGroup: props.autoScalingGroup,
      metric: props.metric,
      scalingSteps: props.steps.map(s => ({ lower: s.lower, upper: s.upper, change: s.change })),
      adjustmentType,
      evaluationPeriods,
      datapointsToAlarm: props.datapointsToAlarm ?? evaluationPeriods,
      estimatedInstanceWarmup: props.estimatedInstanceWarmup,
      minAdjustmentMagnitude: props.minAdjustmentMagnitude,
    });
  }
}

/** Fails unless the steps are ordered, contiguous, non-overlapping and scale in below scaling out. */
function validateSteps(scope: IConstruct, steps: ScalingStep[], adjustmentType: autoscaling.AdjustmentType): void {
  if (steps.length < 2 || steps.length > MAX_STEPS) {
    invalid(scope, 'steps', `a list of 2 to ${MAX_STEPS} steps`, `${steps.length} steps`);
  }
  steps.forEach((step, i) => {
    const where = `steps[${i}]`;
    if ([step.lower, step.upper, step.change].some(v => v !== undefined && Token.isUnresolved(v))) {
      invalid(scope, where, 'plain numbers (bounds and changes are compared at synth)', 'a token');
    }
    if (i > 0 && step.lower === undefined) {
      invalid(scope, `${where}.lower`, 'set on every step but the first', undefined);
    }
    if (i < steps.length - 1 && step.upper === undefined) {
      invalid(scope, `${where}.upper`, 'set on every step but the last', undefined);
    }
    if (step.lower !== undefined && step.upper !== undefined && !(step.lower < step.upper)) {
      invalid(scope, where, 'a band whose lower bound is below its upper bound', { lower: step.lower, upper: step.upper });
    }
    if (adjustmentType === autoscaling.AdjustmentType.EXACT_CAPACITY) {
      checkInteger(scope, `${where}.change`, step.change, 0, 10000);
    } else if (!Number.isInteger(step.change)) {
      invalid(scope, `${where}.change`, 'a whole number', step.change);
    }
    if (i > 0) {
      const previous = steps[i - 1];
      if (previous.upper! > step.lower!) {
        invalid(scope, where, `a band that does not overlap steps[${i - 1}] (which ends at ${previous.upper})`, { lower: step.lower, upper: step.upper });
      }
      if (previous.upper! < step.lower!) {
        invalid(scope, where, `a band that starts where steps[${i - 1}] ends (${previous.upper}), leaving no gap`, { lower: step.lower, upper: step.upper });
      }
    }
  });
  if (adjustmentType !== autoscaling.AdjustmentType.EXACT_CAPACITY) {
    const lastScaleIn = steps.map(s => s.change < 0).lastIndexOf(true);
    const firstScaleOut = steps.findIndex(s => s.change > 0);
    if (lastScaleIn === -1 && firstScaleOut === -1) {
      invalid(scope, 'steps', 'a list with at least one step that changes capacity', steps.map(s => s.change));
    }
    if (lastScaleIn !== -1 && firstScaleOut !== -1 && lastScaleIn > firstScaleOut) {
      invalid(scope, 'steps', 'ordered so that steps removing capacity lie below steps adding it', steps.map(s => s.change));
    }
  }
}
