import {
  ArnFormat, Duration, RemovalPolicy, Size, Stack, Tags, Token, Validations,
  aws_events as events,
  aws_events_targets as targets,
  aws_iam as iam,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { IdleShutdownFunction } from './idle-shutdown-function';
import { IAlertTopic } from '../alarms/alert-topic';
import { sharedLogGroupKey } from '../logs/log-group-key';
import { IDLE_SHUTDOWN_READS, READ_METRIC_DATA, unscopedStatement } from '../private/unscoped-actions';
import { registerUsage } from '../private/usage-registry';
import { checkInteger, checkPattern, checkRange, invalid } from '../private/validation';

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
   * The peak CPU that every 5-minute period of the window must stay below. AWS Compute
   * Optimizer calls an instance idle below a 5 % peak.
   * @default 5
   */
  readonly cpuPeakPercent?: number;
  /**
   * The network traffic (in plus out) the whole window must stay below. Compute
   * Optimizer's idle rule allows 5 MB a day.
   * @default Size.mebibytes(5)
   */
  readonly networkTraffic?: Size;
  /**
   * The window looked at, in whole multiples of 5 minutes, from 15 minutes to 1 day.
   * Every period must have data: missing data is never idle.
   * @default Duration.hours(1)
   */
  readonly lookback?: Duration;
  /**
   * The tag that opts an instance in.
   * @default 'watchkeeper:idle-shutdown'
   */
  readonly optInTagKey?: string;
  /**
   * The opt-in tag's value.
   * @default 'enabled'
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

const TAG_KEY = /^(?!aws:)[\w .:/=+\-@]{1,128}$/;
const TAG_VALUE = /^[\w .:/=+\-@]{0,256}$/;
const NAMESPACE = 'Watchkeeper/IdleShutdown';
const MEMORY_MB = 256;

/**
 * Stops instances that are idle, on a schedule: one function per stack, however many
 * services opt in. An instance is stopped (hibernated when it was launched with
 * hibernation) when it carries the opt-in tag, not the protection tag, belongs to no Auto
 * Scaling group, and in every 5-minute period of the last hour its peak CPU stayed below
 * 5 % and its network traffic stayed below 5 MB for the hour; missing data is never idle.
 *
 * Before stopping, the function turns off the actions of the instance's status-check
 * alarms, and turns them on again when the instance runs again: planned downtime never
 * pages anyone. Each run reports to the alert topic, logs one JSON line per decision and
 * publishes its own metrics (`Watchkeeper/IdleShutdown`) as Embedded Metric Format.
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
  /** The rule that turns liveness alarms back on when an instance runs again. */
  public readonly instanceRunningRule: events.Rule;
  /** The opt-in tag key. */
  public readonly optInTagKey: string;
  /** The opt-in tag value. */
  public readonly optInTagValue: string;
  /** The protection tag key. */
  public readonly protectionTagKey: string;

  public constructor(scope: Construct, id: string, props: IdleShutdownProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const others = stack.node.findAll().filter(c => c instanceof IdleShutdown && c !== this);
    if (others.length > 0) {
      invalid(this, 'scope', `the only IdleShutdown of stack ${stack.node.path} (one function serves every service; opt instances in with optIn)`, others[0].node.path);
    }
    const cpu = props.cpuPeakPercent ?? 5;
    checkRange(this, 'cpuPeakPercent', cpu, 0.1, 100);
    const bytes = (props.networkTraffic ?? Size.mebibytes(5)).toBytes();
    checkRange(this, 'networkTraffic (bytes)', bytes, 1, 1e12);
    const lookbackMinutes = (props.lookback ?? Duration.hours(1)).toMinutes({ integral: false });
    checkInteger(this, 'lookback (minutes)', lookbackMinutes, 15, 1440);
    if (lookbackMinutes % 5 !== 0) invalid(this, 'lookback', 'a multiple of 5 minutes', `${lookbackMinutes} minutes`);
    checkInteger(this, 'expectedInstances', props.expectedInstances, 0, 1_000_000);
    this.optInTagKey = props.optInTagKey ?? 'watchkeeper:idle-shutdown';
    this.optInTagValue = props.optInTagValue ?? 'enabled';
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
    const reason = 'The function calls only AWS APIs (EC2, CloudWatch, SNS) and reaches no resource inside a VPC; '
      + 'placing it in one would add VPC endpoints or a NAT gateway and nothing else.';
    for (const rule of ['NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC']) {
      Validations.of(fn).acknowledge({ id: rule, reason });
    }

    const schedule = props.schedule ?? events.Schedule.rate(Duration.hours(1));
    this.scheduleRule = new events.Rule(this, 'Schedule', {
      description: 'Runs idle shutdown',
      schedule,
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
    });
    this.instanceRunningRule = new events.Rule(this, 'InstanceRunning', {
      description: 'Turns the liveness alarms of an opted-in instance back on when it runs again',
      eventPattern: { source: ['aws.ec2'], detailType: ['EC2 Instance State-change Notification'], detail: { state: ['running'] } },
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

  /** Opts every instance under a construct in (adds the opt-in tag). */
  public optIn(scope: IConstruct): void {
    Tags.of(scope).add(this.optInTagKey, this.optInTagValue);
  }

  /** Protects every instance under a construct (adds the protection tag). */
  public protect(scope: IConstruct): void {
    Tags.of(scope).add(this.protectionTagKey, 'true');
  }

  private createPolicy(topic: IAlertTopic, queue: sqs.IQueue, queueKey: kms.IKey): iam.ManagedPolicy {
    const stack = Stack.of(this);
    // The reads cannot be scoped to resources; they can be kept to the stack's Region.
    const readsInThisRegion = unscopedStatement('ReadInstancesAndAlarms', IDLE_SHUTDOWN_READS);
    readsInThisRegion.addCondition('StringEquals', { 'aws:RequestedRegion': stack.region });
    const statements = [
      readsInThisRegion,
      unscopedStatement('ReadMetrics', READ_METRIC_DATA),
      new iam.PolicyStatement({
        sid: 'StopOptedInInstances',
        actions: ['ec2:StopInstances'],
        resources: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
        conditions: { StringEquals: { [`aws:ResourceTag/${this.optInTagKey}`]: this.optInTagValue } },
      }),
      new iam.PolicyStatement({
        sid: 'SilenceLivenessAlarms',
        actions: ['cloudwatch:DisableAlarmActions', 'cloudwatch:EnableAlarmActions'],
        resources: [stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
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
    Validations.of(policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: `${IDLE_SHUTDOWN_READS.reason} ${READ_METRIC_DATA.reason}` });
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:${nagPart(stack.region, 'AWS::Region')}:${nagPart(stack.account, 'AWS::AccountId')}:instance/*]`,
      reason: 'Opted-in instances are chosen by tag at run time; the aws:ResourceTag condition limits StopInstances to them.',
    });
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:${nagPart(stack.region, 'AWS::Region')}:${nagPart(stack.account, 'AWS::AccountId')}:alarm:*]`,
      reason: 'The status-check alarms of an instance are found at run time (DescribeAlarmsForMetric); their names are not known at deploy time.',
    });
    return policy;
  }
}

function nagPart(value: string, pseudo: string): string {
  return Token.isUnresolved(value) ? `<${pseudo}>` : value;
}

/** Runs a month for a schedule: rates exactly, cron expressions as if hourly at most. */
function runsPerMonthOf(schedule: events.Schedule): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule.expressionString);
  if (!m) return 30 * 24;
  const minutes = Number(m[1]) * (m[2].startsWith('minute') ? 1 : m[2].startsWith('hour') ? 60 : 1440);
  return Math.round((30 * 24 * 60) / minutes);
}
