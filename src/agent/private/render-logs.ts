import { aws_logs as logs } from 'aws-cdk-lib';
import { agentError } from './agent-error';
import { AgentEmfProps, AgentLogDestination, AgentLogFileProps, WindowsEventLevel, WindowsEventLogProps } from '../log-sources';

const ENCODINGS = ['utf-8', 'utf-16', 'utf-16le', 'utf-16be', 'ascii', 'latin1', 'iso-8859-1', 'gbk', 'gb18030', 'big5', 'shift_jis', 'euc-jp', 'euc-kr'];
const LOG_GROUP_NAME = /^[\w\-./#]{1,512}$/;
const LOG_STREAM_NAME = /^[^:*]{1,512}$/;

/** Checks a destination and returns its rendered keys. */
export function renderDestination(where: string, d: AgentLogDestination): Record<string, unknown> {
  if (!LOG_GROUP_NAME.test(d.logGroupName)) {
    agentError(`${where}.logGroupName`, 'a log group name of 1 to 512 letters, digits and _-./#', d.logGroupName);
  }
  const stream = d.logStreamName ?? '{instance_id}';
  if (!LOG_STREAM_NAME.test(stream)) agentError(`${where}.logStreamName`, 'a stream name of 1 to 512 characters without : or *', stream);
  if (d.retention === logs.RetentionDays.INFINITE) {
    agentError(`${where}.retention`, 'a finite retention (logs kept forever are paid for forever)', 'INFINITE');
  }
  return { log_group_name: d.logGroupName, log_stream_name: stream };
}

/** Checks a log file and renders its `collect_list` entry. */
export function renderLogFile(f: AgentLogFileProps): Record<string, unknown> {
  const where = `logFiles[${f.filePath}]`;
  if (f.filePath.trim() === '' || /[\r\n]/.test(f.filePath)) agentError('logFiles.filePath', 'a non-empty single-line path', f.filePath);
  const out: Record<string, unknown> = { file_path: f.filePath, ...renderDestination(where, f) };
  if (f.timestampFormat !== undefined) {
    if (f.timestampFormat.trim() === '') agentError(`${where}.timestampFormat`, 'a non-empty format', f.timestampFormat);
    out.timestamp_format = f.timestampFormat;
  }
  if (f.multiLineStartPattern !== undefined) {
    if (f.multiLineStartPattern === '') agentError(`${where}.multiLineStartPattern`, 'a non-empty regular expression', '');
    if (f.multiLineStartPattern === '{timestamp_format}' && f.timestampFormat === undefined) {
      agentError(`${where}.multiLineStartPattern`, 'used with timestampFormat when it is {timestamp_format}', f.multiLineStartPattern);
    }
    if (f.multiLineStartPattern !== '{timestamp_format}') {
      try { new RegExp(f.multiLineStartPattern); } catch { agentError(`${where}.multiLineStartPattern`, 'a valid regular expression', f.multiLineStartPattern); }
    }
    out.multi_line_start_pattern = f.multiLineStartPattern;
  }
  const filters = f.filters ?? [];
  if (filters.length > 10) agentError(`${where}.filters`, 'at most 10 filters', filters.length);
  if (filters.length > 0) out.filters = filters.map(x => ({ type: x.type, expression: x.expression }));
  const encoding = (f.encoding ?? 'utf-8').toLowerCase();
  if (!ENCODINGS.includes(encoding)) agentError(`${where}.encoding`, `one of ${ENCODINGS.join(', ')}`, f.encoding);
  if (encoding !== 'utf-8') out.encoding = encoding;
  return out;
}

/** Checks a Windows event log and renders its `collect_list` entry. */
export function renderWindowsEvent(e: WindowsEventLogProps): Record<string, unknown> {
  const where = `windowsEventLogs[${e.eventName}]`;
  if (!/^[^\r\n"]{1,255}$/.test(e.eventName)) agentError('windowsEventLogs.eventName', 'an event log name of 1 to 255 characters', e.eventName);
  const levels = e.levels ?? [WindowsEventLevel.ERROR, WindowsEventLevel.CRITICAL, WindowsEventLevel.WARNING];
  if (levels.length === 0) agentError(`${where}.levels`, 'a non-empty list', levels);
  if (new Set(levels).size !== levels.length) agentError(`${where}.levels`, 'without duplicates', levels);
  return { event_name: e.eventName, event_levels: [...levels], ...renderDestination(where, e) };
}

/**
 * Checks the EMF listener and renders `logs.metrics_collected.emf`: empty, so the agent
 * listens on its default address, TCP and UDP port 25888, where aws-embedded-metrics sends.
 * The group is not rendered: the agent takes it from each event's `_aws.LogGroupName`
 * (the agent's awscloudwatchlogs exporter in EMF mode falls back to `emf/logs/default`).
 */
export function renderEmf(e: AgentEmfProps): Record<string, unknown> {
  renderDestination('emf', { logGroupName: e.logGroupName, retention: e.retention });
  return {};
}
