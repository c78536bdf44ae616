import {
  Duration, Stack, Token, Validations,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_kms as kms,
  aws_scheduler as scheduler,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { muteStopWindows } from './private/stop-window-mute';
import { AlarmSet } from '../core/alarm-set';
import { IAlertTopic } from '../core/alert-topic-base';
import { invalid } from '../private/validation';

/** When instances start and stop, in a time zone. */
export interface ScheduledStartStopProps {
  /** The instances to start and stop. */
  readonly instances: ec2.IInstance[];
  /**
   * Where the schedules' own failures are told: a start, stop or alarm switch that failed
   * after the scheduler's retries waits in the dead-letter queue, which alarms here.
   */
  readonly alertTopic: IAlertTopic;
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
   * data as breaching): CloudWatch alarm mute rules silence their actions over each stop
   * window, from the stop until `alarmsOnDelay` after the next start, in `timeZone`. When a
   * window ends CloudWatch runs the muted actions of an alarm still in the state it was
   * muted in: ALARM if the instances did not start (the page for a failed start, `alarmsOnDelay`
   * after the start); nothing when they started and the alarm is OK again. Pass
   * `InstanceAlarms.livenessAlarms` or the liveness alarms of
   * `MonitoredService.alarmSets`. `start` and `stop` must then be weekly cron expressions.
   * @default - none
   */
  readonly livenessAlarms?: cloudwatch.IAlarm[];
  /**
   * How long after the start the liveness alarms stay muted: the boot, the longest evaluation
   * window of the alarms and the ~2 minutes until a 1-minute datapoint can be read, so that
   * they are OK again before the mute ends.
   * @default Duration.minutes(15)
   */
  readonly alarmsOnDelay?: Duration;
  /**
   * The account's default EBS encryption key, when it is a customer managed key (or the key
   * of the instances' volumes). Starting an instance whose volumes are encrypted with a
   * customer managed key needs `kms:CreateGrant` on it, for EC2 (`kms:ViaService`) and
   * for an AWS resource (`kms:GrantIsForAWSResource`); without it the instance goes from
   * pending back to stopped. The AWS managed key `aws/ebs` needs nothing.
   * @default - no grant (volumes unencrypted or encrypted with the AWS managed key)
   */
  readonly ebsKey?: kms.IKey;
}

const CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;
const RATE = /^rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)$/;
/** 1-minute datapoints are readable about 2 minutes after their minute; one more for safety. */
const PUBLICATION_DELAY_MINUTES = 3;

/**
 * Starts and stops instances on a schedule with EventBridge Scheduler calling EC2 directly
 * (universal targets): no function of ours, nothing to patch, $1 per million invocations
 * beyond the free 14 million a month. For Auto Scaling groups use `BusinessHoursScaling`
 * (scheduled capacity), which the group carries out itself.
 *
 * Planned downtime never pages anyone: alarm mute rules silence the given liveness alarms
 * over each stop window, until `alarmsOnDelay` (15 minutes) after the start, once they are
 * back to OK. A start that fails leaves them in ALARM, and CloudWatch pages when the mute ends.
 *
 * A start, stop or alarm switch that fails after the scheduler's retries goes to a
 * dead-letter queue (SSE-SQS, TLS only), which alarms to `alertTopic`.
 *
 * With a customer managed default EBS key, pass it as `ebsKey`: starting an instance with
 * volumes encrypted under it needs `kms:CreateGrant`.
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html
 *
 * @example
 * declare const alerts: AlertTopic;
 * new ScheduledStartStop(this, 'OfficeHours', {
 *   instances: [instance],
 *   alertTopic: alerts,
 *   start: 'cron(0 8 ? * MON-FRI *)',
 *   stop: 'cron(0 19 ? * MON-FRI *)',
 *   timeZone: 'Europe/Berlin',
 * });
 */
export class ScheduledStartStop extends Construct {
  /** The role the scheduler assumes (a managed policy of ours on it). */
  public readonly role: iam.IRole;
  /** The schedules: start and stop. */
  public readonly schedules: scheduler.CfnSchedule[] = [];
  /** The mute rules over the stop windows, when liveness alarms are given. */
  public readonly muteRules: cloudwatch.CfnAlarmMuteRule[] = [];
  /**
   * Where the scheduler puts an invocation that failed after its retries, with the error
   * (encrypted, TLS only, kept 14 days).
   */
  public readonly deadLetterQueue: sqs.IQueue;
  /** The alarm on the dead-letter queue, to the alert topic. */
  public readonly deadLetterAlarm: cloudwatch.IAlarm;

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

    const stack = Stack.of(this);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: 'EventBridge Scheduler: starts and stops these instances only',
    });
    this.role = role;
    const instanceArns = props.instances.map(i => stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: i.instanceId }));
    const deadLetters = deadLettersOf(this, props.alertTopic);
    this.deadLetterQueue = deadLetters.queue;
    this.deadLetterAlarm = deadLetters.alarm;
    const statements = [
      new iam.PolicyStatement({ sid: 'StartStop', actions: ['ec2:StartInstances', 'ec2:StopInstances'], resources: instanceArns }),
      // The scheduler sends dead letters with the schedule's role.
      // https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
      new iam.PolicyStatement({ sid: 'DeadLetters', actions: ['sqs:SendMessage'], resources: [deadLetters.queue.queueArn] }),
    ];
    if (props.ebsKey) {
      // StartInstances creates a grant on the volumes' key for EC2; the scheduler's role
      // makes the call, so the role needs kms:CreateGrant, limited to grants EC2 asks for.
      // https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html
      statements.push(new iam.PolicyStatement({
        sid: 'StartWithEncryptedVolumes',
        actions: ['kms:CreateGrant'],
        resources: [props.ebsKey.keyArn],
        conditions: {
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
          StringEquals: { 'kms:ViaService': `ec2.${stack.region}.amazonaws.com` },
        },
      }));
    }
    const policy = new iam.ManagedPolicy(this, 'Policy', { description: 'Starts and stops these instances', statements });
    policy.attachToRole(role);

    const ids = props.instances.map(i => i.instanceId);
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
          deadLetterConfig: { arn: deadLetters.queue.queueArn },
        },
      });
      s.node.addDependency(policy);
      this.schedules.push(s);
    };
    schedule('Start', props.start, 'ec2:startInstances', { InstanceIds: ids }, 'Starts the instances');
    schedule('Stop', props.stop, 'ec2:stopInstances', { InstanceIds: ids }, 'Stops the instances');
    if (alarms.length > 0) {
      const delay = props.alarmsOnDelay ?? Duration.minutes(15);
      const needed = Math.max(0, ...alarms.map(evaluationMinutes)) + PUBLICATION_DELAY_MINUTES;
      const delayMinutes = delay.toMinutes({ integral: false });
      if (!Number.isInteger(delayMinutes) || delayMinutes < needed || delayMinutes > 180) {
        invalid(this, 'alarmsOnDelay', `whole minutes from ${needed} (the longest alarm evaluation window plus ${PUBLICATION_DELAY_MINUTES} minutes `
          + 'for its datapoints to be readable) to 180', `${delayMinutes} minutes`);
      }
      const { start, stop, timeZone } = props;
      this.muteRules.push(...muteStopWindows(this, { start, stop, timeZone, alarms, afterStartMinutes: delayMinutes }));
    }
  }
}

/** One dead-letter queue for every schedule of a construct, and its alarm. */
function deadLettersOf(scope: Construct, topic: IAlertTopic): { queue: sqs.Queue; alarm: cloudwatch.IAlarm } {
  const queue = new sqs.Queue(scope, 'DeadLetters', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is the dead-letter queue of EventBridge Scheduler schedules; a dead-letter queue needs none of its own.',
  });
  const alarm = new AlarmSet(scope, 'Alarms', { alertTopic: topic })
    .addAlarm('DeadLetters', queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), {
      threshold: 1,
      evaluationPeriods: 1,
      description: `A scheduled start or stop of ${scope.node.path} failed after the scheduler's retries (instances not `
        + 'started or stopped); the failed invocation and its error wait in the dead-letter queue '
        + '(kept 14 days). Read the error (a permission, an instance in the wrong state), act on the instances, then purge the queue.',
    });
  return { queue, alarm };
}

function checkTimeZone(scope: Construct, timeZone: string): void {
  if (Token.isUnresolved(timeZone)) return;
  const known = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  if (timeZone === 'UTC' || known.includes(timeZone)) return;
  invalid(scope, 'timeZone', 'an IANA time zone such as Europe/Berlin or America/New_York', timeZone);
}

/** The minutes a metric alarm looks back (period times evaluation periods); 0 when unknown. */
function evaluationMinutes(alarm: cloudwatch.IAlarm): number {
  const cfn = alarm.node.defaultChild;
  if (!(cfn instanceof cloudwatch.CfnAlarm)) return 0;
  const stack = Stack.of(alarm);
  const periods = stack.resolve(cfn.evaluationPeriods);
  const queries = (stack.resolve(cfn.metrics) ?? []) as Array<{ metricStat?: { period?: number }; period?: number }>;
  const period = stack.resolve(cfn.period) ?? Math.max(0, ...queries.map(m => m.metricStat?.period ?? m.period ?? 0));
  return typeof periods === 'number' && typeof period === 'number' ? Math.ceil(periods * period / 60) : 0;
}
