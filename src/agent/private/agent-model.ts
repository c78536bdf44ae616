import { AgentEmfProps, AgentLogFileProps, WindowsEventLogProps } from '../log-sources';
import { AgentOs, AgentPlugin } from '../plugins';
import { LINUX_OWN_DIMENSIONS, PROCSTAT_SELECTORS, linuxMetricName, procstatDimensions } from './measurements';
import { renderEmf, renderLogFile, renderWindowsEvent } from './render-logs';

/** What rendering and dimension resolution need of an agent configuration. */
export interface AgentModel {
  readonly os: AgentOs;
  readonly namespace: string;
  readonly intervalSeconds: number;
  readonly plugins: AgentPlugin[];
  readonly appendDimensions: string[];
  readonly aggregations: string[][];
  readonly logFiles: AgentLogFileProps[];
  readonly windowsEventLogs: WindowsEventLogProps[];
  readonly emf?: AgentEmfProps;
}

/** Which instances publish a series: outside a group, members of a group, or either. */
export type Membership = 'standalone' | 'member' | 'any';

/** The agent's JSON as an object, keys in a fixed order (what `AgentConfig.render()` serializes). */
export function renderAgentJson(m: AgentModel): Record<string, unknown> {
  const out: Record<string, unknown> = {
    agent: { metrics_collection_interval: m.intervalSeconds },
  };
  if (m.plugins.length > 0) {
    const collected: Record<string, unknown> = {};
    for (const p of m.plugins) {
      if (p.key === 'procstat') {
        collected.procstat = [...((collected.procstat as unknown[]) ?? []), p._render()];
      } else {
        collected[p.key] = p._render();
      }
    }
    const metrics: Record<string, unknown> = { namespace: m.namespace };
    if (m.appendDimensions.length > 0) {
      metrics.append_dimensions = Object.fromEntries(m.appendDimensions.map(d => [d, `\${aws:${d}}`]));
    }
    if (m.aggregations.length > 0) metrics.aggregation_dimensions = m.aggregations.map(a => [...a]);
    metrics.metrics_collected = collected;
    out.metrics = metrics;
  }
  const logsCollected: Record<string, unknown> = {};
  if (m.logFiles.length > 0) logsCollected.files = { collect_list: m.logFiles.map(renderLogFile) };
  if (m.windowsEventLogs.length > 0) logsCollected.windows_events = { collect_list: m.windowsEventLogs.map(renderWindowsEvent) };
  const logs: Record<string, unknown> = {};
  if (Object.keys(logsCollected).length > 0) logs.logs_collected = logsCollected;
  if (m.emf) logs.metrics_collected = { emf: renderEmf(m.emf) };
  if (Object.keys(logs).length > 0) out.logs = logs;
  return out;
}

/**
 * The dimension sets published by instances outside a group (`standalone`), by members of
 * a group (`member`), or by either (`any`). The agent appends `AutoScalingGroupName` only on
 * group members, so the original series of a member always carry it.
 */
export function dimensionSetsOn(m: AgentModel, metricName: string, on: Membership): string[] {
  // Several procstat plugins (one per selector) may publish the same name.
  const sets = m.plugins.filter(p => metricNames(p).includes(metricName)).flatMap(p => pluginDimensionSets(m, p, metricName, on));
  return [...new Set(sets)];
}

function pluginDimensionSets(m: AgentModel, plugin: AgentPlugin, metricName: string, on: Membership): string[] {
  const own = ownDimensions(plugin, metricName);
  const appended = m.appendDimensions as string[];
  // The agent's own series: the plugin's dimensions plus the appended ones (or `host` when
  // none are appended); AutoScalingGroupName only on instances that belong to a group.
  const withGroup = appended.includes('AutoScalingGroupName');
  const originals: string[][] = [];
  if (on !== 'standalone' || !withGroup) originals.push([...own, ...(appended.length > 0 ? appended : ['host'])]);
  if (withGroup && on !== 'member') {
    originals.push([...own, ...appended.filter(d => d !== 'AutoScalingGroupName')]);
  }
  // One rolled-up series per aggregation whose dimensions the metric carries.
  const all = new Set([...own, ...appended]);
  const aggregates = m.aggregations.filter(agg => agg.every(d => all.has(d)));
  const sets = [...(plugin._dropOriginal ? [] : originals), ...aggregates];
  return [...new Set(sets.map(set => [...set].sort().join(',')))];
}

function ownDimensions(p: AgentPlugin, metricName: string): string[] {
  if (p.os === AgentOs.WINDOWS) return p._render().resources ? ['instance', 'objectname'] : ['objectname'];
  if (p.key === 'procstat') {
    const body = p._render();
    const selector = PROCSTAT_SELECTORS.find(k => body[k] !== undefined) ?? 'exe';
    return procstatDimensions(selector, metricName);
  }
  const own = [...(LINUX_OWN_DIMENSIONS[p.key] ?? [])];
  return p.key === 'disk' ? own.filter(d => d !== 'device') : own;
}

export function metricNames(p: AgentPlugin): string[] {
  return p.os === AgentOs.WINDOWS ? p.measurements.map(m => `${p.key} ${m}`) : p.measurements.map(m => linuxMetricName(p.key, m));
}
