import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IMonitoredService } from './monitored-service';
import { MuteRuleSet } from '../private/alarm-mute-rules';
import { invalid } from '../private/validation';

/** Properties of a {@link MaintenanceWindow}. */
export interface MaintenanceWindowProps {
  /**
   * When the window opens: `cron(minute hour day-of-month month day-of-week)` for a recurring
   * window (five fields, with `*`, `,` and `-`; days of the week as SUN-SAT), or
   * `at(yyyy-MM-ddThh:mm)` for one window.
   * @example 'cron(0 2 * * SUN)'
   */
  readonly schedule: string;
  /** How long each window lasts: whole minutes, 1 minute to 15 days. */
  readonly duration: Duration;
  /**
   * The IANA time zone of `schedule`, `startDate` and `expireDate` (daylight saving time is followed).
   * @example 'Europe/Berlin'
   */
  readonly timeZone: string;
  /**
   * Services whose alarms are muted (the alarms they have when added).
   * @default - none; add them with `addService`
   */
  readonly services?: IMonitoredService[];
  /**
   * More alarms to mute.
   * @default - none; add them with `addAlarms`
   */
  readonly alarms?: cloudwatch.IAlarm[];
  /**
   * What the window is for, shown with the mute rule.
   * @default - names the services
   */
  readonly description?: string;
  /**
   * The first moment the window may open, `yyyy-MM-ddThh:mm` in `timeZone`.
   * @default - from the deployment on
   */
  readonly startDate?: string;
  /**
   * When a recurring window stops for good, `yyyy-MM-ddThh:mm` in `timeZone` (a one-time
   * window ends by itself and takes none).
   * @default - recurs until the window is removed
   */
  readonly expireDate?: string;
}

/**
 * A maintenance window: CloudWatch alarm mute rules that silence every action (notifications
 * and EC2 actions alike, on OK, ALARM and INSUFFICIENT_DATA) of a service's alarms while it
 * is open. The alarms keep evaluating. When the window closes, CloudWatch re-runs the muted
 * actions of the state each alarm is then in: an alarm still in ALARM pages then, one that
 * went back to OK notifies OK (if it notifies on OK). A rule names at most 100 alarms, so a
 * window over more alarms is several rules; an account holds at most 2,000.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-mute-rules.html
 *
 * @example
 * declare const api: MonitoredService;
 * new MaintenanceWindow(this, 'PatchTuesday', {
 *   schedule: 'cron(0 2 * * TUE)',
 *   duration: Duration.hours(2),
 *   timeZone: 'Europe/Berlin',
 *   services: [api],
 * });
 */
export class MaintenanceWindow extends Construct {
  /** The mute rules (one per 100 alarms). */
  public get muteRules(): cloudwatch.CfnAlarmMuteRule[] {
    return [...this.set.rules];
  }

  private readonly set: MuteRuleSet;

  public constructor(scope: Construct, id: string, props: MaintenanceWindowProps) {
    super(scope, id);
    const minutes = props.duration.isUnresolved() ? props.duration.toMinutes() : props.duration.toMinutes({ integral: false });
    const services = props.services ?? [];
    this.set = new MuteRuleSet(this, 'MuteRule', { expression: props.schedule, durationMinutes: minutes, timeZone: props.timeZone }, {
      description: props.description ?? `Maintenance window ${this.node.path}${services.length ? ` of ${services.map(s => s.serviceName).join(', ')}` : ''}`,
      startDate: props.startDate,
      expireDate: props.expireDate,
    });
    for (const service of services) this.addService(service);
    this.addAlarms(...(props.alarms ?? []));
    this.node.addValidation({
      validate: () => (this.set.targets.length === 0
        ? [`${this.node.path}: a maintenance window must mute at least one alarm (add a service or alarms), got none`]
        : []),
    });
  }

  /** Mutes the service's alarms (those it has now: add later ones with `addAlarms`). */
  public addService(service: IMonitoredService): void {
    if (service.alarms.length === 0) invalid(this, 'services', 'services with alarms', service.node.path);
    this.set.add(service.alarms);
  }

  /** Mutes more alarms. */
  public addAlarms(...alarms: cloudwatch.IAlarm[]): void {
    this.set.add(alarms);
  }
}
