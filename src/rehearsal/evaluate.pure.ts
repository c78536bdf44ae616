// How a metric alarm turns the datapoints of its evaluation range into a state: M out of N,
// the four missing-data treatments, and the rule against premature ALARM. Pure: no CDK, no I/O.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-evaluating-missing-data
import { assumed } from './assumptions.pure';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';

/** One datapoint of an evaluation range: undefined is missing. */
export type Datapoint = number | undefined;

/** Whether a value breaches the threshold, for each comparison operator of PutMetricAlarm. */
export function breaches(operator: string, value: number, threshold: number, upper?: number): boolean {
  switch (operator) {
    case 'GreaterThanOrEqualToThreshold': return value >= threshold;
    case 'GreaterThanThreshold': return value > threshold;
    case 'LessThanThreshold': return value < threshold;
    case 'LessThanOrEqualToThreshold': return value <= threshold;
    // Anomaly-detection operators compare with the band: `threshold` is its lower bound, `upper` its upper.
    case 'LessThanLowerOrGreaterThanUpperThreshold': return value < threshold || value > (upper ?? threshold);
    case 'LessThanLowerThreshold': return value < threshold;
    case 'GreaterThanUpperThreshold': return value > (upper ?? threshold);
  }
  throw new Error(`unknown comparison operator ${operator}`);
}

/** The number of datapoints an alarm retrieves: Evaluation Periods + 2 (the page's example: 5 for 3). */
export function evaluationRange(evaluationPeriods: number): number {
  assumed('evaluation-range');
  return evaluationPeriods + 2;
}

/** An alarm's evaluation settings. */
export interface EvaluationSettings {
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
}

/**
 * The state an alarm goes to for its evaluation range (oldest first, newest last), given
 * whether each real datapoint breaches; `current` is kept where the page says "Retain current
 * state". Follows the page's three cases:
 * - the N newest datapoints all exist: they decide (M of them breaching is ALARM);
 * - N or more exist in the range: the N newest real ones decide, missing data is not needed;
 * - fewer than N exist: missing ones are filled as the treatment says, as few as possible.
 * And its "premature ALARM" rule: with missing data treated as missing, an alarm with fewer
 * real datapoints than M goes to ALARM when the oldest breaching one among the N newest
 * slots is at least M periods old and every newer slot is breaching or missing.
 */
export function evaluateRange(range: ReadonlyArray<boolean | undefined>, s: EvaluationSettings, current: AlarmState): AlarmState {
  const n = s.evaluationPeriods;
  const m = s.datapointsToAlarm;
  const real = range.filter((b): b is boolean => b !== undefined);
  const newest = range.slice(-n);
  const count = (xs: readonly boolean[]) => xs.filter(Boolean).length;
  if (newest.length === n && newest.every(b => b !== undefined)) {
    return count(newest as boolean[]) >= m ? 'ALARM' : 'OK';
  }
  if (real.length >= n) return count(real.slice(-n)) >= m ? 'ALARM' : 'OK';
  if (real.length === 0) {
    switch (s.treatMissingData) {
      case 'breaching': return 'ALARM';
      case 'notBreaching': return 'OK';
      case 'ignore': return current;
      case 'missing': return 'INSUFFICIENT_DATA';
    }
  }
  const fill = n - real.length;
  switch (s.treatMissingData) {
    case 'breaching': return count(real) + fill >= m ? 'ALARM' : 'OK';
    case 'notBreaching': return count(real) >= m ? 'ALARM' : 'OK';
    case 'missing':
      if (real.length < m && premature(newest, m)) return 'ALARM';
      return partial(real, m, current);
    case 'ignore':
      return partial(real, m, current);
  }
}

function partial(real: boolean[], m: number, current: AlarmState): AlarmState {
  assumed('missing-partial');
  if (real.filter(Boolean).length >= m) return 'ALARM';
  if (real.some(b => !b)) return 'OK';
  return current;
}

/** The page's "premature alarm state" rule over the N newest slots (oldest first). */
function premature(newest: ReadonlyArray<boolean | undefined>, m: number): boolean {
  const oldest = newest.findIndex(b => b === true);
  if (oldest < 0) return false;
  const age = newest.length - oldest;
  return age >= m && newest.slice(oldest + 1).every(b => b !== false);
}
