import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { AgentEmfProps, AgentLogFileProps, WindowsEventLogProps } from './log-sources';
import { AgentOs, AgentPlugin } from './plugins';
import { agentError, checkInterval } from './private/agent-error';
import { AgentModel, dimensionSetsOn, renderAgentJson } from './private/agent-model';
import { linuxMetricName } from './private/measurements';
import { AgentMetricTarget, IAgentMetricSource } from '../core/agent-metrics';

/** EC2 dimensions the agent can append to every metric it publishes. */
export enum AppendDimension {
  /** The instance id: one series per instance. */
  INSTANCE_ID = 'InstanceId',
  /** The Auto Scaling group name (only on instances that belong to a group). */
  AUTO_SCALING_GROUP_NAME = 'AutoScalingGroupName',
  /** The AMI id. */
  IMAGE_ID = 'ImageId',
  /** The instance type. */
  INSTANCE_TYPE = 'InstanceType',
}

/** What the CloudWatch agent collects and how it dimensions it. */
export interface AgentConfigProps {
  /**
   * The operating system of the instances.
   * @default AgentOs.LINUX
   */
  readonly os?: AgentOs;
  /**
   * The metric plugins. The default is the recommended, cost-conscious set: memory,
   * swap and disk `/` (Linux) or Memory, Paging File and LogicalDisk (Windows).
   * @default - AgentConfig.recommendedPlugins(os)
   */
  readonly metrics?: AgentPlugin[];
  /**
   * Plugins added to `metrics` (to the recommended set when `metrics` is not given), so
   * the recommended set can be extended without repeating it.
   * @default - none
   */
  readonly additionalMetrics?: AgentPlugin[];
  /**
   * The CloudWatch namespace.
   * @default 'CWAgent'
   */
  readonly namespace?: string;
  /**
   * How often every plugin collects (plugins may override it). Below 60 seconds the agent
   * publishes high-resolution metrics, which cost the same per metric but more API calls.
   * @default Duration.seconds(60)
   */
  readonly interval?: Duration;
  /**
   * The EC2 dimensions appended to every series. Each appended dimension whose value
   * differs between instances multiplies the series (and the bill).
   * @default [AppendDimension.INSTANCE_ID, AppendDimension.AUTO_SCALING_GROUP_NAME]
   */
  readonly appendDimensions?: AppendDimension[];
  /**
   * Also publish one rolled-up series per Auto Scaling group (and per group and disk
   * path): what group alarms, scaling policies and dashboards read.
   * @default true
   */
  readonly aggregateByAutoScalingGroup?: boolean;
  /**
   * Also publish one rolled-up series per instance with only `InstanceId`, needed to read
   * a single instance's metrics when `ImageId` or `InstanceType` are appended.
   * @default false
   */
  readonly aggregateByInstance?: boolean;
  /**
   * The log files to ship.
   * @default - none
   */
  readonly logFiles?: AgentLogFileProps[];
  /**
   * The Windows event logs to ship (Windows only).
   * @default - none
   */
  readonly windowsEventLogs?: WindowsEventLogProps[];
  /**
   * Open the agent's Embedded Metric Format listener, writing the app's EMF events to this
   * log group: custom metrics from the app without `PutMetricData` calls or permissions.
   * @default - no EMF listener
   */
  readonly emf?: AgentEmfProps;
}

const NAMESPACE = /^(?!AWS\/)[\w.\-/#:]{1,255}$/;

/**
 * The telemetry model: a typed, validated CloudWatch agent configuration. It renders the
 * agent's JSON, and it is what alarms, scaling policies and dashboards read agent metrics
 * through: every `metricXxx` accessor returns exactly a series the rendered configuration
 * publishes, or fails at synth saying what to change.
 *
 * @example
 * const config = new AgentConfig({
 *   additionalMetrics: [AgentPlugin.cpu(), AgentPlugin.netstat()],
 *   logFiles: [{ filePath: '/var/log/orders/app.log', logGroupName: '/orders/app' }],
 * });
 */
export class AgentConfig implements IAgentMetricSource {
  /** The recommended plugins for an operating system: memory, swap and root disk usage in percent. */
  public static recommendedPlugins(os: AgentOs = AgentOs.LINUX): AgentPlugin[] {
    return os === AgentOs.WINDOWS
      ? [AgentPlugin.windowsMemory(), AgentPlugin.windowsPagingFile(), AgentPlugin.windowsLogicalDisk()]
      : [AgentPlugin.memory(), AgentPlugin.swap(), AgentPlugin.disk()];
  }

  /** The operating system. */
  public readonly os: AgentOs;
  /** The CloudWatch namespace. */
  public readonly namespace: string;
  /** The collection interval in seconds. */
  public readonly intervalSeconds: number;
  /** The metric plugins. */
  public readonly plugins: AgentPlugin[];
  /** The appended EC2 dimensions. */
  public readonly appendDimensions: AppendDimension[];
  /** The log files shipped. */
  public readonly logFiles: AgentLogFileProps[];
  /** The Windows event logs shipped. */
  public readonly windowsEventLogs: WindowsEventLogProps[];
  /** The EMF listener and its log group, when open. */
  public readonly emf?: AgentEmfProps;

  private readonly aggregations: string[][];
  private readonly explicitMetrics: boolean;
  private readonly rendered: string;

  public constructor(props: AgentConfigProps = {}) {
    this.os = props.os ?? AgentOs.LINUX;
    this.namespace = props.namespace ?? 'CWAgent';
    if (!NAMESPACE.test(this.namespace)) {
      agentError('namespace', 'a CloudWatch namespace of 1 to 255 letters, digits and . - _ / # : not starting with AWS/', this.namespace);
    }
    this.intervalSeconds = checkInterval('interval', props.interval ?? Duration.seconds(60));
    this.explicitMetrics = props.metrics !== undefined;
    this.plugins = [...(props.metrics ?? AgentConfig.recommendedPlugins(this.os)), ...(props.additionalMetrics ?? [])];
    this.appendDimensions = [...(props.appendDimensions ?? [AppendDimension.INSTANCE_ID, AppendDimension.AUTO_SCALING_GROUP_NAME])];
    this.logFiles = [...(props.logFiles ?? [])];
    this.windowsEventLogs = [...(props.windowsEventLogs ?? [])];
    this.emf = props.emf;
    if (this.plugins.length === 0 && this.logFiles.length === 0 && this.windowsEventLogs.length === 0 && !this.emf) {
      agentError('metrics', 'non-empty when no logs are collected (the agent would do nothing)', []);
    }
    this.checkPlugins();
    if (new Set(this.appendDimensions).size !== this.appendDimensions.length) agentError('appendDimensions', 'without duplicates', this.appendDimensions);
    this.checkLogs();
    this.aggregations = this.planAggregations(props);
    this.rendered = JSON.stringify(renderAgentJson(this.model()));
  }

  /**
   * The mount paths (Linux) or drives (Windows) whose disk usage in percent can be read.
   * On Windows these are the drive letters the LogicalDisk counters name; measuring every
   * drive (`*`, the default) yields `C:`, the system drive every Windows instance has, since
   * other drive letters are unknown until the instance runs.
   */
  public get diskPaths(): string[] {
    if (this.os === AgentOs.WINDOWS) {
      const disk = this.plugin('LogicalDisk');
      if (!disk || !disk.collects('% Free Space')) return [];
      const resources = (disk._render().resources as string[] | undefined) ?? ['*'];
      const drives = resources.filter(r => /^[A-Za-z]:$/.test(r)).map(r => r.toUpperCase());
      return resources.includes('*') && !drives.includes('C:') ? ['C:', ...drives] : drives;
    }
    const disk = this.plugin('disk');
    return disk && disk.collects('used_percent') ? [...disk._diskPaths] : [];
  }

  /** Whether memory in use is collected: what `metricMemUsedPercent` reads. */
  public get collectsMemory(): boolean {
    const memory = this.os === AgentOs.WINDOWS ? this.plugin('Memory') : this.plugin('mem');
    return memory !== undefined && memory.collects(this.os === AgentOs.WINDOWS ? '% Committed Bytes In Use' : 'used_percent');
  }

  /** The agent configuration as JSON text, keys in a fixed order (the SSM parameter's value). */
  public render(): string {
    return this.rendered;
  }

  /**
   * The dimension sets (sorted names joined by commas) the configuration publishes for a
   * metric name, on any instance.
   */
  public publishedDimensionSets(metricName: string): string[] {
    return dimensionSetsOn(this.model(), metricName, 'any');
  }

  /**
   * Custom metric series one instance publishes (each one is billed as a custom metric
   * while it receives data): original series unless dropped, plus per-instance roll-ups.
   * Plugins measuring every device, interface or core (`*`) are counted as two.
   */
  public seriesPerInstance(): number {
    let total = 0;
    for (const p of this.plugins) {
      const perName = p.measurements.length * this.resourceCount(p);
      if (!p._dropOriginal) total += perName;
      if (p.key === 'disk' && this.aggregations.some(a => a.includes(AppendDimension.INSTANCE_ID) && a.includes('path'))) total += perName;
      if (this.aggregations.some(a => a.length === 1 && a[0] === AppendDimension.INSTANCE_ID)) total += p.measurements.length;
    }
    return total;
  }

  /** Custom metric series one Auto Scaling group adds through its roll-ups, whatever its size. */
  public seriesPerAutoScalingGroup(): number {
    let total = 0;
    for (const p of this.plugins) {
      if (this.aggregations.some(a => a.length === 1 && a[0] === AppendDimension.AUTO_SCALING_GROUP_NAME)) total += p.measurements.length;
      const diskKey = this.os === AgentOs.WINDOWS ? 'LogicalDisk' : 'disk';
      if (p.key === diskKey && this.aggregations.some(a => a.length === 2 && a[0] === AppendDimension.AUTO_SCALING_GROUP_NAME)) {
        total += p.measurements.length * this.resourceCount(p);
      }
    }
    return total;
  }

  /** Memory in use, percent: Linux `mem_used_percent`, Windows `Memory % Committed Bytes In Use`. */
  public metricMemUsedPercent(target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.os === AgentOs.WINDOWS
      ? this.windowsMetric('Memory', '% Committed Bytes In Use', undefined, target, options)
      : this.linuxMetric('mem', 'used_percent', {}, target, options);
  }

  /** Swap in use, percent: Linux `swap_used_percent`, Windows `Paging File % Usage` of `_Total`. */
  public metricSwapUsedPercent(target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.os === AgentOs.WINDOWS
      ? this.windowsMetric('Paging File', '% Usage', '_Total', target, options)
      : this.linuxMetric('swap', 'used_percent', {}, target, options);
  }

  /**
   * Disk space in use on a mount path or drive, percent: Linux `disk_used_percent`; on
   * Windows `100 - LogicalDisk % Free Space` of the drive (a math expression of one metric,
   * priced as one; the statistic is mirrored, so `Maximum` used is `Minimum` free).
   */
  public metricDiskUsedPercent(path: string, target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    if (this.os === AgentOs.WINDOWS) {
      if (!this.diskPaths.includes(path)) {
        agentError('metricDiskUsedPercent', `a drive the LogicalDisk counters measure (${this.diskPaths.join(', ') || 'none: add AgentPlugin.windowsLogicalDisk()'})`, path);
      }
      const mirrored: Record<string, string> = { Maximum: 'Minimum', Minimum: 'Maximum', Average: 'Average' };
      const statistic = options?.statistic ?? 'Average';
      if (!(statistic in mirrored)) agentError('metricDiskUsedPercent.statistic', 'Average, Minimum or Maximum on Windows (it is read as 100 - free space)', statistic);
      const free = this.metricLogicalDiskFreePercent(path, target, { ...options, statistic: mirrored[statistic], label: undefined });
      return new cloudwatch.MathExpression({
        expression: '100 - free',
        usingMetrics: { free },
        label: options?.label ?? `Disk ${path} used %`,
        period: free.period,
      });
    }
    return this.linuxMetric('disk', 'used_percent', { path }, target, options);
  }

  /** Free inodes on a mount path (Linux `disk_inodes_free`): a disk can be full of small files with space left. */
  public metricDiskInodesFree(path: string, target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.linuxMetric('disk', 'inodes_free', { path }, target, options);
  }

  /** Busy CPU of all cores together, percent (Linux `cpu_usage_active`, `cpu` = `cpu-total`). */
  public metricCpuUsageActive(target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.linuxMetric('cpu', 'usage_active', { cpu: 'cpu-total' }, target, options);
  }

  /** Established TCP connections (Linux `netstat_tcp_established`). */
  public metricTcpEstablished(target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.linuxMetric('netstat', 'tcp_established', {}, target, options);
  }

  /** Free space of a Windows drive (`C:`), percent (`LogicalDisk % Free Space`). */
  public metricLogicalDiskFreePercent(drive: string, target: AgentMetricTarget, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.windowsMetric('LogicalDisk', '% Free Space', drive, target, options);
  }

  private model(): AgentModel {
    return {
      os: this.os,
      namespace: this.namespace,
      intervalSeconds: this.intervalSeconds,
      plugins: this.plugins,
      appendDimensions: this.appendDimensions,
      aggregations: this.aggregations,
      logFiles: this.logFiles,
      windowsEventLogs: this.windowsEventLogs,
      emf: this.emf,
    };
  }

  private checkPlugins(): void {
    const seen = new Set<string>();
    for (const p of this.plugins) {
      if (p.os !== this.os) {
        const fix = p.os === AgentOs.WINDOWS
          ? 'set os: AgentOs.WINDOWS on the AgentConfig to collect Windows counters'
          : 'use the windows plugins (AgentPlugin.windowsXxx) in a Windows configuration, or drop os: AgentOs.WINDOWS for Linux instances';
        agentError(`metrics[${p.key}]`, `a ${this.os} plugin in a ${this.os} configuration (${fix})`, `a ${p.os} plugin`);
      }
      if (p.key !== 'procstat' && seen.has(p.key)) {
        const recommended = AgentConfig.recommendedPlugins(this.os).map(r => r.key);
        const fix = !this.explicitMetrics && recommended.includes(p.key)
          ? `the recommended set already has ${p.key}: to change it, give metrics instead of additionalMetrics, for example `
            + `metrics: [${recommended.map(k => (k === p.key ? `AgentPlugin.${pluginFactory(k)}({ ... })` : `AgentPlugin.${pluginFactory(k)}()`)).join(', ')}]`
          : `merge the two ${p.key} plugins into one`;
        agentError('metrics', `free of duplicate plugins (${fix})`, p.key);
      }
      seen.add(p.key);
    }
    if (this.os === AgentOs.LINUX && this.windowsEventLogs.length > 0) {
      agentError('windowsEventLogs', 'empty in a linux configuration', this.windowsEventLogs.map(e => e.eventName));
    }
  }

  private checkLogs(): void {
    const paths = new Set<string>();
    for (const f of this.logFiles) {
      if (paths.has(f.filePath)) agentError('logFiles', 'free of duplicate file paths', f.filePath);
      paths.add(f.filePath);
    }
    // The agent refuses one group with two different retentions.
    const retention = new Map<string, unknown>();
    for (const d of [...this.logFiles, ...this.windowsEventLogs, ...(this.emf ? [this.emf] : [])]) {
      const r = d.retention ?? 'default';
      if (retention.has(d.logGroupName) && retention.get(d.logGroupName) !== r) {
        agentError(`logFiles[${d.logGroupName}].retention`, 'the same for every source writing to one log group', r);
      }
      retention.set(d.logGroupName, r);
    }
  }

  private planAggregations(props: AgentConfigProps): string[][] {
    const appended = this.appendDimensions as string[];
    const out: string[][] = [];
    const byGroup = props.aggregateByAutoScalingGroup ?? true;
    const windows = this.os === AgentOs.WINDOWS;
    const pathDim = windows ? 'instance' : 'path';
    const hasDisk = this.plugins.some(p => p.key === (windows ? 'LogicalDisk' : 'disk'));
    if (byGroup && this.plugins.length > 0) {
      if (!appended.includes(AppendDimension.AUTO_SCALING_GROUP_NAME)) {
        agentError('appendDimensions', 'including AUTO_SCALING_GROUP_NAME when aggregateByAutoScalingGroup is on (set it to false otherwise)', appended);
      }
      out.push([AppendDimension.AUTO_SCALING_GROUP_NAME]);
      if (hasDisk) out.push([AppendDimension.AUTO_SCALING_GROUP_NAME, pathDim]);
    }
    if (!windows && hasDisk && appended.includes(AppendDimension.INSTANCE_ID)) out.push([AppendDimension.INSTANCE_ID, 'path']);
    if (props.aggregateByInstance) {
      if (!appended.includes(AppendDimension.INSTANCE_ID)) agentError('appendDimensions', 'including INSTANCE_ID when aggregateByInstance is on', appended);
      out.push([AppendDimension.INSTANCE_ID]);
    }
    return out;
  }

  private resourceCount(p: AgentPlugin): number {
    const resources = p._render().resources as string[] | undefined;
    if (!resources) return 1;
    return resources.reduce((n, r) => n + (r === '*' ? 2 : 1), 0);
  }

  private plugin(key: string): AgentPlugin | undefined {
    return this.plugins.find(p => p.key === key);
  }

  private linuxMetric(key: string, measurement: string, own: Record<string, string>, target: AgentMetricTarget,
    options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (this.os !== AgentOs.LINUX) agentError(`metric ${linuxMetricName(key, measurement)}`, 'read from a linux configuration', this.os);
    const plugin = this.plugin(key);
    const name = linuxMetricName(key, measurement);
    if (!plugin || !plugin.collects(measurement)) {
      agentError(`metric ${name}`, `collected: add AgentPlugin.${pluginFactory(key)}() with measurement ${measurement}`, 'not collected');
    }
    if (key === 'disk' && !plugin._diskPaths.includes(own.path)) {
      agentError(`metric ${name}`, `read for a measured path (${plugin._diskPaths.join(', ')})`, own.path);
    }
    // Rolled-up series carry only the aggregation dimensions: the per-core/per-path keys the
    // aggregation keeps, nothing else.
    const dims = this.dimensionsFor(name, target, key === 'disk' ? { path: own.path } : {}, own);
    return this.metric(name, dims, options);
  }

  private windowsMetric(objectName: string, counter: string, instance: string | undefined, target: AgentMetricTarget,
    options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (this.os !== AgentOs.WINDOWS) agentError(`metric ${objectName} ${counter}`, 'read from a windows configuration', this.os);
    const plugin = this.plugin(objectName);
    const name = `${objectName} ${counter}`;
    if (!plugin || !plugin.collects(counter)) agentError(`metric ${name}`, `collected: add the ${objectName} counter ${counter}`, 'not collected');
    const own: Record<string, string> = { objectname: objectName, ...(instance !== undefined ? { instance } : {}) };
    const dims = this.dimensionsFor(name, target, objectName === 'LogicalDisk' && instance !== undefined ? { instance } : {}, own);
    return this.metric(name, dims, options);
  }

  /**
   * The dimensions of the series for a target: the group's rolled-up series
   * (`AutoScalingGroupName` plus the aggregation's path), or one instance's series.
   */
  private dimensionsFor(name: string, target: AgentMetricTarget, aggregateKeys: Record<string, string>,
    own: Record<string, string>): Record<string, string> {
    const member = target.autoScalingGroupName;
    const published = dimensionSetsOn(this.model(), name, member === undefined ? 'standalone' : 'member');
    const candidates: Record<string, string>[] = target.dimensionName === AppendDimension.AUTO_SCALING_GROUP_NAME
      ? [{ ...aggregateKeys, AutoScalingGroupName: target.dimensionValue }]
      : member === undefined
        ? [{ ...aggregateKeys, InstanceId: target.dimensionValue }, { ...own, InstanceId: target.dimensionValue }]
        : [{ ...aggregateKeys, InstanceId: target.dimensionValue }, { ...own, AutoScalingGroupName: member, InstanceId: target.dimensionValue }];
    for (const dims of candidates) {
      if (published.includes(Object.keys(dims).sort().join(','))) return dims;
    }
    const advice = target.dimensionName === AppendDimension.AUTO_SCALING_GROUP_NAME
      ? 'keep aggregateByAutoScalingGroup on and AUTO_SCALING_GROUP_NAME in appendDimensions'
      : member === undefined
        ? 'append INSTANCE_ID and no other per-instance dimension, or set aggregateByInstance'
        : 'set aggregateByInstance, or append only INSTANCE_ID and AUTO_SCALING_GROUP_NAME and keep the original series';
    return agentError(`metric ${name}`, `published per ${target.dimensionName} to be read that way (${advice}); `
      + `this configuration publishes [${published.join(' | ')}]`, target.dimensionValue);
  }

  private metric(metricName: string, dimensionsMap: Record<string, string>, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap,
      period: Duration.seconds(Math.max(60, this.intervalSeconds)),
      ...options,
    });
  }
}

function pluginFactory(key: string): string {
  const windows: Record<string, string> = { 'Memory': 'windowsMemory', 'Paging File': 'windowsPagingFile', 'LogicalDisk': 'windowsLogicalDisk' };
  return ({ mem: 'memory', net: 'network', diskio: 'diskIo', nvidia_gpu: 'nvidiaGpu', ...windows } as Record<string, string>)[key] ?? key;
}
