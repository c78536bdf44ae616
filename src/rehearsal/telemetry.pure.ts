// What the fleet publishes each minute: EC2 status checks (every minute) and utilization
// (every 5 minutes with basic monitoring, every minute with detailed), the agent's series as
// its configuration dimensions and aggregates them, Auto Scaling group metrics, and log lines
// (application, agent files, flow logs, CloudTrail) counted by the metric filters. Only
// metrics something reads are published. Pure: no CDK, no I/O.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html
import { assumed } from './assumptions.pure';
import { matchesAnyFilterPattern, selectJsonValue } from './filter-pattern.pure';
import { AgentModel, MetricFilterModel } from './fleet-model.pure';
import { Minute } from './schedule.pure';
import { MetricStore, Series } from './store.pure';
import { Instance, World } from './world.pure';
import { AUTO_SCALING_GROUP_METRICS, EC2_METRICS } from '../private/compute-metric-names';

/** A batch of identical log lines. */
export interface LogLines { readonly text: string; readonly count: number }

const EC2 = EC2_METRICS;
const GROUP = AUTO_SCALING_GROUP_METRICS;
const STATUS: string[] = [EC2.statusCheckFailed, EC2.statusCheckFailedInstance, EC2.statusCheckFailedSystem, EC2.statusCheckFailedAttachedEbs];
const UTILIZATION: string[] = [EC2.cpuUtilization, EC2.networkIn, EC2.networkOut, EC2.cpuCreditBalance, EC2.cpuCreditUsage];
const GROUP_METRICS: string[] = [
  GROUP.minSize, GROUP.maxSize, GROUP.desiredCapacity, GROUP.inServiceInstances, GROUP.pendingInstances, GROUP.totalInstances,
];

/** A request line of a JSON application log (python-json-logger style fields). */
export function appLine(level: string, status: number, durationMs: number, path = '/orders'): string {
  return JSON.stringify({
    timestamp: '2026-11-30T00:00:00Z',
    level,
    message: status >= 500 ? 'request failed' : 'request served',
    request_id: 'r',
    method: 'GET',
    path,
    status_code: status,
    duration_ms: durationMs,
  });
}

/** The application's ordinary log lines. */
const LINES = {
  fast: appLine('INFO', 200, 50),
  usual: appLine('INFO', 200, 120),
  slow: appLine('INFO', 200, 300, '/orders/{id}'),
  notFound: appLine('WARNING', 404, 20, '/orders/{id}'),
};

/** A CloudTrail record (the fields the CIS filters read). */
export function trailLine(eventSource: string, eventName: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    eventVersion: '1.09',
    eventSource,
    eventName,
    eventType: 'AwsApiCall',
    sourceIPAddress: 'cloudformation.amazonaws.com',
    userIdentity: { type: 'AssumedRole' },
    ...extra,
  });
}

/** Application log groups: the ones with metric filters that no trail, flow log or agent writes. */
export function applicationLogGroups(fleet: World['fleet']): string[] {
  const special = new Set([...fleet.trailLogGroups, ...fleet.flowLogGroups, ...fleet.agents.flatMap(a => a.logGroups)]);
  return [...new Set(fleet.metricFilters.map(f => f.logGroup))].filter(g => !special.has(g));
}

interface InstanceHandles {
  readonly status: Array<Series | undefined>;
  readonly statusGroup: Array<Series | undefined>;
  readonly util: Array<Series | undefined>;
  readonly utilGroup: Array<Series | undefined>;
  readonly blocks: Array<{ sum: number; n: number }>;
}

/** Publishes the fleet's telemetry. */
export class Telemetry {
  private readonly agentOf = new Map<string, AgentModel | undefined>();
  private readonly handles = new Map<string, Array<{ series: Series; metric: string }>>();
  private readonly filtersByGroup = new Map<string, MetricFilterModel[]>();
  private readonly matchCache = new Map<string, boolean>();
  private readonly instanceHandles = new WeakMap<Instance, InstanceHandles>();
  private readonly groupHandles = new Map<string, Array<Series | undefined>>();
  /** The utilization metrics something reads. */
  private readonly utilization: string[];
  private readonly appGroups: string[];
  private readonly cache = new Map<string, Series | undefined>();
  private readonly values = new Map<string, unknown>();

  public constructor(private readonly world: World, private readonly store: MetricStore) {
    const fleet = world.fleet;
    for (const f of fleet.metricFilters) {
      this.filtersByGroup.set(f.logGroup, [...(this.filtersByGroup.get(f.logGroup) ?? []), f]);
    }
    this.appGroups = applicationLogGroups(fleet);
    this.utilization = UTILIZATION.filter(m => store.wants('AWS/EC2', m));
  }

  /** The agent configuration an instance runs (by its group or its id). */
  private agent(i: Instance): AgentModel | undefined {
    if (!this.agentOf.has(i.id)) {
      this.agentOf.set(i.id, this.world.fleet.agents.find(a => (i.group && a.groups.includes(i.group)) || a.instances.includes(i.id)));
    }
    return this.agentOf.get(i.id);
  }

  /** One minute of metrics and logs. `logs` are extra lines by log group (bursts, CloudTrail). */
  public publish(minute: Minute, logs: Map<string, LogLines[]>, appLoadFactor: number): void {
    for (const g of this.world.groups.values()) this.publishGroup(g.model.name, minute);
    for (const i of this.world.instances.values()) this.publishInstance(i, minute);
    // Application logs: lines in proportion to the load, while any instance serves.
    const serving = [...this.world.instances.values()].filter(i => i.running && !i.terminated && !this.world.statusFailed(i, minute)
      && (i.group !== undefined || this.world.groups.size === 0) && minute >= i.reportingFrom);
    if (serving.length > 0) {
      const requests = Math.round(20 * appLoadFactor);
      const normal: LogLines[] = [
        { text: LINES.fast, count: Math.round(requests * 0.4) },
        { text: LINES.usual, count: Math.round(requests * 0.5) },
        { text: LINES.slow, count: Math.max(1, Math.round(requests * 0.08)) },
        { text: LINES.notFound, count: Math.max(0, Math.round(requests * 0.02)) },
      ];
      for (const g of this.appGroups) logs.set(g, [...(logs.get(g) ?? []), ...normal]);
    }
    for (const g of this.world.fleet.flowLogGroups) {
      const running = [...this.world.instances.values()].filter(i => i.running).length;
      if (running > 0) logs.set(g, [...(logs.get(g) ?? []), { text: '2 123456789012 eni-0 10.0.0.1 10.0.0.2 443 49152 6 10 840 1 2 ACCEPT OK', count: 10 * running }]);
    }
    for (const [group, lines] of logs) this.publishLogs(group, lines, minute);
  }

  /** A series handle, looked up once (the store builds its key from the sorted dimensions). */
  private handle(key: string, open: () => Series | undefined): Series | undefined {
    if (this.cache.has(key)) return this.cache.get(key);
    const s = open();
    this.cache.set(key, s);
    return s;
  }

  /** A JSON field of a log line, parsed once per distinct line. */
  private field(selector: string, text: string): unknown {
    const key = `${selector}\u0000${text}`;
    if (!this.values.has(key)) this.values.set(key, selectJsonValue(selector, text));
    return this.values.get(key);
  }

  private publishGroup(name: string, minute: Minute): void {
    const g = this.world.groups.get(name)!;
    if (!g.model.groupMetrics) return;
    const members = this.world.members(name);
    const inService = members.filter(i => i.running && minute >= i.launchedAt + 1).length;
    const values: Record<string, number> = {
      [GROUP.minSize]: g.min,
      [GROUP.maxSize]: g.max,
      [GROUP.desiredCapacity]: g.desired,
      [GROUP.inServiceInstances]: inService,
      [GROUP.pendingInstances]: members.length - inService,
      [GROUP.totalInstances]: members.length,
    };
    let handles = this.groupHandles.get(name);
    if (!handles) {
      handles = GROUP_METRICS.map(metric => this.store.open('AWS/AutoScaling', metric, { AutoScalingGroupName: name }, { delay: 1 }));
      this.groupHandles.set(name, handles);
    }
    GROUP_METRICS.forEach((metric, k) => handles![k]?.put(minute, values[metric]));
  }

  private cpu(i: Instance, minute: Minute): number {
    if (this.world.fault(i, 'idle', minute) !== undefined) return 1;
    const wave = 3 * Math.sin(minute / 7 + i.id.length);
    if (i.model?.external) return 10 + wave;
    if (i.group) {
      const g = this.world.groups.get(i.group)!;
      const serving = this.world.members(i.group).filter(m => m.running).length || 1;
      return Math.min(100, Math.max(2, (45 * this.world.needed(g, minute)) / serving + wave));
    }
    return this.world.businessHours(minute) ? 35 + wave : 4 + wave;
  }

  /** The series an instance publishes to, looked up once per instance. */
  private handlesOf(i: Instance): InstanceHandles {
    let h = this.instanceHandles.get(i);
    if (!h) {
      const dims = { InstanceId: i.id };
      const groupDims = i.group ? { AutoScalingGroupName: i.group } : undefined;
      const open = (metric: string, d: Record<string, string>, tags?: Record<string, string>) => (i.detailed || STATUS.includes(metric)
        ? this.store.open('AWS/EC2', metric, d, { delay: 2, tags })
        : this.store.open('AWS/EC2', metric, d, { span: 5, delay: 10, tags }));
      h = {
        status: STATUS.map(m => open(m, dims, i.tags)),
        statusGroup: STATUS.map(m => (groupDims ? open(m, groupDims) : undefined)),
        util: this.utilization.map(m => open(m, dims, i.tags)),
        utilGroup: this.utilization.map(m => (groupDims ? open(m, groupDims) : undefined)),
        blocks: this.utilization.map(() => ({ sum: 0, n: 0 })),
      };
      this.instanceHandles.set(i, h);
    }
    return h;
  }

  private publishInstance(i: Instance, minute: Minute): void {
    if (!i.running || minute < i.reportingFrom) return;
    assumed('publication-delay');
    const h = this.handlesOf(i);
    const instanceCheck = this.world.fault(i, 'os-hang', minute) !== undefined ? 1 : 0;
    const systemCheck = this.world.fault(i, 'hardware-failure', minute) !== undefined ? 1 : 0;
    // STATUS order: StatusCheckFailed, _Instance, _System, _AttachedEBS
    const status = [Math.max(instanceCheck, systemCheck), instanceCheck, systemCheck, 0];
    for (let k = 0; k < STATUS.length; k++) {
      h.status[k]?.put(minute, status[k]);
      h.statusGroup[k]?.put(minute, status[k]);
    }
    if (this.utilization.length === 0) {
      this.publishAgent(i, minute);
      return;
    }
    const idle = this.world.fault(i, 'idle', minute) !== undefined;
    const busy = !idle && (i.group !== undefined || this.world.businessHours(minute));
    for (let k = 0; k < this.utilization.length; k++) {
      const metric = this.utilization[k];
      const stat = metric === EC2.cpuUtilization ? this.cpu(i, minute) : metric === EC2.networkIn ? (busy ? 3_000_000 : 100)
        : metric === EC2.networkOut ? (busy ? 2_000_000 : 100) : metric === EC2.cpuCreditBalance ? 500 : 1;
      if (i.detailed) {
        h.util[k]?.put(minute, stat);
        h.utilGroup[k]?.put(minute, stat);
        continue;
      }
      // Basic monitoring: one datapoint per 5-minute block, published after the block.
      const block = h.blocks[k];
      block.sum += metric.startsWith('Network') ? stat * 5 : stat;
      block.n += 1;
      if (minute % 5 === 4) {
        const value = block.sum / block.n;
        h.util[k]?.put(minute - 4, value);
        h.utilGroup[k]?.put(minute - 4, value);
        block.sum = 0;
        block.n = 0;
      }
    }
    this.publishAgent(i, minute);
  }

  private publishAgent(i: Instance, minute: Minute): void {
    const agent = this.agent(i);
    if (!agent || this.world.fault(i, 'agent-stops', minute) !== undefined || this.world.statusFailed(i, minute)) return;
    let handles = this.handles.get(i.id);
    if (!handles) {
      handles = [];
      const appended: Record<string, string> = {};
      if (agent.appendInstanceId) appended.InstanceId = i.id;
      // The agent appends AutoScalingGroupName only on instances in a group.
      if (agent.appendGroup && i.group) appended.AutoScalingGroupName = i.group;
      for (const s of agent.series) {
        const full = { ...s.dimensions, ...appended };
        const sets: Array<Record<string, string>> = s.dropOriginal ? [] : [full];
        for (const keys of agent.aggregations) {
          if (keys.every(k => k in full)) sets.push(Object.fromEntries(keys.map(k => [k, full[k]])));
        }
        for (const d of sets) {
          const series = this.store.open(agent.namespace, s.metricName, d, { delay: 1 });
          if (series && !handles.some(h => h.series === series)) handles.push({ series, metric: s.metricName });
        }
      }
      this.handles.set(i.id, handles);
    }
    const leak = this.world.fault(i, 'memory-leak', minute) ?? 0;
    const fill = this.world.fault(i, 'disk-fills', minute) ?? 0;
    for (const h of handles) {
      let v = 1;
      if (h.metric === 'mem_used_percent') v = 42 + 57 * leak;
      else if (h.metric === 'disk_used_percent') v = 38 + 62 * fill;
      else if (h.metric === 'swap_used_percent') v = 3 + 60 * leak;
      else if (h.metric.startsWith('cpu_usage')) v = this.cpu(i, minute);
      else if (h.metric === 'disk_inodes_free') v = 500_000;
      h.series.put(minute, v);
    }
  }

  private publishLogs(group: string, lines: LogLines[], minute: Minute): void {
    const total = lines.reduce((a, l) => a + l.count, 0);
    if (total === 0) return;
    const trail = this.world.fleet.trailLogGroups.includes(group);
    const delay = trail ? 6 : 1;
    this.handle(`l|${group}|events`, () => this.store.open('AWS/Logs', 'IncomingLogEvents', { LogGroupName: group }, { delay }))?.put(minute, total);
    this.handle(`l|${group}|bytes`, () => this.store.open('AWS/Logs', 'IncomingBytes', { LogGroupName: group }, { delay }))
      ?.put(minute, lines.reduce((a, l) => a + l.count * l.text.length, 0));
    for (const [fi, f] of (this.filtersByGroup.get(group) ?? []).entries()) {
      if (!this.store.wants(f.namespace, f.metricName)) continue;
      let matched = false;
      for (const l of lines) {
        if (l.count === 0) continue;
        const key = `${group}|${fi}|${l.text}`;
        let hit = this.matchCache.get(key);
        if (hit === undefined) {
          hit = matchesAnyFilterPattern(f.pattern, l.text);
          this.matchCache.set(key, hit);
        }
        if (!hit) continue;
        const raw = f.value.startsWith('$') ? this.field(f.value, l.text) : Number(f.value);
        if (typeof raw !== 'number') continue;
        this.handle(`f|${group}|${fi}|${l.text}`, () => this.store.open(f.namespace, f.metricName,
          Object.fromEntries(Object.entries(f.dimensions).map(([k, v]) => [k, String(v.startsWith('$') ? this.field(v, l.text) : v)])), { delay }))
          ?.put(minute, raw, l.count);
        matched = true;
      }
      if (!matched && f.defaultValue !== undefined && Object.keys(f.dimensions).length === 0) {
        assumed('log-default-value');
        this.handle(`f|${group}|${fi}|default`, () => this.store.open(f.namespace, f.metricName, {}, { delay }))?.put(minute, f.defaultValue);
      }
    }
  }
}
