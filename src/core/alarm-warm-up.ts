import { Duration } from 'aws-cdk-lib';
import { MAX_WARM_UP_MINUTES, MIN_WARM_UP_MINUTES } from './private/warm-up-limits';
import { WatchkeeperValidationError, ruleCode } from '../private/validation';

/** Options of {@link AlarmWarmUp.of}. */
export interface AlarmWarmUpOptions {
  /**
   * Wait the whole warm-up before evaluating, even when data fills the evaluation window
   * sooner (for metrics that spike while the service starts, like CPU at boot).
   * @default false - evaluation starts as soon as the evaluation window is full
   */
  readonly onlyStartEvaluatingAfterWarmUpPeriodEnds?: boolean;
}

/**
 * How long a new alarm stays in INSUFFICIENT_DATA, without actions, after CloudFormation
 * creates it: CloudWatch's alarm warm-up. It ends early, by default, as soon as data fills
 * the alarm's evaluation window; it applies once, when the alarm is created, and a later
 * change does not start it again.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-warm-up.html
 *
 * Warm-up covers the deploy that creates an alarm, not planned downtime: it does not start
 * again at a scheduled start, so stop windows and maintenance are muted by mute rules
 * (`ScheduledStartStop`, `MaintenanceWindow`), and the two never lengthen each other.
 *
 * @example
 * declare const routing: AlarmRouting;
 * new AlarmSet(this, 'Alarms', { routing, warmUp: AlarmWarmUp.of(Duration.minutes(30)) });
 */
export class AlarmWarmUp {
  /**
   * The alarm's evaluation window (period × evaluation periods) plus the time its metric
   * takes to become readable (10 minutes for 5-minute EC2 basic monitoring, 3 minutes for
   * everything else): long enough for a new instance's first datapoints, ended early by the
   * first full window. The library's default.
   */
  public static derived(): AlarmWarmUp {
    return new AlarmWarmUp('derived', undefined, false);
  }

  /** A fixed warm-up, 1 minute to 2 days, in whole minutes. */
  public static of(duration: Duration, options: AlarmWarmUpOptions = {}): AlarmWarmUp {
    if (!duration.isUnresolved()) {
      const minutes = duration.toMinutes({ integral: false });
      if (!Number.isInteger(minutes) || minutes < MIN_WARM_UP_MINUTES || minutes > MAX_WARM_UP_MINUTES) {
        throw new WatchkeeperValidationError(ruleCode('AlarmWarmUp', 'duration'),
          `AlarmWarmUp: duration must be whole minutes between ${MIN_WARM_UP_MINUTES} and ${MAX_WARM_UP_MINUTES} (2 days), got ${minutes} minutes`);
      }
    }
    return new AlarmWarmUp('fixed', duration, options.onlyStartEvaluatingAfterWarmUpPeriodEnds ?? false);
  }

  /** No warm-up: the alarm evaluates, and acts, from the moment it is created. */
  public static none(): AlarmWarmUp {
    return new AlarmWarmUp('none', undefined, false);
  }

  private constructor(
    /** @internal */ public readonly _mode: 'derived' | 'fixed' | 'none',
    /** @internal */ public readonly _duration: Duration | undefined,
    /** @internal */ public readonly _waitFullPeriod: boolean,
  ) {}
}
