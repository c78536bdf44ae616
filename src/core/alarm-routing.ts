import { aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { AlarmWarmUp } from './alarm-warm-up';
import { IAlertTopic } from './alert-topic-base';
import { recordSeverity } from '../private/alarm-metadata';
import { WatchkeeperValidationError, ruleCode } from '../private/validation';

/** How urgent an alarm is; each severity is routed to its own topics. */
export enum AlarmSeverity {
  /** Someone must act now: the service is down or about to be (status checks, capacity). */
  CRITICAL = 'CRITICAL',
  /** Someone should look soon: a resource runs short (CPU, memory, disk, credits). */
  WARNING = 'WARNING',
  /** Worth knowing, nobody needs to act (anomalies, trends). */
  INFO = 'INFO',
}

/** Properties of an {@link AlarmRouting}. */
export interface AlarmRoutingProps {
  /** Topics that hear CRITICAL alarms (for example a pager). At least one. */
  readonly critical: IAlertTopic[];
  /**
   * Topics that hear WARNING alarms (for example a team channel).
   * @default - the critical topics
   */
  readonly warning?: IAlertTopic[];
  /**
   * Topics that hear INFO alarms.
   * @default - the warning topics
   */
  readonly info?: IAlertTopic[];
  /**
   * Also notify the same topics when an alarm returns to OK, so whoever was paged
   * knows it is over.
   * @default true
   */
  readonly notifyOnOk?: boolean;
  /**
   * Also notify the same topics when an alarm goes to INSUFFICIENT_DATA. Liveness alarms
   * treat missing data as breaching and go to ALARM instead, so this is rarely needed.
   * @default false
   */
  readonly notifyOnInsufficientData?: boolean;
  /**
   * The team that owns the alarms routed here: their `owner` tag, which travels in every
   * notification (an alarm set's own `owner` takes precedence).
   * @default 'unassigned'
   */
  readonly owner?: string;
  /**
   * How long new alarms routed here wait before they act (an alarm set's own `warmUp` takes
   * precedence).
   * @default AlarmWarmUp.derived()
   */
  readonly warmUp?: AlarmWarmUp;
  /**
   * The tag keys copied into notifications (SNS, Lambda, EventBridge). Only these travel:
   * other tags (cost centres, ...) stay on the alarm.
   * @default AlarmTags.keys(): service, severity, runbook, owner
   */
  readonly propagatedTagKeys?: string[];
}

/**
 * Where alarms of each severity notify, and on which state changes.
 *
 * @example
 * const pager = new AlertTopic(this, 'Pager', { smsNumbers: ['+14155550100'] });
 * const team = new AlertTopic(this, 'Team', { emails: ['team@example.com'] });
 * const routing = new AlarmRouting({ critical: [pager, team], warning: [team] });
 */
export class AlarmRouting {
  /** Every severity to one topic, with OK notifications. */
  public static toTopic(topic: IAlertTopic): AlarmRouting {
    return new AlarmRouting({ critical: [topic] });
  }

  /** Whether OK transitions are notified. */
  public readonly notifyOnOk: boolean;
  /** Whether INSUFFICIENT_DATA transitions are notified. */
  public readonly notifyOnInsufficientData: boolean;
  /** The owner tag of the alarms routed here, when given. */
  public readonly owner?: string;
  /** The warm-up of the alarms routed here, when given. */
  public readonly warmUp?: AlarmWarmUp;
  /** The tag keys copied into notifications, when given. */
  public readonly propagatedTagKeys?: string[];

  private readonly routes: Record<AlarmSeverity, IAlertTopic[]>;

  public constructor(props: AlarmRoutingProps) {
    if (props.critical.length === 0) {
      throw new WatchkeeperValidationError(ruleCode('AlarmRouting', 'critical'), 'AlarmRouting: critical must be a list of at least one alert topic, got []');
    }
    const warning = props.warning ?? props.critical;
    this.routes = {
      [AlarmSeverity.CRITICAL]: [...props.critical],
      [AlarmSeverity.WARNING]: [...warning],
      [AlarmSeverity.INFO]: [...(props.info ?? warning)],
    };
    this.notifyOnOk = props.notifyOnOk ?? true;
    this.notifyOnInsufficientData = props.notifyOnInsufficientData ?? false;
    this.owner = props.owner;
    this.warmUp = props.warmUp;
    this.propagatedTagKeys = props.propagatedTagKeys ? [...props.propagatedTagKeys] : undefined;
  }

  /** The topics alarms of a severity notify. */
  public topicsFor(severity: AlarmSeverity): IAlertTopic[] {
    return [...this.routes[severity]];
  }

  /**
   * Adds the notification actions of a severity to an alarm: ALARM always, OK and
   * INSUFFICIENT_DATA as configured.
   */
  public applyTo(alarm: cloudwatch.AlarmBase, severity: AlarmSeverity): void {
    recordSeverity(alarm, severity);
    for (const topic of this.routes[severity]) {
      alarm.addAlarmAction(topic.alarmAction);
      if (this.notifyOnOk) alarm.addOkAction(topic.alarmAction);
      if (this.notifyOnInsufficientData) alarm.addInsufficientDataAction(topic.alarmAction);
    }
  }
}
