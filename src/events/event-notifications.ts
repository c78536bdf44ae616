import {
  Duration, Lazy, Stack, Validations,
  aws_autoscaling as autoscaling,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_events as events,
  aws_events_targets as targets,
  aws_lambda as lambda,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AlarmSeverity } from '../core/alarm-routing';
import { AlarmSet } from '../core/alarm-set';
import { IAlertTopic } from '../core/alert-topic-base';
import { checkUnique, invalid } from '../private/validation';
import { TopicDelivery } from './private/delivery';

/** EC2 instance states, as EC2 reports them in state-change events. */
export enum InstanceState {
  /** The instance is starting. */
  PENDING = 'pending',
  /** The instance runs. */
  RUNNING = 'running',
  /** The instance is being stopped. */
  STOPPING = 'stopping',
  /** The instance is stopped. */
  STOPPED = 'stopped',
  /** The instance is being terminated. */
  SHUTTING_DOWN = 'shutting-down',
  /** The instance is terminated. */
  TERMINATED = 'terminated',
}

const DEFAULT_INSTANCE_STATES = [InstanceState.STOPPED, InstanceState.TERMINATED];
/** The states a planned stop (idle shutdown, schedule) goes through. */
const PLANNED_STOP_STATES = [InstanceState.STOPPING, InstanceState.STOPPED];

/** Options of {@link EventNotifications.onInstanceStateChange}. */
export interface InstanceStateChangeOptions {
  /** The instances to watch. */
  readonly instances: ec2.IInstance[];
  /**
   * The states that notify.
   * @default [InstanceState.STOPPED, InstanceState.TERMINATED]
   */
  readonly states?: InstanceState[];
}

/** Options of {@link EventNotifications.onAutoScalingFailure}. */
export interface AutoScalingFailureOptions {
  /** The groups to watch. */
  readonly autoScalingGroups: autoscaling.IAutoScalingGroup[];
}

/** Options of {@link EventNotifications.onAlarmStateChange}. */
export interface AlarmStateChangeOptions {
  /** The function invoked with every matching `CloudWatch Alarm State Change` event. */
  readonly handler: lambda.IFunction;
  /**
   * The alarms whose changes are sent.
   * @default - every alarm of the account in the Region
   */
  readonly alarms?: cloudwatch.IAlarm[];
  /**
   * The new states that are sent.
   * @default [cloudwatch.AlarmState.ALARM, cloudwatch.AlarmState.OK]
   */
  readonly states?: cloudwatch.AlarmState[];
}

/** Properties of {@link EventNotifications}. */
export interface EventNotificationsProps {
  /** The topic the notifications are published to. */
  readonly alertTopic: IAlertTopic;
  /**
   * Instances whose state changes (stopped, terminated by default) notify.
   * @default - no instance state-change rule
   */
  readonly instances?: ec2.IInstance[];
  /**
   * The instance states that notify.
   * @default [InstanceState.STOPPED, InstanceState.TERMINATED]
   */
  readonly instanceStates?: InstanceState[];
  /**
   * Instances that idle shutdown or a schedule stops on purpose (they may also be listed in
   * `instances`). Their `stopped` and `stopping` states do not notify, so a planned stop
   * pages nobody; `terminated` and `shutting-down` still do.
   *
   * An EC2 state-change event carries neither the instance's tags nor who stopped it, so
   * the rule can only tell planned stops apart by instance. Matching CloudTrail
   * `StopInstances` calls by caller instead would miss stops that are no API call (an OS
   * shutdown, a retirement), which the state-change event sees. The price: an unexpected
   * stop of one of these instances is not told by this rule.
   * @default - none: every instance in `instances` notifies on every state in `instanceStates`
   */
  readonly plannedStopInstances?: ec2.IInstance[];
  /**
   * Auto Scaling groups whose failed launches and terminations notify. Instances of a group
   * come and go by design; their failures, not their state changes, need a person.
   * @default - no Auto Scaling rule
   */
  readonly autoScalingGroups?: autoscaling.IAutoScalingGroup[];
  /**
   * Notify AWS Health scheduled changes for EC2 (instance retirement, maintenance,
   * reboots) of the account in the Region.
   * @default true
   */
  readonly scheduledMaintenance?: boolean;
  /**
   * A function invoked with CloudWatch alarm state changes (for example to open an
   * incident or post to chat).
   * @default - no alarm hook
   */
  readonly alarmStateHook?: lambda.IFunction;
  /**
   * The alarms whose changes reach `alarmStateHook`.
   * @default - every alarm of the account in the Region
   */
  readonly hookedAlarms?: cloudwatch.IAlarm[];
}

/**
 * EventBridge rules that tell people about what happens to a service's compute, with a
 * short JSON message of the fields that matter (input transformer) instead of the raw event:
 * EC2 instance state changes, Auto Scaling launch/terminate failures, AWS Health
 * scheduled changes for EC2, and alarm state changes sent to a Lambda hook.
 * EventBridge rules on AWS service events are free.
 *
 * @example
 * declare const alerts: AlertTopic;
 * new EventNotifications(this, 'Events', {
 *   alertTopic: alerts,
 *   instances: [instance],
 *   autoScalingGroups: [group],
 *   alarmStateHook: fn,
 * });
 */
export class EventNotifications extends Construct {
  /** The rule on instance state changes, when instances without planned stops are given. */
  public readonly instanceStateRule?: events.Rule;
  /** The rule on state changes of `plannedStopInstances` (stops left out), when some are given. */
  public readonly plannedStopInstanceStateRule?: events.Rule;
  /** The rule on Auto Scaling failures, when groups are given. */
  public readonly autoScalingFailureRule?: events.Rule;
  /** The rule on AWS Health scheduled changes for EC2, unless turned off. */
  public readonly scheduledMaintenanceRule?: events.Rule;
  /** The rule sending alarm state changes to the hook, when one is given. */
  public readonly alarmStateRule?: events.Rule;

  private readonly alertTopic: IAlertTopic;
  private _deadLetters?: { queue: sqs.Queue; alarm: cloudwatch.Alarm };
  private _delivery?: TopicDelivery;

  public constructor(scope: Construct, id: string, props: EventNotificationsProps) {
    super(scope, id);
    this.alertTopic = props.alertTopic;
    const planned = props.plannedStopInstances ?? [];
    const plannedIds = new Set(planned.map(i => i.instanceId));
    const unplanned = (props.instances ?? []).filter(i => !plannedIds.has(i.instanceId));
    if (unplanned.length > 0) {
      this.instanceStateRule = this.onInstanceStateChange('InstanceState', { instances: unplanned, states: props.instanceStates });
    }
    const plannedStates = (props.instanceStates ?? DEFAULT_INSTANCE_STATES).filter(st => !PLANNED_STOP_STATES.includes(st));
    if (planned.length > 0 && plannedStates.length > 0) {
      this.plannedStopInstanceStateRule = this.onInstanceStateChange('PlannedStopInstanceState', { instances: planned, states: plannedStates });
    }
    if (props.autoScalingGroups && props.autoScalingGroups.length > 0) {
      this.autoScalingFailureRule = this.onAutoScalingFailure('AutoScalingFailure', { autoScalingGroups: props.autoScalingGroups });
    }
    if (props.scheduledMaintenance ?? true) {
      this.scheduledMaintenanceRule = this.onScheduledMaintenance('ScheduledMaintenance');
    }
    if (props.alarmStateHook) {
      this.alarmStateRule = this.onAlarmStateChange('AlarmState', { handler: props.alarmStateHook, alarms: props.hookedAlarms });
    } else if (props.hookedAlarms) {
      invalid(this, 'hookedAlarms', 'given only with alarmStateHook', props.hookedAlarms.map(a => a.node.path));
    }
  }

  /** Notifies when one of the instances enters one of the states (default stopped, terminated). */
  public onInstanceStateChange(id: string, options: InstanceStateChangeOptions): events.Rule {
    if (options.instances.length === 0) invalid(this, 'instances', 'a non-empty list', []);
    const states = options.states ?? DEFAULT_INSTANCE_STATES;
    if (states.length === 0) invalid(this, 'states', 'a non-empty list', states);
    checkUnique(this, 'states', states);
    return this.notify(id, 'EC2 instance state changes of the service', {
      source: ['aws.ec2'],
      detailType: ['EC2 Instance State-change Notification'],
      detail: { 'instance-id': options.instances.map(i => i.instanceId), 'state': states },
    }, jsonMessage('EC2 instance state change', {
      instance: events.EventField.fromPath('$.detail.instance-id'),
      state: events.EventField.fromPath('$.detail.state'),
    }));
  }

  /** Notifies when a group fails to launch or terminate an instance. */
  public onAutoScalingFailure(id: string, options: AutoScalingFailureOptions): events.Rule {
    if (options.autoScalingGroups.length === 0) invalid(this, 'autoScalingGroups', 'a non-empty list', []);
    return this.notify(id, 'Auto Scaling launch and terminate failures of the service', {
      source: ['aws.autoscaling'],
      detailType: ['EC2 Instance Launch Unsuccessful', 'EC2 Instance Terminate Unsuccessful'],
      detail: { AutoScalingGroupName: options.autoScalingGroups.map(g => g.autoScalingGroupName) },
    }, jsonMessage('Auto Scaling failure', {
      event: events.EventField.detailType,
      autoScalingGroup: events.EventField.fromPath('$.detail.AutoScalingGroupName'),
      statusMessage: events.EventField.fromPath('$.detail.StatusMessage'),
      cause: events.EventField.fromPath('$.detail.Cause'),
    }));
  }

  /**
   * Notifies AWS Health scheduled changes for EC2 (retirements, maintenance, reboots).
   *
   * The message is a JSON object whose values are inserted unquoted, so EventBridge writes
   * them as JSON values, escaped: the description spans several lines and may hold quotes.
   * Only fields every Health event has are read through input paths: the schema marks the
   * event's `resources` (the affected resources) as not required, and an input path the
   * event lacks leaves no value to insert. The resources therefore arrive inside `event`,
   * EventBridge's predefined `aws.events.event` variable (the event without its detail),
   * which every event has. An event too large for one message arrives in pages that share
   * its `communicationId`; only the first page notifies.
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
   * https://docs.aws.amazon.com/health/latest/ug/aws-health-events-eventbridge-schema.html
   * https://docs.aws.amazon.com/health/latest/ug/pagnation-of-health-events.html
   */
  public onScheduledMaintenance(id: string): events.Rule {
    const eventArn = events.EventField.fromPath('$.detail.eventArn');
    return this.notify(id, 'AWS Health scheduled changes for EC2', {
      source: ['aws.health'],
      detailType: ['AWS Health Event'],
      detail: { service: ['EC2'], eventTypeCategory: ['scheduledChange'], page: ['1'] },
    }, withEventEnvelope(jsonMessage('AWS Health scheduled change for EC2', {
      eventTypeCode: events.EventField.fromPath('$.detail.eventTypeCode'),
      startTime: events.EventField.fromPath('$.detail.startTime'),
      description: events.EventField.fromPath('$.detail.eventDescription[0].latestDescription'),
      // ARNs hold no quote, backslash or line break, so this one may sit inside a string.
      console: `https://health.aws.amazon.com/health/home#/account/event-log?eventID=${eventArn}`,
      eventArn,
      communicationId: events.EventField.fromPath('$.detail.communicationId'),
      event: EVENT_ENVELOPE,
    })));
  }

  /** Invokes a function with alarm state changes (default: to ALARM and to OK). */
  public onAlarmStateChange(id: string, options: AlarmStateChangeOptions): events.Rule {
    const states = options.states ?? [cloudwatch.AlarmState.ALARM, cloudwatch.AlarmState.OK];
    if (states.length === 0) invalid(this, 'states', 'a non-empty list', states);
    checkUnique(this, 'states', states);
    if (options.alarms && options.alarms.length === 0) invalid(this, 'alarms', 'a non-empty list when given', []);
    return new events.Rule(this, id, {
      description: `CloudWatch alarm state changes to ${states.join(', ')}, sent to a hook (${this.node.path})`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: options.alarms?.map(a => a.alarmArn),
        detail: { state: { value: states } },
      },
      targets: [new targets.LambdaFunction(options.handler, {
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.hookDeadLetters().queue,
      })],
    });
  }

  /**
   * The queue that keeps alarm state changes the hook could not take after EventBridge's
   * retries (they are dropped otherwise), when a hook exists.
   */
  public get deadLetterQueue(): sqs.IQueue | undefined {
    return this._deadLetters?.queue;
  }

  /** The alarm on events waiting in `deadLetterQueue`, when a hook exists. */
  public get deadLetterAlarm(): cloudwatch.IAlarm | undefined {
    return this._deadLetters?.alarm;
  }

  /**
   * One dead-letter queue for every hook rule of this construct, encrypted with SSE-SQS:
   * EventBridge cannot send to a queue encrypted with the AWS managed key `aws/sqs`.
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
   */
  private hookDeadLetters(): { queue: sqs.Queue; alarm: cloudwatch.Alarm } {
    if (this._deadLetters) return this._deadLetters;
    const queue = new sqs.Queue(this, 'HookDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of EventBridge targets; a dead-letter queue needs none of its own.',
    });
    const alarm = new AlarmSet(this, 'Alarms', { alertTopic: this.alertTopic }).addAlarm('HookDeadLetters',
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), {
        description: `Alarm state changes could not be delivered to the hook of ${this.node.path} after retries; `
          + 'they wait in its dead-letter queue (kept 14 days). Check the function\'s errors and throttles, then replay or purge the queue.',
        threshold: 1,
        evaluationPeriods: 1,
        severity: AlarmSeverity.WARNING,
      });
    this._deadLetters = { queue, alarm };
    return this._deadLetters;
  }

  /**
   * The queue that keeps notifications EventBridge could not publish to the topic after its
   * retries (they are dropped otherwise), when a topic rule exists.
   */
  public get notificationDeadLetterQueue(): sqs.IQueue | undefined {
    return this._delivery?.queue;
  }

  /**
   * The alarms on undelivered notifications (failed invocations of each topic rule, and
   * messages in `notificationDeadLetterQueue`), when a topic rule exists.
   */
  public get deliveryAlarms(): cloudwatch.IAlarm[] {
    return this._delivery?.alarms.alarms ?? [];
  }

  private notify(id: string, what: string, eventPattern: events.EventPattern, message: events.RuleTargetInput): events.Rule {
    this._delivery ??= new TopicDelivery(this, 'Delivery', this.alertTopic);
    return new events.Rule(this, id, {
      description: `${what}, to ${this.alertTopic.node.path}`,
      eventPattern,
      targets: [this._delivery.target(id, message)],
    });
  }
}

/**
 * A notification as a JSON object template: EventBridge inserts a placeholder that stands
 * alone as a JSON value, escaped (quotes, line breaks), where a string template would paste
 * it raw and arrive at SNS wrapped in literal quotes. Event fields must therefore be whole
 * values, never parts of a string.
 */
function jsonMessage(notification: string, fields: Record<string, string>): events.RuleTargetInput {
  return events.RuleTargetInput.fromObject({
    notification,
    ...fields,
    account: events.EventField.account,
    region: events.EventField.region,
    time: events.EventField.time,
  });
}

/** Where a message template takes EventBridge's predefined `aws.events.event` variable. */
const EVENT_ENVELOPE = '<<watchkeeper:aws.events.event>>';

/**
 * The message with `EVENT_ENVELOPE` replaced by `<aws.events.event>`, the event without its
 * detail as JSON, which EventBridge inserts unescaped and so only as a whole JSON value
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html,
 * "Predefined variables").
 */
function withEventEnvelope(message: events.RuleTargetInput): events.RuleTargetInput {
  return new EnvelopeInput(message);
}

class EnvelopeInput extends events.RuleTargetInput {
  public constructor(private readonly inner: events.RuleTargetInput) {
    super();
  }

  public bind(rule: events.IRule): events.RuleTargetInputProperties {
    const bound = this.inner.bind(rule);
    const marker = JSON.stringify(EVENT_ENVELOPE);
    // The template is a token until synthesis: replace the marker in its resolved text.
    const inputTemplate = Lazy.string({
      produce: () => {
        const template = String(Stack.of(rule).resolve(bound.inputTemplate));
        if (!template.includes(marker)) throw new Error(`the message template lost its ${EVENT_ENVELOPE} marker`);
        return template.replace(marker, '<aws.events.event>');
      },
    });
    return { ...bound, inputTemplate };
  }
}
