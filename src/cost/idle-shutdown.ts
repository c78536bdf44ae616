import {
  ArnFormat, Duration, RemovalPolicy, Size, Stack, Tags, Validations,
  aws_cloudwatch as cloudwatch,
  aws_events as events,
  aws_events_targets as targets,
  aws_iam as iam,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { LIVENESS_ALARM_TAG, LIVENESS_MANAGED_TAG, SILENCED_TAG, networkBytesForWindow } from './idle-decision.pure';
import { IdleShutdownFunction } from './idle-shutdown-function';
import { deployedWithActionsOn, fixedAlarmName, idleShutdownsOfApp, nagPart, runsPerMonthOf } from './private/idle-shutdown-support';
import { AlarmRouting } from '../core/alarm-routing';
import { AlarmSet } from '../core/alarm-set';
import { IAlertTopic } from '../core/alert-topic-base';
import { sharedLogGroupKey } from '../private/log-group-key';
import { IDLE_SHUTDOWN_READS, READ_ALARMS, READ_METRIC_DATA, unscopedStatement } from '../private/unscoped-actions';
import { registerUsage } from '../private/usage-registry';
import { checkInteger, checkPattern, checkRange, invalid, invalidMessage } from '../private/validation';

/** How idle shutdown decides and acts. */
export interface IdleShutdownProps {
  /** Where each run's report goes (what was stopped and why, what failed). */
  readonly alertTopic: IAlertTopic;
  /**
   * When the function runs.
   * @default events.Schedule.rate(Duration.hours(1))
   */
  readonly schedule?: events.Schedule;
  /**
   * The peak CPU that every 5-minute period of the window must stay below: AWS Compute
   * Optimizer's idle rule is a peak CPU below 5 %.
   * @default 5
   */
  readonly cpuPeakPercent?: number;
  /**
   * The network traffic (in plus out) allowed per day, applied pro rata to the window: AWS
   * Compute Optimizer's idle rule allows less than 5 MB of network I/O a day, which is
   * 208,333 bytes over the default hour.
   * @default Size.bytes(5_000_000)
   */
  readonly networkTrafficPerDay?: Size;
  /**
   * The window looked at, in whole multiples of 5 minutes, from 15 minutes to 1 day. It
   * ends at the newest 5-minute boundary whose datapoints EC2 has published (10 minutes
   * ago with basic monitoring, 3 with detailed). Every period must have data: missing
   * data is never idle.
   * @default Duration.hours(1)
   */
  readonly lookback?: Duration;
  /**
   * The tag that opts an instance in.
   * @default 'watchkeeper:idle-shutdown'
   */
  readonly optInTagKey?: string;
  /**
   * The opt-in tag's value. It also keeps idle shutdowns apart: the function looks only for
   * instances with this value, and may stop only those (an `aws:ResourceTag` condition), so
   * the IdleShutdown of another stack never acts on this one's instances. Two IdleShutdowns
   * of an app with the same tag in one environment fail at synth.
   * @default - the stack's name (unique per account and Region)
   */
  readonly optInTagValue?: string;
  /**
   * An instance with this tag (any value) is never stopped.
   * @default 'watchkeeper:keep-running'
   */
  readonly protectionTagKey?: string;
  /**
   * Decide and report, but stop nothing.
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * How long the function's log group keeps the decisions.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * How many instances usually carry the opt-in tag, for the cost report.
   * @default 10
   */
  readonly expectedInstances?: number;
}

/** Options of {@link IdleShutdown.optIn}. */
export interface IdleShutdownOptInOptions {
  /**
   * Alarms that would page while the instances are stopped on purpose (status checks treat
   * missing data as breaching). Idle shutdown turns off the actions of exactly these before
   * it stops an instance (unless someone had turned them off already) and turns them on
   * again once the instance runs and each alarm is OK. Pass `InstanceAlarms.livenessAlarms`;
   * `MonitoredService` passes its own. Each instance under the scope names them in tags
   * (`watchkeeper:liveness-alarm-1`, `-2`...); an alarm created without a name gets a
   * fixed one, `<stack name>-<unique id>`, so that the tag does not depend on it.
   * @default - no alarm is touched
   */
  readonly livenessAlarms?: cloudwatch.IAlarm[];
}

const TAG_KEY = /^(?!aws:)[\w .:/=+\-@]{1,128}$/;
const TAG_VALUE = /^[\w .:/=+\-@]{0,256}$/;
const NAMESPACE = 'Watchkeeper/IdleShutdown';
const MEMORY_MB = 256;
/** Alarm ARNs per managed policy (a managed policy holds at most 6,144 characters). */
const ALARMS_PER_POLICY = 40;
/** Alarms one instance can name (an instance carries at most 50 tags). */
const MAX_ALARMS_PER_INSTANCE = 20;
/** 5 MB, as Compute Optimizer counts it. */
const COMPUTE_OPTIMIZER_BYTES_PER_DAY = 5_000_000;

/**
 * Stops instances that are idle, on a schedule: one function per stack, however many
 * services opt in. The rule, in one sentence: an instance is stopped (hibernated when it
 * was launched with hibernation) when it carries the opt-in tag, not the protection tag,
 * belongs to no Auto Scaling group, and over the whole window (the last complete hour by
 * default) every 5-minute period has data, its peak CPU stayed below 5 % and its network
 * traffic stayed below 5 MB a day pro rata (AWS Compute Optimizer's idle rule applied to
 * the window); missing data is never idle. The window ends at the newest period EC2 has
 * published: 10 minutes before the run with basic monitoring, 3 with detailed.
 *
 * Planned downtime never pages anyone: before stopping an instance the function turns
 * off the actions of the liveness alarms given to `optIn` (only those, and only if they
 * were on), and a later run turns them on again once the instance has run for 15 minutes
 * and each alarm is OK again (turned on while in ALARM, it would send OK to everyone). Each run reports to the alert topic, logs one JSON
 * line per decision and publishes its own metrics (`Watchkeeper/IdleShutdown`) as Embedded
 * Metric Format.
 *
 * @example
 * declare const alerts: AlertTopic;
 * const idle = new IdleShutdown(this, 'IdleShutdown', { alertTopic: alerts, dryRun: true });
 * idle.optIn(instance);
 */
export class IdleShutdown extends Construct {
  /** The function that decides and stops. */
  public readonly function: lambda.IFunction;
  /** Its log group: one JSON line per decision. */
  public readonly logGroup: logs.ILogGroup;
  /** Its role (a managed policy of ours, no AWS managed policy). */
  public readonly role: iam.IRole;
  /** Its policy. */
  public readonly policy: iam.ManagedPolicy;
  /** The scheduled rule. */
  public readonly scheduleRule: events.Rule;
  /** The opt-in tag key. */
  public readonly optInTagKey: string;
  /** The opt-in tag value. */
  public readonly optInTagValue: string;
  /** The protection tag key. */
  public readonly protectionTagKey: string;
  /** Where runs that failed after Lambda's retries wait (encrypted, TLS only, kept 14 days). */
  public readonly deadLetterQueue: sqs.IQueue;
  /**
   * The function's own alarms, to the alert topic: a run failed (Lambda `Errors`), and runs
   * wait in the dead-letter queue.
   */
  public readonly alarms: cloudwatch.IAlarm[];

  private readonly alarmArns: string[] = [];
  private readonly alarmPolicies: iam.ManagedPolicy[] = [];

  public constructor(scope: Construct, id: string, props: IdleShutdownProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const others = stack.node.findAll().filter(c => c instanceof IdleShutdown && c !== this);
    if (others.length > 0) {
      invalid(this, 'scope', `the only IdleShutdown of stack ${stack.node.path} (one function serves every service; opt instances in with optIn)`, others[0].node.path);
    }
    const cpu = props.cpuPeakPercent ?? 5;
    checkRange(this, 'cpuPeakPercent', cpu, 0.1, 100);
    const lookbackMinutes = (props.lookback ?? Duration.hours(1)).toMinutes({ integral: false });
    checkInteger(this, 'lookback (minutes)', lookbackMinutes, 15, 1440);
    if (lookbackMinutes % 5 !== 0) invalid(this, 'lookback', 'a multiple of 5 minutes', `${lookbackMinutes} minutes`);
    const bytesPerDay = (props.networkTrafficPerDay ?? Size.bytes(COMPUTE_OPTIMIZER_BYTES_PER_DAY)).toBytes();
    checkRange(this, 'networkTrafficPerDay (bytes)', bytesPerDay, 1440, 1e13);
    const bytes = networkBytesForWindow(bytesPerDay, lookbackMinutes);
    checkInteger(this, 'expectedInstances', props.expectedInstances, 0, 1_000_000);
    this.optInTagKey = props.optInTagKey ?? 'watchkeeper:idle-shutdown';
    this.optInTagValue = props.optInTagValue ?? stack.stackName;
    this.protectionTagKey = props.protectionTagKey ?? 'watchkeeper:keep-running';
    checkPattern(this, 'optInTagKey', this.optInTagKey, TAG_KEY, 'a tag key of 1 to 128 characters not starting with aws:');
    checkPattern(this, 'optInTagValue', this.optInTagValue, TAG_VALUE, 'a tag value of up to 256 characters');
    checkPattern(this, 'protectionTagKey', this.protectionTagKey, TAG_KEY, 'a tag key of 1 to 128 characters not starting with aws:');
    if (this.protectionTagKey === this.optInTagKey) invalid(this, 'protectionTagKey', 'different from optInTagKey', this.protectionTagKey);

    const key = sharedLogGroupKey(this);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (props.logRetention === logs.RetentionDays.INFINITE) invalid(this, 'logRetention', 'a finite retention', 'INFINITE');

    const queueKey = new kms.Key(this, 'DeadLetterKey', { enableKeyRotation: true, description: 'Encrypts idle-shutdown runs that failed' });
    const deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryptionMasterKey: queueKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the idle-shutdown function; it needs none of its own.',
    });

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Idle shutdown: reads instances and their metrics, stops opted-in idle ones',
    });
    this.role = role;
    this.policy = this.createPolicy(props.alertTopic, deadLetterQueue, queueKey);
    this.policy.attachToRole(role);

    const fn = new IdleShutdownFunction(this, 'Function', {
      description: 'Stops opted-in instances that are idle (cdk-watchkeeper)',
      role: role.withoutPolicyUpdates(),
      memorySize: MEMORY_MB,
      timeout: Duration.minutes(5),
      reservedConcurrentExecutions: 1,
      deadLetterQueue,
      logGroup: this.logGroup,
      environment: {
        OPT_IN_TAG_KEY: this.optInTagKey,
        OPT_IN_TAG_VALUE: this.optInTagValue,
        PROTECTION_TAG_KEY: this.protectionTagKey,
        CPU_PEAK_PERCENT: String(cpu),
        NETWORK_BYTES: String(bytes),
        LOOKBACK_MINUTES: String(lookbackMinutes),
        PERIOD_MINUTES: '5',
        DRY_RUN: String(props.dryRun ?? false),
        TOPIC_ARN: props.alertTopic.topicArn,
        METRIC_NAMESPACE: NAMESPACE,
      },
    });
    fn.node.addDependency(this.policy);
    this.function = fn;
    this.node.addValidation({ validate: () => [...this.validateAlarmPolicies(), ...this.validateOwnTag()] });
    idleShutdownsOfApp<IdleShutdown>(this).push(this);
    const reason = 'The function calls only AWS APIs (EC2, CloudWatch, SNS) and reaches no resource inside a VPC; '
      + 'placing it in one would add VPC endpoints or a NAT gateway and nothing else.';
    for (const rule of ['NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC']) {
      Validations.of(fn).acknowledge({ id: rule, reason });
    }

    this.deadLetterQueue = deadLetterQueue;
    this.alarms = this.createAlarms(props.alertTopic, fn, deadLetterQueue);

    const schedule = props.schedule ?? events.Schedule.rate(Duration.hours(1));
    this.scheduleRule = new events.Rule(this, 'Schedule', {
      description: 'Runs idle shutdown',
      schedule,
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
    });

    const runsPerMonth = runsPerMonthOf(schedule);
    registerUsage(this, () => {
      const instances = props.expectedInstances ?? 10;
      return {
        lambdaInvocations: runsPerMonth,
        lambdaGbSeconds: runsPerMonth * (MEMORY_MB / 1024) * 5,
        getMetricDataMetrics: runsPerMonth * instances * 3 * (lookbackMinutes / 5),
        detail: `${this.node.path}: ${runsPerMonth} runs a month over about ${instances} opted-in instances`,
      };
    });
  }

  /**
   * Opts every instance under a construct in (adds the opt-in tag), with the liveness
   * alarms to silence while it is stopped.
   */
  public optIn(scope: IConstruct, options: IdleShutdownOptInOptions = {}): void {
    Tags.of(scope).add(this.optInTagKey, this.optInTagValue);
    const alarms = options.livenessAlarms ?? [];
    if (alarms.length > MAX_ALARMS_PER_INSTANCE) {
      invalid(this, 'livenessAlarms', `at most ${MAX_ALARMS_PER_INSTANCE} alarms per instance (each is named in one instance tag)`, alarms.length);
    }
    const stack = Stack.of(this);
    alarms.forEach((alarm, i) => {
      const name = fixedAlarmName(alarm);
      Tags.of(scope).add(`${LIVENESS_ALARM_TAG}${i + 1}`, name);
      this.allowAlarm(stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }));
    });
    // The alarms this app deploys with their actions on: turned off before a stop without
    // reading them first (the others are read, and left alone when someone turned them off).
    const managed = alarms.flatMap((alarm, i) => (deployedWithActionsOn(alarm) ? [String(i + 1)] : []));
    if (managed.length > 0) Tags.of(scope).add(LIVENESS_MANAGED_TAG, managed.join(' '));
  }

  /** Protects every instance under a construct (adds the protection tag). */
  public protect(scope: IConstruct): void {
    Tags.of(scope).add(this.protectionTagKey, 'true');
  }

  /**
   * A failed run reports nothing itself: its errors and its dead letters alarm to the topic.
   * An asynchronous invocation that fails is retried twice by Lambda, then sent to the
   * dead-letter queue (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
   */
  private createAlarms(topic: IAlertTopic, fn: lambda.Function, queue: sqs.Queue): cloudwatch.IAlarm[] {
    const set = new AlarmSet(this, 'Alarms', { routing: AlarmRouting.toTopic(topic) });
    return [
      set.addAlarm('Errors', fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), {
        threshold: 1,
        evaluationPeriods: 1,
        description: `A run of idle shutdown (${this.node.path}) failed, so it stopped nothing and reported nothing; Lambda retries it twice. `
          + 'Read the error in the function\'s log group (a missing permission, a throttled API, the time limit).',
      }),
      set.addAlarm('DeadLetters', queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), {
        threshold: 1,
        evaluationPeriods: 1,
        description: `Runs of idle shutdown (${this.node.path}) failed after Lambda's retries and wait in its dead-letter queue (kept 14 days). `
          + 'Fix the error in the function\'s log group, then purge the queue (the next scheduled run catches up).',
      }),
    ];
  }

  private createPolicy(topic: IAlertTopic, queue: sqs.IQueue, queueKey: kms.IKey): iam.ManagedPolicy {
    const stack = Stack.of(this);
    // The reads cannot be scoped to resources; they can be kept to the stack's Region.
    const readsInThisRegion = unscopedStatement('ReadInstances', IDLE_SHUTDOWN_READS);
    readsInThisRegion.addCondition('StringEquals', { 'aws:RequestedRegion': stack.region });
    const statements = [
      readsInThisRegion,
      unscopedStatement('ReadMetrics', READ_METRIC_DATA),
      // The composite notifiers of livenessSuppressor are silenced like metric alarms; without
      // Resource * DescribeAlarms leaves them out, and they would page on every idle stop.
      unscopedStatement('ReadAlarms', READ_ALARMS),
      new iam.PolicyStatement({
        sid: 'StopOptedInInstances',
        actions: ['ec2:StopInstances'],
        resources: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
        conditions: { StringEquals: { [`aws:ResourceTag/${this.optInTagKey}`]: this.optInTagValue } },
      }),
      new iam.PolicyStatement({
        sid: 'MarkSilencedInstances',
        actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
        resources: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
        conditions: {
          'StringEquals': { [`aws:ResourceTag/${this.optInTagKey}`]: this.optInTagValue },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [SILENCED_TAG] },
        },
      }),
      new iam.PolicyStatement({ sid: 'Report', actions: ['sns:Publish'], resources: [topic.topicArn] }),
      new iam.PolicyStatement({ sid: 'Log', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
      new iam.PolicyStatement({ sid: 'DeadLetters', actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
      new iam.PolicyStatement({
        sid: 'EncryptReportsAndDeadLetters',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [queueKey.keyArn, ...(topic.encryptionKey ? [topic.encryptionKey.keyArn] : [])],
      }),
    ];
    const policy = new iam.ManagedPolicy(this, 'Policy', { description: 'Idle shutdown: exactly what the function does', statements });
    Validations.of(policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: `${IDLE_SHUTDOWN_READS.reason} ${READ_METRIC_DATA.reason} ${READ_ALARMS.reason}` });
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:${nagPart(stack.region, 'AWS::Region')}:${nagPart(stack.account, 'AWS::AccountId')}:instance/*]`,
      reason: 'Opted-in instances are chosen by tag at run time; the aws:ResourceTag condition limits StopInstances to them.',
    });
    return policy;
  }

  /** Lets the function switch one alarm's actions, in managed policies of at most 40 alarms each (reading is on `*`). */
  private allowAlarm(arn: string): void {
    if (this.alarmArns.includes(arn)) return;
    this.alarmArns.push(arn);
    const index = Math.floor((this.alarmArns.length - 1) / ALARMS_PER_POLICY);
    let policy = this.alarmPolicies[index];
    if (!policy) {
      policy = new iam.ManagedPolicy(this, `AlarmPolicy${index + 1}`, {
        description: 'Idle shutdown: switches the actions of the liveness alarms of opted-in instances',
      });
      policy.attachToRole(this.role);
      this.function.node.addDependency(policy);
      this.alarmPolicies.push(policy);
    }
    policy.addStatements(new iam.PolicyStatement({
      sid: `SilenceLivenessAlarms${this.alarmArns.length}`,
      actions: ['cloudwatch:DisableAlarmActions', 'cloudwatch:EnableAlarmActions'],
      resources: [arn],
    }));
  }

  /** Another IdleShutdown of the app with the same opt-in tag in the same environment would act on these instances. */
  private validateOwnTag(): string[] {
    const stack = Stack.of(this);
    const same = idleShutdownsOfApp<IdleShutdown>(this).filter(o => o !== this
      && o.optInTagKey === this.optInTagKey && o.optInTagValue === this.optInTagValue
      && Stack.of(o).account === stack.account && Stack.of(o).region === stack.region);
    return same.length > 0
      ? [invalidMessage(this, 'optInTagValue', `different from the opt-in tag of ${same[0].node.path} in the same account and Region `
        + '(each IdleShutdown acts on the instances with its own tag)', `${this.optInTagKey}=${this.optInTagValue}`)]
      : [];
  }

  private validateAlarmPolicies(): string[] {
    // A role holds 10 managed policies by default (IAM quotas); the function's own is one.
    return this.alarmPolicies.length > 9
      ? [`${this.alarmArns.length} liveness alarms need ${this.alarmPolicies.length} alarm policies, more than the 9 a role can hold by default: `
        + 'spread the services over several stacks (one IdleShutdown each)']
      : [];
  }
}
