// The fleet of an app, derived from its templates: Auto Scaling groups and their scheduled
// actions, instances, EventBridge Scheduler schedules that start and stop them or switch alarm
// actions, the agent configuration each runs, log groups with their metric filters and the
// trails that deliver to them, and the idle-shutdown function's settings. Pure: no CDK, no I/O.
import { RehearsalStack, TemplateResolver } from './template.pure';
import { IdleSettings } from '../cost/idle-decision.pure';

/** An Auto Scaling group. */
export interface GroupModel {
  readonly name: string;
  readonly logicalId: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desired?: number;
  /** Tags the group gives the instances it launches. */
  readonly launchTags: Record<string, string>;
  readonly detailedMonitoring: boolean;
  /** Whether the group publishes its AWS/AutoScaling metrics. */
  readonly groupMetrics: boolean;
}

/** An instance the app defines (or one its alarms watch by id). */
export interface InstanceModel {
  readonly id: string;
  readonly logicalId: string;
  readonly tags: Record<string, string>;
  readonly detailedMonitoring: boolean;
  /** Watched by id but not defined in the app: it runs and stays healthy. */
  readonly external: boolean;
}

/** A scheduled action of a group. */
export interface ScheduledActionModel {
  readonly group: string;
  readonly recurrence: string;
  readonly timeZone?: string;
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly desired?: number;
}

/** An EventBridge Scheduler schedule calling an API the rehearsal models. */
export interface ScheduleModel {
  readonly logicalId: string;
  readonly expression: string;
  readonly timeZone?: string;
  /** `ec2:startInstances`, `ec2:stopInstances`, `cloudwatch:enableAlarmActions`, `cloudwatch:disableAlarmActions`... */
  readonly api: string;
  readonly instanceIds: string[];
  readonly alarmNames: string[];
}

/** What the CloudWatch agent publishes and ships on the instances it is configured for. */
export interface AgentModel {
  readonly namespace: string;
  readonly appendInstanceId: boolean;
  readonly appendGroup: boolean;
  readonly aggregations: string[][];
  /** Metric name (`mem_used_percent`...) and its own dimensions (`{ path: '/' }`...). */
  readonly series: Array<{ readonly metricName: string; readonly dimensions: Record<string, string>; readonly dropOriginal: boolean }>;
  /** Log groups the agent ships files to. */
  readonly logGroups: string[];
  /** Groups (by name) and instances (by id) the configuration reaches. */
  readonly groups: string[];
  readonly instances: string[];
}

/** A metric filter. */
export interface MetricFilterModel {
  readonly logGroup: string;
  readonly pattern: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly value: string;
  readonly defaultValue?: number;
  readonly dimensions: Record<string, string>;
}

/** The fleet and its schedules. */
export interface FleetModel {
  readonly groups: GroupModel[];
  readonly instances: InstanceModel[];
  readonly scheduledActions: ScheduledActionModel[];
  readonly schedules: ScheduleModel[];
  readonly agents: AgentModel[];
  readonly logGroups: string[];
  readonly trailLogGroups: string[];
  readonly flowLogGroups: string[];
  readonly metricFilters: MetricFilterModel[];
  readonly idleShutdown?: { readonly settings: IdleSettings; readonly expression: string; readonly topicArn?: string };
  /** CloudFormation resource types of the app, with counts (what a first deploy creates). */
  readonly resourceTypes: Record<string, number>;
}

const num = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : Number(v));

function tagsOf(value: unknown, launchOnly = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of (value ?? []) as Array<{ Key: string; Value: string; PropagateAtLaunch?: unknown }>) {
    if (launchOnly && !(t.PropagateAtLaunch === true || t.PropagateAtLaunch === 'true')) continue;
    out[String(t.Key)] = String(t.Value);
  }
  return out;
}

function agentSeries(metrics: any): AgentModel['series'] {
  const out: Array<AgentModel['series'][number]> = [];
  const collected = metrics?.metrics_collected ?? {};
  const dropped = new Set<string>((metrics?.drop_original_metrics ?? []) as string[]);
  for (const [plugin, cfg] of Object.entries<any>(collected)) {
    const entries: any[] = Array.isArray(cfg) ? cfg : [cfg];
    for (const entry of entries) {
      for (const m of (entry.measurement ?? []) as Array<string | { name: string }>) {
        const measurement = typeof m === 'string' ? m : m.name;
        const metricName = measurement.startsWith(`${plugin}_`) ? measurement : `${plugin}_${measurement}`;
        const resources: string[] = plugin === 'disk' ? (entry.resources ?? ['/']) : [''];
        for (const res of resources) {
          const dims: Record<string, string> = {};
          if (plugin === 'disk') dims.path = res;
          if (plugin === 'cpu') dims.cpu = 'cpu-total';
          if (plugin === 'procstat') dims.exe = String(entry.exe ?? entry.pattern ?? 'process');
          out.push({ metricName, dimensions: dims, dropOriginal: dropped.has(metricName) });
        }
      }
    }
  }
  return out;
}

/** Reads the fleet of the stacks of an app. */
export function readFleet(stacks: readonly RehearsalStack[]): FleetModel {
  const fleet: FleetModel = {
    groups: [],
    instances: [],
    scheduledActions: [],
    schedules: [],
    agents: [],
    logGroups: [],
    trailLogGroups: [],
    flowLogGroups: [],
    metricFilters: [],
    resourceTypes: {},
  };
  let idle: FleetModel['idleShutdown'];
  for (const stack of stacks) {
    const r = new TemplateResolver(stack);
    for (const res of Object.values(r.resources)) fleet.resourceTypes[res.Type] = (fleet.resourceTypes[res.Type] ?? 0) + 1;
    readGroups(r, fleet);
    readInstances(r, fleet);
    readSchedules(r, fleet);
    readAgents(r, fleet);
    readLogGroups(r, fleet);
    readMetricFilters(r, fleet);
    idle = readIdleShutdown(r) ?? idle;
  }
  return { ...fleet, idleShutdown: idle };
}

/** Auto Scaling groups, and their scheduled actions. */
function readGroups(r: TemplateResolver, fleet: FleetModel): void {
  const launchTemplate = (ref: any) => {
    const id = Object.keys(r.resources).find(k => r.resources[k].Type === 'AWS::EC2::LaunchTemplate' && r.ref(k) === ref?.LaunchTemplateId);
    return id ? r.prop(id, 'LaunchTemplateData') : undefined;
  };
  for (const id of r.ofType('AWS::AutoScaling::AutoScalingGroup')) {
    const lt = launchTemplate(r.prop(id, 'LaunchTemplate'));
    fleet.groups.push({
      name: String(r.ref(id)),
      logicalId: id,
      minSize: num(r.prop(id, 'MinSize')) ?? 0,
      maxSize: num(r.prop(id, 'MaxSize')) ?? 1,
      desired: num(r.prop(id, 'DesiredCapacity')),
      launchTags: tagsOf(r.prop(id, 'Tags'), true),
      detailedMonitoring: lt?.Monitoring?.Enabled === true || r.prop(id, 'InstanceMonitoring') === true,
      groupMetrics: ((r.prop(id, 'MetricsCollection') ?? []) as unknown[]).length > 0,
    });
  }
  for (const id of r.ofType('AWS::AutoScaling::ScheduledAction')) {
    const recurrence = r.prop(id, 'Recurrence');
    if (recurrence === undefined) continue;
    fleet.scheduledActions.push({
      group: String(r.prop(id, 'AutoScalingGroupName')),
      recurrence: String(recurrence),
      timeZone: r.prop(id, 'TimeZone'),
      minSize: num(r.prop(id, 'MinSize')),
      maxSize: num(r.prop(id, 'MaxSize')),
      desired: num(r.prop(id, 'DesiredCapacity')),
    });
  }
}

/** EC2 instances the app defines. */
function readInstances(r: TemplateResolver, fleet: FleetModel): void {
  for (const id of r.ofType('AWS::EC2::Instance')) {
    fleet.instances.push({
      id: String(r.ref(id)),
      logicalId: id,
      tags: tagsOf(r.prop(id, 'Tags')),
      detailedMonitoring: r.prop(id, 'Monitoring') === true || r.prop(id, 'Monitoring') === 'true',
      external: false,
    });
  }
}

/** Enabled EventBridge Scheduler schedules that call an AWS API directly. */
function readSchedules(r: TemplateResolver, fleet: FleetModel): void {
  for (const id of r.ofType('AWS::Scheduler::Schedule')) {
    if (r.prop(id, 'State') === 'DISABLED') continue;
    const target = r.prop(id, 'Target') ?? {};
    const api = /:aws-sdk:(.+)$/.exec(String(target.Arn ?? ''))?.[1];
    if (!api) continue;
    let input: any = {};
    try { input = JSON.parse(String(target.Input ?? '{}')); } catch { input = {}; }
    fleet.schedules.push({
      logicalId: id,
      expression: String(r.prop(id, 'ScheduleExpression')),
      timeZone: r.prop(id, 'ScheduleExpressionTimezone'),
      api,
      instanceIds: (input.InstanceIds ?? []).map(String),
      alarmNames: (input.AlarmNames ?? []).map(String),
    });
  }
}

/** The CloudWatch agent configurations that State Manager associations apply. */
function readAgents(r: TemplateResolver, fleet: FleetModel): void {
  const parameters = new Map(r.ofType('AWS::SSM::Parameter').map(id => [String(r.ref(id)), r.prop(id, 'Value')]));
  for (const id of r.ofType('AWS::SSM::Association')) {
    const params = r.prop(id, 'Parameters') ?? {};
    // The library's configure document takes `configurationParameter`; AWS-ConfigureAWSPackage
    // style documents (AmazonCloudWatch-ManageAgent) take `optionalConfigurationLocation`.
    const location = [params.configurationParameter ?? params.optionalConfigurationLocation].flat()[0];
    let config: any;
    try { config = JSON.parse(String(parameters.get(String(location)))); } catch { continue; }
    const targets = (r.prop(id, 'Targets') ?? []) as Array<{ Key: string; Values: string[] }>;
    const append = config.metrics?.append_dimensions ?? {};
    fleet.agents.push({
      namespace: String(config.metrics?.namespace ?? 'CWAgent'),
      appendInstanceId: 'InstanceId' in append,
      appendGroup: 'AutoScalingGroupName' in append,
      aggregations: (config.metrics?.aggregation_dimensions ?? []) as string[][],
      series: agentSeries(config.metrics),
      logGroups: ((config.logs?.logs_collected?.files?.collect_list ?? []) as any[]).map(f => String(f.log_group_name)),
      groups: targets.filter(t => t.Key === 'tag:aws:autoscaling:groupName').flatMap(t => t.Values.map(String)),
      instances: targets.filter(t => t.Key === 'InstanceIds').flatMap(t => t.Values.map(String)),
    });
  }
}

/** Log groups, and those trails and VPC flow logs deliver to. */
function readLogGroups(r: TemplateResolver, fleet: FleetModel): void {
  for (const id of r.ofType('AWS::Logs::LogGroup')) fleet.logGroups.push(r.nameOf(id));
  const logGroupOfArn = (arn: unknown) => /:log-group:([^:]+)/.exec(String(arn))?.[1];
  for (const id of r.ofType('AWS::CloudTrail::Trail')) {
    const group = logGroupOfArn(r.prop(id, 'CloudWatchLogsLogGroupArn'));
    if (group) fleet.trailLogGroups.push(group);
  }
  for (const id of r.ofType('AWS::EC2::FlowLog')) {
    const group = r.prop(id, 'LogGroupName');
    if (group) fleet.flowLogGroups.push(String(group));
  }
}

/** Metric filters, one per metric transformation. */
function readMetricFilters(r: TemplateResolver, fleet: FleetModel): void {
  for (const id of r.ofType('AWS::Logs::MetricFilter')) {
    for (const t of (r.prop(id, 'MetricTransformations') ?? []) as any[]) {
      fleet.metricFilters.push({
        logGroup: String(r.prop(id, 'LogGroupName')),
        pattern: String(r.prop(id, 'FilterPattern') ?? ''),
        namespace: String(t.MetricNamespace),
        metricName: String(t.MetricName),
        value: String(t.MetricValue),
        defaultValue: num(t.DefaultValue),
        dimensions: Object.fromEntries(((t.Dimensions ?? []) as Array<{ Key: string; Value: string }>).map(d => [String(d.Key), String(d.Value)])),
      });
    }
  }
}

/** The idle-shutdown function of a stack (the last one, when there are several) and its schedule. */
function readIdleShutdown(r: TemplateResolver): FleetModel['idleShutdown'] {
  let idle: FleetModel['idleShutdown'];
  for (const id of r.ofType('AWS::Lambda::Function')) {
    const env = r.prop(id, 'Environment')?.Variables ?? {};
    if (env.OPT_IN_TAG_KEY === undefined || env.LOOKBACK_MINUTES === undefined) continue;
    const fnArn = r.getAtt(id, 'Arn');
    const rule = r.ofType('AWS::Events::Rule').find(ruleId =>
      ((r.prop(ruleId, 'Targets') ?? []) as any[]).some(t => t.Arn === fnArn) && r.prop(ruleId, 'ScheduleExpression') !== undefined);
    if (!rule) continue;
    idle = {
      expression: String(r.prop(rule, 'ScheduleExpression')),
      topicArn: env.TOPIC_ARN === undefined ? undefined : String(env.TOPIC_ARN),
      settings: {
        optInTagKey: String(env.OPT_IN_TAG_KEY),
        optInTagValue: String(env.OPT_IN_TAG_VALUE),
        protectionTagKey: String(env.PROTECTION_TAG_KEY),
        cpuPeakPercent: Number(env.CPU_PEAK_PERCENT),
        networkBytes: Number(env.NETWORK_BYTES),
        lookbackMinutes: Number(env.LOOKBACK_MINUTES),
        periodMinutes: Number(env.PERIOD_MINUTES),
        dryRun: env.DRY_RUN === 'true',
      },
    };
  }
  return idle;
}

/** Adds the instances alarms watch by a literal id that the app does not define (they run, healthy). */
export function withWatchedInstances(fleet: FleetModel, watchedIds: readonly string[]): FleetModel {
  const known = new Set(fleet.instances.map(i => i.id));
  const external = [...new Set(watchedIds)].filter(id => /^i-[0-9a-f]{8,17}$/.test(id) && !known.has(id))
    .map((id): InstanceModel => ({ id, logicalId: id, tags: {}, detailedMonitoring: false, external: true }));
  return { ...fleet, instances: [...fleet.instances, ...external] };
}
