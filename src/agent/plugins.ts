import { Duration } from 'aws-cdk-lib';
import { agentError, checkInterval } from './private/agent-error';
import { LINUX_MEASUREMENTS, linuxMetricName } from './private/measurements';

/** The operating system an agent configuration is for. */
export enum AgentOs {
  /** Amazon Linux 2023, Ubuntu and other Linux distributions. */
  LINUX = 'linux',
  /** Windows Server. */
  WINDOWS = 'windows',
}

/** Options every metric plugin takes. */
export interface AgentPluginOptions {
  /**
   * The measurements to collect, by their short name (`used_percent`) or the name the
   * agent publishes (`mem_used_percent`); for Windows, the performance counter names.
   * @default - the plugin's documented default set
   */
  readonly measurements?: string[];
  /**
   * How often this plugin collects, overriding the configuration's interval.
   * @default - the configuration's interval
   */
  readonly interval?: Duration;
}

/** Options of the Linux `cpu` plugin. */
export interface CpuPluginOptions extends AgentPluginOptions {
  /**
   * Also publish one series per core (`cpu` dimension `cpu0`, `cpu1`...): one custom
   * metric per core and measurement.
   * @default false
   */
  readonly perCore?: boolean;
}

/** Options of the Linux `disk` plugin. */
export interface DiskPluginOptions extends AgentPluginOptions {
  /**
   * The mount paths to measure.
   * @default ['/']
   */
  readonly paths?: string[];
  /**
   * Keep only the rolled-up series (per Auto Scaling group and path, per instance and
   * path) and drop the agent's original ones, which carry `fstype` and `device`: values
   * unknown at synth, so no alarm could address them anyway.
   * @default true
   */
  readonly dropOriginalMetrics?: boolean;
}

/** Options of plugins that measure named devices or interfaces (`diskio`, `net`). */
export interface DevicePluginOptions extends AgentPluginOptions {
  /**
   * The devices (`nvme0n1`) or interfaces (`ens5`) to measure.
   * @default - every one (`*`)
   */
  readonly resources?: string[];
}

/** Which processes the `procstat` plugin measures: exactly one of the three. */
export interface ProcstatPluginOptions extends AgentPluginOptions {
  /**
   * A regular expression matched against process names.
   * @default - not by name
   */
  readonly exe?: string;
  /**
   * A regular expression matched against full command lines.
   * @default - not by command line
   */
  readonly pattern?: string;
  /**
   * A file holding the process id.
   * @default - not by pid file
   */
  readonly pidFile?: string;
}

/** Options of a Windows performance counter object. */
export interface WindowsCounterOptions extends AgentPluginOptions {
  /**
   * The counter instances to measure (`_Total`, `C:`, `*`), for objects that have instances.
   * @default - the object's documented default
   */
  readonly instances?: string[];
}

const DEFAULT_MEASUREMENTS: Record<string, string[]> = {
  cpu: ['usage_active', 'usage_iowait', 'usage_steal'],
  mem: ['used_percent'],
  swap: ['used_percent'],
  disk: ['used_percent', 'inodes_free'],
  diskio: ['io_time', 'read_bytes', 'write_bytes'],
  net: ['bytes_sent', 'bytes_recv', 'drop_in', 'drop_out'],
  netstat: ['tcp_established', 'tcp_time_wait'],
  processes: ['running', 'blocked', 'zombies'],
  procstat: ['cpu_usage', 'memory_rss', 'pid_count'],
  nvidia_gpu: ['utilization_gpu', 'utilization_memory', 'memory_used', 'temperature_gpu'],
};

/**
 * One metric plugin of the agent: a Linux plugin (`cpu`, `mem`, `disk`...) or a Windows
 * performance counter object (`Memory`, `LogicalDisk`...). Measurements are checked
 * against the agent's own lists when the plugin is created, so a typo fails at synth
 * instead of silently collecting nothing.
 */
export class AgentPlugin {
  /** CPU utilization (`cpu`), total by default; `usage_active` is busy CPU in percent. */
  public static cpu(options: CpuPluginOptions = {}): AgentPlugin {
    return AgentPlugin.linux('cpu', options, {
      totalcpu: true,
      ...(options.perCore ? { resources: ['*'] } : {}),
    });
  }

  /** Memory (`mem`); `used_percent` by default. */
  public static memory(options: AgentPluginOptions = {}): AgentPlugin {
    return AgentPlugin.linux('mem', options, {});
  }

  /** Swap (`swap`); `used_percent` by default. */
  public static swap(options: AgentPluginOptions = {}): AgentPlugin {
    return AgentPlugin.linux('swap', options, {});
  }

  /** Disk space per mount path (`disk`); `used_percent` and `inodes_free` of `/` by default. */
  public static disk(options: DiskPluginOptions = {}): AgentPlugin {
    const paths = options.paths ?? ['/'];
    if (paths.length === 0) agentError('disk.paths', 'a non-empty list of mount paths', paths);
    const seen = new Set<string>();
    for (const p of paths) {
      if (!/^\/[^\s]*$/.test(p)) agentError('disk.paths', 'absolute mount paths without spaces (e.g. "/" or "/data")', p);
      if (seen.has(p)) agentError('disk.paths', 'unique', p);
      seen.add(p);
    }
    const plugin = AgentPlugin.linux('disk', options, {
      resources: paths,
      drop_device: true,
      ignore_file_system_types: ['sysfs', 'devtmpfs', 'tmpfs', 'overlay', 'squashfs'],
    });
    plugin._diskPaths = paths;
    plugin._dropOriginal = options.dropOriginalMetrics ?? true;
    return plugin;
  }

  /** Disk I/O per device (`diskio`), including the EBS NVMe measurements. */
  public static diskIo(options: DevicePluginOptions = {}): AgentPlugin {
    return AgentPlugin.linux('diskio', options, { resources: AgentPlugin.resources('diskio', options.resources) });
  }

  /** Network per interface (`net`). */
  public static network(options: DevicePluginOptions = {}): AgentPlugin {
    return AgentPlugin.linux('net', options, { resources: AgentPlugin.resources('net', options.resources) });
  }

  /** TCP connection states and UDP sockets (`netstat`). */
  public static netstat(options: AgentPluginOptions = {}): AgentPlugin {
    return AgentPlugin.linux('netstat', options, {});
  }

  /** Process counts by state (`processes`). */
  public static processes(options: AgentPluginOptions = {}): AgentPlugin {
    return AgentPlugin.linux('processes', options, {});
  }

  /** Per-process CPU, memory and counts (`procstat`) for processes chosen by name, command line or pid file. */
  public static procstat(options: ProcstatPluginOptions): AgentPlugin {
    const selectors = [['exe', options.exe], ['pattern', options.pattern], ['pid_file', options.pidFile]].filter(([, v]) => v !== undefined);
    if (selectors.length !== 1) agentError('procstat', 'given exactly one of exe, pattern or pidFile', selectors.map(([k]) => k));
    const [key, value] = selectors[0] as [string, string];
    if (value.trim() === '') agentError(`procstat.${key}`, 'a non-empty string', value);
    if (key !== 'pid_file') {
      try { new RegExp(value); } catch { agentError(`procstat.${key}`, 'a valid regular expression', value); }
    }
    return AgentPlugin.linux('procstat', options, { [key]: value });
  }

  /** NVIDIA GPU utilization, memory and temperature (`nvidia_gpu`). */
  public static nvidiaGpu(options: AgentPluginOptions = {}): AgentPlugin {
    return AgentPlugin.linux('nvidia_gpu', options, {});
  }

  /** Windows `Memory` counters; `% Committed Bytes In Use` and `Available MBytes` by default. */
  public static windowsMemory(options: WindowsCounterOptions = {}): AgentPlugin {
    return AgentPlugin.windows('Memory', ['% Committed Bytes In Use', 'Available MBytes'], undefined, options);
  }

  /** Windows `LogicalDisk` counters per drive; `% Free Space` of every drive by default. */
  public static windowsLogicalDisk(options: WindowsCounterOptions = {}): AgentPlugin {
    return AgentPlugin.windows('LogicalDisk', ['% Free Space', 'Free Megabytes'], ['*'], options);
  }

  /** Windows `Processor` counters; `% Processor Time` of `_Total` by default. */
  public static windowsProcessor(options: WindowsCounterOptions = {}): AgentPlugin {
    return AgentPlugin.windows('Processor', ['% Processor Time', '% User Time', '% Privileged Time'], ['_Total'], options);
  }

  /** Windows `Paging File` counters; `% Usage` of `_Total` by default. */
  public static windowsPagingFile(options: WindowsCounterOptions = {}): AgentPlugin {
    return AgentPlugin.windows('Paging File', ['% Usage'], ['_Total'], options);
  }

  /** Windows `PhysicalDisk` counters per disk. */
  public static windowsPhysicalDisk(options: WindowsCounterOptions = {}): AgentPlugin {
    return AgentPlugin.windows('PhysicalDisk', ['% Disk Time', 'Disk Read Bytes/sec', 'Disk Write Bytes/sec'], ['*'], options);
  }

  /** Any Windows performance counter object, with the counters to collect. */
  public static windowsCounters(objectName: string, counters: string[], options: WindowsCounterOptions = {}): AgentPlugin {
    if (!/^[^\\"]{1,255}$/.test(objectName)) agentError('windowsCounters.objectName', 'a counter object name of 1 to 255 characters', objectName);
    if (counters.length === 0) agentError(`${objectName}.counters`, 'a non-empty list', counters);
    return AgentPlugin.windows(objectName, counters, undefined, { ...options, measurements: options.measurements ?? counters });
  }

  private static linux(key: string, options: AgentPluginOptions, body: Record<string, unknown>): AgentPlugin {
    const allowed = LINUX_MEASUREMENTS[key];
    const prefix = key === 'nvidia_gpu' ? 'nvidia_smi_' : `${key}_`;
    const given = options.measurements ?? DEFAULT_MEASUREMENTS[key];
    if (given.length === 0) agentError(`${key}.measurements`, 'a non-empty list', given);
    const measurements = given.map(m => {
      const short = m.startsWith(prefix) ? m.slice(prefix.length) : m;
      if (!allowed.includes(short)) {
        agentError(`${key}.measurements`, `measurements the agent knows for ${key} (${allowed.join(', ')})`, m);
      }
      return short;
    });
    AgentPlugin.checkUnique(`${key}.measurements`, measurements);
    return new AgentPlugin(AgentOs.LINUX, key, measurements, body, AgentPlugin.seconds(key, options.interval));
  }

  private static windows(objectName: string, defaults: string[], defaultInstances: string[] | undefined,
    options: WindowsCounterOptions): AgentPlugin {
    const measurements = options.measurements ?? defaults;
    if (measurements.length === 0) agentError(`${objectName}.measurements`, 'a non-empty list', measurements);
    for (const m of measurements) {
      if (!/^[^"]{1,255}$/.test(m)) agentError(`${objectName}.measurements`, 'counter names of 1 to 255 characters', m);
    }
    AgentPlugin.checkUnique(`${objectName}.measurements`, measurements);
    const instances = options.instances ?? defaultInstances;
    if (instances && instances.length === 0) agentError(`${objectName}.instances`, 'a non-empty list', instances);
    return new AgentPlugin(AgentOs.WINDOWS, objectName, measurements, instances ? { resources: instances } : {},
      AgentPlugin.seconds(objectName, options.interval));
  }

  private static resources(key: string, resources: string[] | undefined): string[] {
    const list = resources ?? ['*'];
    if (list.length === 0) agentError(`${key}.resources`, 'a non-empty list', list);
    AgentPlugin.checkUnique(`${key}.resources`, list);
    return list;
  }

  private static seconds(key: string, interval: Duration | undefined): number | undefined {
    if (interval === undefined) return undefined;
    return checkInterval(`${key}.interval`, interval);
  }

  private static checkUnique(prop: string, values: string[]): void {
    const seen = new Set<string>();
    for (const v of values) {
      if (seen.has(v)) agentError(prop, 'without duplicates', v);
      seen.add(v);
    }
  }

  /** @internal */
  public _diskPaths: string[] = [];
  /** @internal */
  public _dropOriginal = false;

  private constructor(
    /** The operating system the plugin runs on. */
    public readonly os: AgentOs,
    /** The key under `metrics_collected`: the Linux plugin name or the Windows counter object. */
    public readonly key: string,
    /** The measurements (short names for Linux, counter names for Windows). */
    public readonly measurements: string[],
    private readonly body: Record<string, unknown>,
    private readonly intervalSeconds: number | undefined,
  ) {}

  /** Whether the plugin collects this measurement (short or full name). */
  public collects(measurement: string): boolean {
    return this.measurements.includes(measurement);
  }

  /** @internal The plugin's section of `metrics_collected`, keys in a fixed order. */
  public _render(): Record<string, unknown> {
    const out: Record<string, unknown> = { measurement: [...this.measurements] };
    if (this.intervalSeconds !== undefined) out.metrics_collection_interval = this.intervalSeconds;
    for (const [k, v] of Object.entries(this.body)) out[k] = v;
    if (this._dropOriginal) {
      out.drop_original_metrics = this.measurements.map(m => linuxMetricName(this.key, m));
    }
    return out;
  }
}
