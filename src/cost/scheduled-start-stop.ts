import {
  ArnFormat, Stack, Token,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_scheduler as scheduler,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { invalid } from '../private/validation';

/** When instances start and stop, in a time zone. */
export interface ScheduledStartStopProps {
  /** The instances to start and stop. */
  readonly instances: ec2.IInstance[];
  /**
   * When to start them: an EventBridge Scheduler expression, `cron(minutes hours
   * day-of-month month day-of-week year)` or `rate(value unit)`.
   * @example 'cron(0 8 ? * MON-FRI *)'
   */
  readonly start: string;
  /**
   * When to stop them.
   * @example 'cron(0 19 ? * MON-FRI *)'
   */
  readonly stop: string;
  /**
   * The IANA time zone of the expressions (daylight saving time is followed).
   * @example 'Europe/Berlin'
   */
  readonly timeZone: string;
  /**
   * Alarms that would page while the instances are stopped (status checks treat missing
   * data as breaching): their actions are turned off when the instances stop and on again
   * when they start. Pass `InstanceAlarms.livenessAlarms` or `MonitoredService.alarms`.
   * @default - none
   */
  readonly livenessAlarms?: cloudwatch.IAlarm[];
}

const CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;
const RATE = /^rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)$/;

/**
 * Starts and stops instances on a schedule with EventBridge Scheduler calling EC2 directly
 * (universal targets): no function of ours, nothing to patch, $1 per million invocations
 * beyond the free 14 million a month. For Auto Scaling groups use `BusinessHoursScaling`
 * (scheduled capacity), which the group carries out itself.
 *
 * Planned downtime never pages anyone: the actions of the given liveness alarms are turned
 * off at the stop time and on again at the start time, by the same scheduler.
 *
 * @example
 * new ScheduledStartStop(this, 'OfficeHours', {
 *   instances: [instance],
 *   start: 'cron(0 8 ? * MON-FRI *)',
 *   stop: 'cron(0 19 ? * MON-FRI *)',
 *   timeZone: 'Europe/Berlin',
 * });
 */
export class ScheduledStartStop extends Construct {
  /** The role the scheduler assumes (a managed policy of ours on it). */
  public readonly role: iam.IRole;
  /** The schedules: start, stop, and the alarm switches when liveness alarms are given. */
  public readonly schedules: scheduler.CfnSchedule[] = [];

  public constructor(scope: Construct, id: string, props: ScheduledStartStopProps) {
    super(scope, id);
    if (props.instances.length === 0) invalid(this, 'instances', 'a non-empty list', []);
    if (props.instances.length > 50) invalid(this, 'instances', 'at most 50 instances (split them over several schedules)', props.instances.length);
    for (const [prop, expr] of [['start', props.start], ['stop', props.stop]] as const) {
      if (!Token.isUnresolved(expr) && !CRON.test(expr) && !RATE.test(expr)) {
        invalid(this, prop, 'a scheduler expression: cron(minutes hours day-of-month month day-of-week year) or rate(value unit)', expr);
      }
    }
    if (props.start === props.stop) invalid(this, 'stop', 'different from start', props.stop);
    checkTimeZone(this, props.timeZone);
    const alarms = props.livenessAlarms ?? [];
    if (alarms.length > 100) invalid(this, 'livenessAlarms', 'at most 100 alarms', alarms.length);

    const stack = Stack.of(this);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: 'EventBridge Scheduler: starts and stops these instances only',
    });
    this.role = role;
    const instanceArns = props.instances.map(i => stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: i.instanceId }));
    const statements = [new iam.PolicyStatement({ sid: 'StartStop', actions: ['ec2:StartInstances', 'ec2:StopInstances'], resources: instanceArns })];
    if (alarms.length > 0) {
      statements.push(new iam.PolicyStatement({
        sid: 'SwitchLivenessAlarms',
        actions: ['cloudwatch:DisableAlarmActions', 'cloudwatch:EnableAlarmActions'],
        resources: alarms.map(a => stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: a.alarmName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
      }));
    }
    const policy = new iam.ManagedPolicy(this, 'Policy', { description: 'Starts and stops these instances', statements });
    policy.attachToRole(role);

    const ids = props.instances.map(i => i.instanceId);
    const names = alarms.map(a => a.alarmName);
    const schedule = (sid: string, expression: string, api: string, input: object, description: string) => {
      const s = new scheduler.CfnSchedule(this, sid, {
        description,
        scheduleExpression: expression,
        scheduleExpressionTimezone: props.timeZone,
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: `arn:${stack.partition}:scheduler:::aws-sdk:${api}`,
          roleArn: role.roleArn,
          input: stack.toJsonString(input),
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        },
      });
      s.node.addDependency(policy);
      this.schedules.push(s);
    };
    schedule('Start', props.start, 'ec2:startInstances', { InstanceIds: ids }, 'Starts the instances');
    schedule('Stop', props.stop, 'ec2:stopInstances', { InstanceIds: ids }, 'Stops the instances');
    if (names.length > 0) {
      schedule('AlarmsOn', props.start, 'cloudwatch:enableAlarmActions', { AlarmNames: names }, 'Turns the liveness alarms on as the instances start');
      schedule('AlarmsOff', props.stop, 'cloudwatch:disableAlarmActions', { AlarmNames: names }, 'Turns the liveness alarms off as the instances stop');
    }
  }
}

function checkTimeZone(scope: Construct, timeZone: string): void {
  if (Token.isUnresolved(timeZone)) return;
  const known = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  if (timeZone === 'UTC' || known.includes(timeZone)) return;
  invalid(scope, 'timeZone', 'an IANA time zone such as Europe/Berlin or America/New_York', timeZone);
}
