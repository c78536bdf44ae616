import { aws_autoscaling as autoscaling } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { checkInteger, checkPattern, invalid } from '../private/validation';

/** Capacity bounds applied by a schedule; unset values are left as they are. */
export interface ScheduledCapacity {
  /**
   * Fewest instances.
   * @default - unchanged
   */
  readonly minCapacity?: number;
  /**
   * Most instances.
   * @default - unchanged
   */
  readonly maxCapacity?: number;
  /**
   * Instances to run now (scaling policies move it within min and max afterwards).
   * @default - unchanged
   */
  readonly desiredCapacity?: number;
}

/** When business hours are and what capacity they need. */
export interface BusinessHoursScalingOptions {
  /**
   * The IANA time zone the hours are in (`Europe/Berlin`, `America/New_York`, `UTC`).
   * Daylight saving time is followed.
   */
  readonly timeZone: string;
  /**
   * When business hours start, `HH:MM` (24-hour clock).
   * @default '08:00'
   */
  readonly startTime?: string;
  /**
   * When business hours end, `HH:MM` (24-hour clock), after `startTime`.
   * @default '18:00'
   */
  readonly endTime?: string;
  /**
   * Days of the week in cron form (`MON-FRI`, `MON,WED,FRI`, `*`).
   * @default 'MON-FRI'
   */
  readonly weekDays?: string;
  /** Capacity during business hours. */
  readonly duringHours: ScheduledCapacity;
  /** Capacity outside business hours (nights, and the days not in `weekDays`). */
  readonly outsideHours: ScheduledCapacity;
}

/** Properties of a {@link BusinessHoursScaling}. */
export interface BusinessHoursScalingProps extends BusinessHoursScalingOptions {
  /** The group to scale. */
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAYS = /^(\*|((MON|TUE|WED|THU|FRI|SAT|SUN|[0-6])(-(MON|TUE|WED|THU|FRI|SAT|SUN|[0-6]))?)(,((MON|TUE|WED|THU|FRI|SAT|SUN|[0-6])(-(MON|TUE|WED|THU|FRI|SAT|SUN|[0-6]))?))*)$/;

/**
 * Sets a group's capacity for business hours and back, in a time zone (two scheduled
 * actions). Target tracking and step policies keep working within the bounds.
 *
 * @example
 * new BusinessHoursScaling(this, 'OfficeHours', {
 *   autoScalingGroup: group,
 *   timeZone: 'Europe/Berlin',
 *   duringHours: { minCapacity: 2, maxCapacity: 10 },
 *   outsideHours: { minCapacity: 1, maxCapacity: 2 },
 * });
 */
export class BusinessHoursScaling extends Construct {
  /** The action at the start of business hours. */
  public readonly startAction: autoscaling.ScheduledAction;
  /** The action at the end of business hours. */
  public readonly endAction: autoscaling.ScheduledAction;

  public constructor(scope: Construct, id: string, props: BusinessHoursScalingProps) {
    super(scope, id);
    checkTimeZone(this, 'timeZone', props.timeZone);
    const start = props.startTime ?? '08:00';
    const end = props.endTime ?? '18:00';
    const days = props.weekDays ?? 'MON-FRI';
    checkPattern(this, 'startTime', start, TIME, 'a time of day as HH:MM (24-hour clock)');
    checkPattern(this, 'endTime', end, TIME, 'a time of day as HH:MM (24-hour clock)');
    checkPattern(this, 'weekDays', days, DAYS, 'days of the week in cron form like MON-FRI');
    if (end <= start) {
      invalid(this, 'endTime', `after startTime (${start})`, end);
    }
    checkCapacity(this, 'duringHours', props.duringHours);
    checkCapacity(this, 'outsideHours', props.outsideHours);

    this.startAction = this.action('Start', props.autoScalingGroup, start, days, props.timeZone, props.duringHours);
    this.endAction = this.action('End', props.autoScalingGroup, end, days, props.timeZone, props.outsideHours);
  }

  private action(id: string, group: autoscaling.IAutoScalingGroup, time: string, days: string, timeZone: string,
    capacity: ScheduledCapacity): autoscaling.ScheduledAction {
    const [hour, minute] = time.split(':').map(s => String(Number(s)));
    return new autoscaling.ScheduledAction(this, id, {
      autoScalingGroup: group,
      schedule: autoscaling.Schedule.cron({ minute, hour, weekDay: days }),
      timeZone,
      minCapacity: capacity.minCapacity,
      maxCapacity: capacity.maxCapacity,
      desiredCapacity: capacity.desiredCapacity,
    });
  }

}

/** Fails unless the value is an IANA time zone name this runtime knows. */
function checkTimeZone(scope: IConstruct, prop: string, timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    invalid(scope, prop, 'an IANA time zone like Europe/Berlin or America/New_York', timeZone);
  }
}

function checkCapacity(scope: IConstruct, prop: string, c: ScheduledCapacity): void {
  checkInteger(scope, `${prop}.minCapacity`, c.minCapacity, 0, 10000);
  checkInteger(scope, `${prop}.maxCapacity`, c.maxCapacity, 0, 10000);
  checkInteger(scope, `${prop}.desiredCapacity`, c.desiredCapacity, 0, 10000);
  if (c.minCapacity === undefined && c.maxCapacity === undefined && c.desiredCapacity === undefined) {
    invalid(scope, prop, 'at least one of minCapacity, maxCapacity, desiredCapacity', c);
  }
  if (c.minCapacity !== undefined && c.maxCapacity !== undefined && c.minCapacity > c.maxCapacity) {
    invalid(scope, `${prop}.minCapacity`, `at most maxCapacity (${c.maxCapacity})`, c.minCapacity);
  }
  if (c.desiredCapacity !== undefined) {
    if (c.minCapacity !== undefined && c.desiredCapacity < c.minCapacity) {
      invalid(scope, `${prop}.desiredCapacity`, `at least minCapacity (${c.minCapacity})`, c.desiredCapacity);
    }
    if (c.maxCapacity !== undefined && c.desiredCapacity > c.maxCapacity) {
      invalid(scope, `${prop}.desiredCapacity`, `at most maxCapacity (${c.maxCapacity})`, c.desiredCapacity);
    }
  }
}
