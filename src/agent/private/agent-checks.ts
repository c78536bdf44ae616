import { agentError } from './agent-error';
import { AgentEmfProps, AgentLogFileProps, WindowsEventLogProps } from '../log-sources';
import { AgentOs, AgentPlugin } from '../plugins';

/** The `AgentPlugin` factory that makes the plugin of a key, for advice in error messages. */
export function pluginFactory(key: string): string {
  const windows: Record<string, string> = { 'Memory': 'windowsMemory', 'Paging File': 'windowsPagingFile', 'LogicalDisk': 'windowsLogicalDisk' };
  return ({ mem: 'memory', net: 'network', diskio: 'diskIo', nvidia_gpu: 'nvidiaGpu', ...windows } as Record<string, string>)[key] ?? key;
}

/**
 * Fails on a plugin of the other operating system, a duplicate plugin (procstat may repeat),
 * or Windows event logs in a Linux configuration. `recommended` is the default plugin set when
 * the user added plugins to it (so the advice can say how to change one of them), or undefined
 * when the user gave the whole list.
 */
export function checkPlugins(os: AgentOs, plugins: readonly AgentPlugin[], windowsEventLogs: readonly WindowsEventLogProps[],
  recommended: readonly AgentPlugin[] | undefined): void {
  const seen = new Set<string>();
  for (const p of plugins) {
    if (p.os !== os) {
      const fix = p.os === AgentOs.WINDOWS
        ? 'set os: AgentOs.WINDOWS on the AgentConfig to collect Windows counters'
        : 'use the windows plugins (AgentPlugin.windowsXxx) in a Windows configuration, or drop os: AgentOs.WINDOWS for Linux instances';
      agentError(`metrics[${p.key}]`, `a ${os} plugin in a ${os} configuration (${fix})`, `a ${p.os} plugin`);
    }
    if (p.key !== 'procstat' && seen.has(p.key)) {
      const keys = (recommended ?? []).map(r => r.key);
      const fix = keys.includes(p.key)
        ? `the recommended set already has ${p.key}: to change it, give metrics instead of additionalMetrics, for example `
          + `metrics: [${keys.map(k => (k === p.key ? `AgentPlugin.${pluginFactory(k)}({ ... })` : `AgentPlugin.${pluginFactory(k)}()`)).join(', ')}]`
        : `merge the two ${p.key} plugins into one`;
      agentError('metrics', `free of duplicate plugins (${fix})`, p.key);
    }
    seen.add(p.key);
  }
  if (os === AgentOs.LINUX && windowsEventLogs.length > 0) {
    agentError('windowsEventLogs', 'empty in a linux configuration', windowsEventLogs.map(e => e.eventName));
  }
}

/** Fails on a file shipped twice, or on one log group given two retentions (the agent refuses it). */
export function checkLogs(logFiles: readonly AgentLogFileProps[], windowsEventLogs: readonly WindowsEventLogProps[],
  emf: AgentEmfProps | undefined): void {
  const paths = new Set<string>();
  for (const f of logFiles) {
    if (paths.has(f.filePath)) agentError('logFiles', 'free of duplicate file paths', f.filePath);
    paths.add(f.filePath);
  }
  const retention = new Map<string, unknown>();
  for (const d of [...logFiles, ...windowsEventLogs, ...(emf ? [emf] : [])]) {
    const r = d.retention ?? 'default';
    if (retention.has(d.logGroupName) && retention.get(d.logGroupName) !== r) {
      agentError(`logFiles[${d.logGroupName}].retention`, 'the same for every source writing to one log group', r);
    }
    retention.set(d.logGroupName, r);
  }
}

/**
 * The aggregation dimension sets the agent rolls its metrics up to: per group (and per group
 * and disk path), per instance and disk path, and per instance when asked. Fails when a
 * roll-up needs a dimension that is not appended.
 */
export function planAggregations(os: AgentOs, plugins: readonly AgentPlugin[], appended: readonly string[],
  byGroup: boolean, byInstance: boolean): string[][] {
  const group = 'AutoScalingGroupName';
  const instance = 'InstanceId';
  const out: string[][] = [];
  const windows = os === AgentOs.WINDOWS;
  const pathDim = windows ? 'instance' : 'path';
  const hasDisk = plugins.some(p => p.key === (windows ? 'LogicalDisk' : 'disk'));
  if (byGroup && plugins.length > 0) {
    if (!appended.includes(group)) {
      agentError('appendDimensions', 'including AUTO_SCALING_GROUP_NAME when aggregateByAutoScalingGroup is on (set it to false otherwise)', appended);
    }
    out.push([group]);
    if (hasDisk) out.push([group, pathDim]);
  }
  if (!windows && hasDisk && appended.includes(instance)) out.push([instance, 'path']);
  if (byInstance) {
    if (!appended.includes(instance)) agentError('appendDimensions', 'including INSTANCE_ID when aggregateByInstance is on', appended);
    out.push([instance]);
  }
  return out;
}
