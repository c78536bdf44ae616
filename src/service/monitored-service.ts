import {
  Annotations, Duration,
  aws_autoscaling as autoscaling,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { ServiceCompute } from './compute';
import { BuiltCompute } from './compute-options';
import { addAgentHeartbeats, installAgent } from './private/agent-wiring';
import { notifyComputeEvents } from './private/compute-events';
import { createServiceAlarms } from './private/service-alarms';
import { sessionManagerPolicy } from './private/session-manager';
import { MetricScalingOptions, RequestCountScalingOptions, UtilizationScalingOptions } from './scaling-options';
import { ServiceAlarmOptions } from './service-alarm-options';
import { AgentConfig } from '../agent/agent-config';
import { CloudWatchAgent } from '../agent/cloudwatch-agent';
import { AgentMetricTarget, IAgentMetricSource } from '../core/agent-metrics';
import { AlarmSet } from '../core/alarm-set';
import { IAlertTopic } from '../core/alert-topic-base';
import { ComputeMetrics, StatusCheck } from '../core/compute-metrics';
import { ComputeTarget } from '../core/compute-target';
import { IdleShutdown } from '../cost/idle-shutdown';
import { ServiceDashboard } from '../dashboards/service-dashboard';
import { EventNotifications } from '../events/event-notifications';
import { JsonLogFields } from '../logs/json-log-fields';
import { JsonLogFormat } from '../logs/json-log-format';
import { LogQueries } from '../logs/log-queries';
import { TelemetryAccess } from '../logs/telemetry-access';
import { watchStackBudget } from '../private/stack-budget';
import { checkPattern, invalid } from '../private/validation';
import { BusinessHoursScaling, BusinessHoursScalingOptions } from '../scaling/business-hours';
import { StepScaling, StepScalingOptions } from '../scaling/step-scaling';
import { TargetTrackingOptions, TargetTrackingScaling, TrackedMetric } from '../scaling/target-tracking';

/** A watched service as dashboards and fleet views see it. */
export interface IMonitoredService extends IConstruct {
  /** The service's name, used in labels and titles. */
  readonly serviceName: string;
  /** The Auto Scaling group, when the service runs on one. */
  readonly autoScalingGroup?: autoscaling.IAutoScalingGroup;
  /** The instances, when the service runs on single instances (empty for a group). */
  readonly instances: ec2.IInstance[];
  /** What is watched: the group, or each instance. */
  readonly computeTargets: ComputeTarget[];
  /** The telemetry model of the service's agent, when it has one. */
  readonly agentMetrics?: IAgentMetricSource;
  /** The service's alarms. */
  readonly alarms: cloudwatch.IAlarm[];
}

/** Properties of a {@link MonitoredService}. */
export interface MonitoredServiceProps {
  /** Where alarms and group notifications go. */
  readonly alertTopic: IAlertTopic;
  /**
   * What runs the service.
   * @default ServiceCompute.newAutoScalingGroup()
   */
  readonly compute?: ServiceCompute;
  /**
   * The VPC new instances are launched into (private subnets).
   * @default - none: required unless `compute` is existing, or names its own VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The service's name, used in dashboard titles and labels.
   * @default - the construct id
   */
  readonly serviceName?: string;
  /**
   * The CloudWatch agent configuration to install on the instances: the service puts it
   * in an SSM parameter, creates its log groups, grants the role exactly what the agent
   * needs, adds the install-and-start commands to the user data of instances it creates,
   * and reads memory, disk and swap through it (`agentMetrics` defaults to it). For
   * existing compute, only the role is granted: run `agent.userDataCommands()` yourself.
   * @default - no agent
   */
  readonly agent?: AgentConfig;
  /**
   * The telemetry model of the CloudWatch agent on the instances: memory and disk widgets,
   * memory scaling and agent alarms read their metrics through it. Give it only when
   * the agent is installed some other way.
   * @default - `agent`, when given; otherwise no agent metrics
   */
  readonly agentMetrics?: IAgentMetricSource;
  /**
   * The service's log groups, searched for recent errors on the dashboard.
   * @default - none (add them with `addLogGroup`)
   */
  readonly logGroups?: logs.ILogGroup[];
  /**
   * The logger that writes the service's JSON logs (python-json-logger, structlog ...):
   * the dashboard's "Recent errors" widget then selects lines by their level field.
   * @default - plain-text logs: lines whose text looks like an error
   */
  readonly logFormat?: JsonLogFormat;
  /**
   * Field names that differ from `logFormat`'s (`{ level: 'severity' }`).
   * @default - the format's field names
   */
  readonly logFields?: JsonLogFields;
  /**
   * Let the instances' role reach SSM Session Manager (a managed policy with only the
   * channel and registration actions). Shell access then needs no SSH key and no inbound port.
   * @default true
   */
  readonly sessionManager?: boolean;
  /**
   * The alarm presets: status checks (with EC2 recover on single instances), CPU, CPU
   * credits, in-service capacity, and memory, disk and swap from the agent. A group is
   * alarmed per group, not per instance.
   * @default - every preset with its documented defaults, to `alertTopic`
   */
  readonly alarms?: ServiceAlarmOptions;
  /**
   * Create a service dashboard.
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * The dashboard's name.
   * @default - a name generated by CloudFormation
   */
  readonly dashboardName?: string;
  /**
   * Tell `alertTopic` what happens to the compute, through EventBridge rules (free):
   * state changes of the service's instances to stopped or terminated (only terminated for
   * instances opted in to `idleShutdown`, which stops them on purpose), or failed launches
   * and terminations of an existing Auto Scaling group (a group the service creates
   * already sends its events to the topic as group notifications, so no rule is added).
   * AWS Health scheduled changes concern the whole account: add one `EventNotifications`
   * per stack for them.
   * @default false
   */
  readonly eventNotifications?: boolean;
  /**
   * Opt the service's instances in to this stack's idle shutdown (they get its opt-in
   * tag, and tags naming their liveness alarms, which idle shutdown silences while it keeps
   * them stopped). Only single instances: an Auto Scaling group would replace a stopped instance,
   * so groups are refused (scale them with `scaleOnBusinessHours` instead).
   * @default - not opted in
   */
  readonly idleShutdown?: IdleShutdown;
}

/**
 * An EC2 service that is watched: compute with secure defaults (IMDSv2, encrypted gp3
 * volumes, no SSH key but Session Manager, no inbound rule, private subnets, detailed
 * monitoring), group notifications to the alert topic, a dashboard, and one-line
 * scaling policies.
 *
 * @example
 * const alerts = new AlertTopic(this, 'Alerts', { emails: ['oncall@example.com'] });
 * const api = new MonitoredService(this, 'Api', { vpc, alertTopic: alerts });
 * api.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: 50 });
 */
export class MonitoredService extends Construct implements IMonitoredService, ec2.IConnectable {
  public readonly serviceName: string;
  /** Where alarms and notifications go. */
  public readonly alertTopic: IAlertTopic;
  public readonly autoScalingGroup?: autoscaling.IAutoScalingGroup;
  public readonly instances: ec2.IInstance[];
  public readonly computeTargets: ComputeTarget[];
  public readonly agentMetrics?: IAgentMetricSource;
  /** The role the instances run with, when known. */
  public readonly role?: iam.IRole;
  /** The security group the service created, if any. */
  public readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * Network access to the instances: `service.connections.allowFrom(alb, ec2.Port.tcp(8080))`.
   * For compute the service did not create and whose security groups it cannot see, it holds
   * no security group, so rules added to it have no effect: manage those groups yourself.
   */
  public readonly connections: ec2.Connections;
  /** The service dashboard, unless disabled. */
  public readonly dashboard?: ServiceDashboard;
  /** The Session Manager policy attached to the role, when enabled and the role is known (one per stack, shared by its services). */
  public readonly sessionManagerPolicy?: iam.ManagedPolicy;
  /** The preset alarm sets: one for a group, one per instance otherwise. */
  public readonly alarmSets: AlarmSet[];
  /** The CloudWatch agent installation, when `agent` is given. */
  public readonly agent?: CloudWatchAgent;
  /** The EventBridge rules notifying the compute's events, when `eventNotifications` is on and a rule is needed. */
  public readonly eventNotifications?: EventNotifications;

  private readonly _alarms: cloudwatch.IAlarm[] = [];
  private telemetryGrants = 0;
  private readonly _logGroups: logs.ILogGroup[] = [];

  public constructor(scope: Construct, id: string, props: MonitoredServiceProps) {
    super(scope, id);
    this.serviceName = props.serviceName ?? id;
    checkPattern(this, 'serviceName', this.serviceName, /^[^\n\r]{1,100}$/, 'a single line of 1 to 100 characters');
    this.alertTopic = props.alertTopic;
    this.agentMetrics = props.agentMetrics ?? props.agent;

    const compute: BuiltCompute = (props.compute ?? ServiceCompute.newAutoScalingGroup())
      ._build(this, { vpc: props.vpc, alertTopic: props.alertTopic });
    this.autoScalingGroup = compute.autoScalingGroup;
    this.instances = compute.instances;
    this.computeTargets = compute.targets;
    this.role = compute.role;
    this.securityGroup = compute.securityGroup;
    this.connections = compute.connections ?? new ec2.Connections();

    if (props.agent) this.agent = installAgent(this, props.agent, compute);

    if (props.sessionManager ?? true) this.sessionManagerPolicy = this.grantSessionManager();

    if (props.dashboard ?? true) {
      this.dashboard = new ServiceDashboard(this, 'Dashboard', {
        serviceName: this.serviceName,
        dashboardName: props.dashboardName,
        targets: this.computeTargets,
        agentMetrics: this.agentMetrics,
        recentErrorsQuery: props.logFormat || props.logFields ? LogQueries._recentErrorsQuery(this, props.logFormat, props.logFields) : undefined,
      });
    }

    this.alarmSets = createServiceAlarms(this, compute, props.alertTopic, this.agentMetrics, props.alarms ?? {}, this.serviceName);
    // Before idle shutdown reads the liveness alarms: the heartbeat is one of them.
    if (this.agent && compute.userData) addAgentHeartbeats(this.agent, this.alarmSets, this.computeTargets, this.serviceName);
    for (const set of this.alarmSets) {
      for (const alarm of set.alarms) this.addAlarm(alarm);
    }
    for (const group of [...(props.logGroups ?? []), ...(this.agent?.logGroups ?? [])]) this.addLogGroup(group);

    if (props.idleShutdown) this.optInToIdleShutdown(props.idleShutdown);
    if (props.eventNotifications ?? false) {
      this.eventNotifications = notifyComputeEvents(this, this.alertTopic, compute, props.idleShutdown ? this.instances : []);
    }
    watchStackBudget(this);
  }

  /** The alarms of this service. */
  public get alarms(): cloudwatch.IAlarm[] {
    return [...this._alarms];
  }

  /** The log groups of this service. */
  public get logGroups(): logs.ILogGroup[] {
    return [...this._logGroups];
  }

  /**
   * The series agent metrics of this service are read from: the group's aggregate, or
   * one per instance.
   */
  public get agentTargets(): AgentMetricTarget[] {
    return this.computeTargets.map(t => t.agentTarget);
  }

  /** Registers an alarm of this service (shown on its dashboard and fleet views). */
  public addAlarm(alarm: cloudwatch.IAlarm): cloudwatch.IAlarm {
    this._alarms.push(alarm);
    this.dashboard?.addAlarms(alarm);
    return alarm;
  }

  /** Registers a log group of this service (searched for recent errors on its dashboard). */
  public addLogGroup(logGroup: logs.ILogGroup): logs.ILogGroup {
    this._logGroups.push(logGroup);
    this.dashboard?.addLogGroups(logGroup);
    return logGroup;
  }

  /**
   * CPU utilization of the service, percent: the group's aggregate (`AWS/EC2` with
   * `AutoScalingGroupName`), or the instance's; for several instances, their average.
   * @default - average over 5 minutes
   */
  public metricCpuUtilization(options: cloudwatch.MetricOptions = {}): cloudwatch.IMetric {
    const all = { statistic: 'Average', ...options };
    return this.averageOfTargets(this.computeTargets.map(t => ComputeMetrics.cpuUtilization(t, all)), all);
  }

  /** Failed status checks (system or instance), as `AWS/EC2 StatusCheckFailed`; maximum over 1 minute by default. */
  public metricStatusCheckFailed(options: cloudwatch.MetricOptions = {}): cloudwatch.IMetric {
    const all = { statistic: 'Maximum', period: Duration.minutes(1), ...options };
    return this.averageOfTargets(this.computeTargets.map(t => ComputeMetrics.statusCheckFailed(t, StatusCheck.ANY, all)), all);
  }

  /**
   * Memory in use, percent, from the service's agent (the group's roll-up, or the instance's
   * series). Fails without `agentMetrics` or with several instances.
   */
  public metricMemUsedPercent(options?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.agentSource('metricMemUsedPercent').metricMemUsedPercent(this.singleAgentTarget('metricMemUsedPercent'), options);
  }

  /** Disk space in use on a path (Linux) or drive (Windows), percent, from the service's agent. */
  public metricDiskUsedPercent(path: string, options?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.agentSource('metricDiskUsedPercent').metricDiskUsedPercent(path, this.singleAgentTarget('metricDiskUsedPercent'), options);
  }

  /**
   * Lets people read the service's telemetry: its dashboard, its alarms and their history,
   * and its log groups (read and query), in a managed policy attached to the grantee. Grant
   * after adding your own alarms and log groups: later ones are not covered.
   */
  public grantReadTelemetry(grantee: iam.IGrantable): iam.Grant {
    const access = new TelemetryAccess(this, `TelemetryAccess${this.telemetryGrants++ || ''}`, {
      alarms: this.alarms,
      logGroups: this.logGroups,
      dashboards: this.dashboard ? [this.dashboard.dashboard] : [],
    });
    return access.grantRead(grantee);
  }

  /** Keeps the group's average CPU utilization at a target. */
  public scaleOnCpuUtilization(id: string, options: UtilizationScalingOptions): TargetTrackingScaling {
    return this.track(id, TrackedMetric.cpuUtilization(), options.targetUtilizationPercent, options);
  }

  /** Keeps the group's average memory utilization (agent metric) at a target. Needs `agentMetrics`. */
  public scaleOnMemoryUtilization(id: string, options: UtilizationScalingOptions): TargetTrackingScaling {
    if (!this.agentMetrics) {
      invalid(this, 'agentMetrics', 'set to scale on memory (memory is published by the CloudWatch agent)', undefined);
    }
    return this.track(id, TrackedMetric.memoryUtilization(this.agentMetrics), options.targetUtilizationPercent, options);
  }

  /** Keeps requests per instance behind an Application Load Balancer at a target. */
  public scaleOnRequestCount(id: string, options: RequestCountScalingOptions): TargetTrackingScaling {
    return this.track(id, TrackedMetric.requestCountPerTarget(options.targetGroup), options.targetRequestsPerInstance, options);
  }

  /** Keeps any metric at a target (target tracking, as `autoscaling.AutoScalingGroup.scaleToTrackMetric`). */
  public scaleToTrackMetric(id: string, options: MetricScalingOptions): TargetTrackingScaling {
    return this.track(id, TrackedMetric.custom(options.metric), options.targetValue, options);
  }

  /** Scales in steps driven by alarms on a metric (step scaling, as `autoscaling.AutoScalingGroup.scaleOnMetric`). */
  public scaleOnMetric(id: string, options: StepScalingOptions): StepScaling {
    return new StepScaling(this, id, { ...options, autoScalingGroup: this.requireGroup('scaleOnMetric') });
  }

  /** Sets the group's capacity for business hours and back, in a time zone. */
  public scaleOnBusinessHours(id: string, options: BusinessHoursScalingOptions): BusinessHoursScaling {
    return new BusinessHoursScaling(this, id, { ...options, autoScalingGroup: this.requireGroup('scaleOnBusinessHours') });
  }

  /** The one metric of the service's target, or the average of its instances'. */
  private averageOfTargets(metrics: cloudwatch.Metric[], options: cloudwatch.MetricOptions): cloudwatch.IMetric {
    if (metrics.length === 1) return metrics[0];
    return new cloudwatch.MathExpression({
      expression: `AVG([${metrics.map((_, i) => `m${i}`).join(',')}])`,
      usingMetrics: Object.fromEntries(metrics.map((m, i) => [`m${i}`, m])),
      label: `${metrics[0].metricName} of ${this.serviceName}`,
      period: options.period ?? Duration.minutes(5),
    });
  }

  private agentSource(method: string): IAgentMetricSource {
    if (!this.agentMetrics) invalid(this, method, 'called on a service with an agent (agent or agentMetrics)', undefined);
    return this.agentMetrics;
  }

  private singleAgentTarget(method: string): AgentMetricTarget {
    const targets = this.agentTargets;
    if (targets.length !== 1) {
      invalid(this, method, 'called on a group or a single instance (read each instance through agentMetrics and agentTargets)', `${targets.length} instances`);
    }
    return targets[0];
  }

  private track(id: string, metric: TrackedMetric, targetValue: number, options: TargetTrackingOptions): TargetTrackingScaling {
    return new TargetTrackingScaling(this, id, {
      autoScalingGroup: this.requireGroup(id),
      metric,
      targetValue,
      estimatedInstanceWarmup: options.estimatedInstanceWarmup,
      disableScaleIn: options.disableScaleIn,
    });
  }

  /** Lets the instances' role reach Session Manager, when the role is known. */
  private grantSessionManager(): iam.ManagedPolicy | undefined {
    if (this.role) return sessionManagerPolicy(this, this.role);
    Annotations.of(this).addWarningV2('cdk-watchkeeper:MonitoredService.unknownRole',
      'The instances\' role is not known, so Session Manager (and later the agent) cannot be granted: '
      + 'pass it as `role` to ServiceCompute.existingAutoScalingGroup/existingInstances, or set sessionManager: false.');
    return undefined;
  }

  /** Opts each instance in to idle shutdown, naming its own liveness alarms: idle shutdown silences exactly those. */
  private optInToIdleShutdown(idle: IdleShutdown): void {
    if (this.autoScalingGroup) {
      invalid(this, 'idleShutdown', 'given only for single instances (a group replaces stopped instances: use scaleOnBusinessHours)', 'an Auto Scaling group');
    }
    this.instances.forEach((instance, i) => idle.optIn(instance, { livenessAlarms: this.alarmSets[i]?.livenessAlarms ?? [] }));
  }

  private requireGroup(what: string): autoscaling.IAutoScalingGroup {
    if (!this.autoScalingGroup) {
      invalid(this, 'compute', `an Auto Scaling group to use ${what}`, 'instances');
    }
    return this.autoScalingGroup;
  }
}
