import { Annotations, Lazy, Token, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { invalid } from './validation';

/**
 * CloudWatch's limits on alarm mute rules, from their sources:
 * - alarm names per rule: 100 (API_MuteTargets; the CloudFormation schema says 500, the API refuses more than 100);
 * - duration: ISO 8601, 1 minute (PT1M) to 15 days (P15D) (API_Schedule, alarm-mute-rules);
 * - expression: `cron(minute hour day-of-month month day-of-week)` with `*`, `,` and `-`, or `at(yyyy-MM-ddThh:mm)`;
 * - mute rules per account and Region: 2,000, not adjustable (CloudWatch service quotas).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-mute-rules.html
 */
export const MAX_ALARMS_PER_MUTE_RULE = 100;
export const MAX_MUTE_MINUTES = 15 * 24 * 60;
export const MAX_MUTE_RULES = 2000;
const WARN_AT = Math.floor(MAX_MUTE_RULES * 0.8);

const FIELD = '[A-Za-z0-9*,-]+';
const MUTE_CRON = new RegExp(`^cron\\(${FIELD} ${FIELD} ${FIELD} ${FIELD} ${FIELD}\\)$`);
const MUTE_AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})\)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** When alarms are muted: a schedule expression, a duration and a time zone. */
export interface MuteSchedule {
  /** `cron(minute hour day-of-month month day-of-week)` or `at(yyyy-MM-ddThh:mm)`. */
  readonly expression: string;
  /** How long each mute lasts, whole minutes. */
  readonly durationMinutes: number;
  /** The IANA time zone of the expression and the dates. */
  readonly timeZone: string;
}

/** What a mute rule says besides its schedule. */
export interface MuteRuleOptions {
  readonly description?: string;
  /** Not before this local date and time (`yyyy-MM-ddThh:mm`). */
  readonly startDate?: string;
  /** Not after this local date and time (`yyyy-MM-ddThh:mm`). */
  readonly expireDate?: string;
}

/**
 * Mute rules for a set of alarms: as many `AWS::CloudWatch::AlarmMuteRule` as it takes to name
 * 100 alarms each. Alarms can be added until synthesis; each rule lists its share lazily.
 */
export class MuteRuleSet {
  public readonly rules: cloudwatch.CfnAlarmMuteRule[] = [];
  private readonly alarms: cloudwatch.IAlarm[] = [];

  public constructor(private readonly scope: Construct, private readonly id: string,
    private readonly schedule: MuteSchedule, private readonly options: MuteRuleOptions = {}) {
    checkMuteSchedule(scope, schedule, options);
  }

  /** Adds alarms, opening another rule every 100 names. */
  public add(alarms: cloudwatch.IAlarm[]): void {
    for (const alarm of alarms) {
      if (this.alarms.includes(alarm)) continue;
      this.alarms.push(alarm);
      const index = Math.floor((this.alarms.length - 1) / MAX_ALARMS_PER_MUTE_RULE);
      if (index === this.rules.length) this.rules.push(this.newRule(index));
    }
  }

  /** The alarms the rules name. */
  public get targets(): cloudwatch.IAlarm[] {
    return [...this.alarms];
  }

  private newRule(index: number): cloudwatch.CfnAlarmMuteRule {
    const chunk = () => this.alarms.slice(index * MAX_ALARMS_PER_MUTE_RULE, (index + 1) * MAX_ALARMS_PER_MUTE_RULE);
    const rule = new cloudwatch.CfnAlarmMuteRule(this.scope, index === 0 ? this.id : `${this.id}Part${index + 1}`, {
      description: this.options.description,
      rule: {
        schedule: {
          expression: this.schedule.expression,
          duration: isoDuration(this.schedule.durationMinutes),
          timezone: this.schedule.timeZone,
        },
      },
      // Refs to the alarms: CloudFormation creates them before the rule that names them.
      muteTargets: { alarmNames: Lazy.list({ produce: () => chunk().map(a => a.alarmName) }) },
      startDate: this.options.startDate,
      expireDate: this.options.expireDate,
    });
    countMuteRule(rule);
    return rule;
  }
}

/** Fails unless the schedule, duration, time zone and dates are ones CloudWatch accepts. */
export function checkMuteSchedule(scope: IConstruct, schedule: MuteSchedule, options: MuteRuleOptions = {}): void {
  const { expression, durationMinutes } = schedule;
  if (!Token.isUnresolved(expression) && !MUTE_CRON.test(expression) && !MUTE_AT.test(expression)) {
    invalid(scope, 'schedule', 'cron(minute hour day-of-month month day-of-week) using only digits, names, *, , and - '
      + '(an alarm mute rule\'s cron has five fields), or at(yyyy-MM-ddThh:mm)', expression);
  }
  if (!Token.isUnresolved(durationMinutes) && (!Number.isInteger(durationMinutes) || durationMinutes < 1 || durationMinutes > MAX_MUTE_MINUTES)) {
    invalid(scope, 'duration', `whole minutes from 1 (PT1M) to ${MAX_MUTE_MINUTES} (15 days, P15D), the longest an alarm mute rule lasts`, `${durationMinutes} minutes`);
  }
  checkTimeZone(scope, schedule.timeZone);
  const start = options.startDate !== undefined ? checkDate(scope, 'startDate', options.startDate) : undefined;
  const expire = options.expireDate !== undefined ? checkDate(scope, 'expireDate', options.expireDate) : undefined;
  if (expire !== undefined && MUTE_AT.test(expression)) {
    invalid(scope, 'expireDate', 'left out for a one-time window (an at() rule expires when its window ends)', options.expireDate);
  }
  if (start !== undefined && expire !== undefined && expire <= start) {
    invalid(scope, 'expireDate', `after startDate (${options.startDate})`, options.expireDate);
  }
  const once = MUTE_AT.exec(expression);
  if (once && expire === undefined && start !== undefined && Date.UTC(+once[1], +once[2] - 1, +once[3], +once[4], +once[5]) < start) {
    invalid(scope, 'startDate', `at or before the one-time window (${expression}), or the window never mutes`, options.startDate);
  }
}

/** Fails unless the time zone is an IANA name this runtime knows (or UTC). */
export function checkTimeZone(scope: IConstruct, timeZone: string): void {
  if (Token.isUnresolved(timeZone)) return;
  const known = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  if (timeZone === 'UTC' || known.includes(timeZone)) return;
  invalid(scope, 'timeZone', 'an IANA time zone such as Europe/Berlin or America/New_York', timeZone);
}

/** A duration in minutes as ISO 8601 (`PT11H15M`, `P2DT11H15M`). */
export function isoDuration(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const time = `${hours ? `${hours}H` : ''}${rest ? `${rest}M` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}` || 'PT0M';
}

function checkDate(scope: IConstruct, prop: string, value: string): number | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const m = DATE.exec(value);
  const at = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) : NaN;
  const d = new Date(at);
  if (!m || Number.isNaN(at) || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3] || +m[4] > 23 || +m[5] > 59) {
    invalid(scope, prop, 'a local date and time yyyy-MM-ddThh:mm (in the rule\'s time zone)', value);
  }
  return at;
}

const counts = new WeakMap<IConstruct, number>();

/** Counts a mute rule against CloudWatch's 2,000 per account and Region (not adjustable): warns at 80 %, fails above. */
function countMuteRule(rule: IConstruct): void {
  const root = rule.node.root;
  const count = (counts.get(root) ?? 0) + 1;
  counts.set(root, count);
  if (count > MAX_MUTE_RULES) {
    invalid(rule, 'alarm mute rules in this app',
      `at most ${MAX_MUTE_RULES} (CloudWatch's quota per account and Region, which cannot be raised)`, `${count} rules`);
  }
  if (count === WARN_AT) {
    Annotations.of(rule).addWarningV2('cdk-watchkeeper:AlarmMuteRule.quota',
      `This app now has ${count} alarm mute rules, ${Math.round(100 * count / MAX_MUTE_RULES)} % of CloudWatch's ${MAX_MUTE_RULES} per account `
      + 'and Region (shared with every other app there, and not adjustable).');
  }
}
