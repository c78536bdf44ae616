import { IConstruct } from 'constructs';
import { checkPattern } from '../../private/validation';
import { JsonLogFields } from '../json-log-fields';
import { JsonLogFormat } from '../json-log-format';

/** The field names with defaults applied. */
export interface ResolvedJsonLogFields {
  readonly level: string;
  readonly message: string;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly route: string;
  readonly statusCode: string;
  readonly duration: string;
}

/** A JSON path below `$.`: dot-separated identifiers. */
export const JSON_FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const FIELD_EXPECTATION = 'a JSON field name like status_code or http.status (letters, digits, _ and dots, no $.)';

/**
 * The field names of a log format, with single fields renamed by `fields` and the defaults
 * applied; validates every name.
 */
export function resolveJsonLogFields(
  scope: IConstruct, format: JsonLogFormat = JsonLogFormat.STANDARD, overrides: JsonLogFields = {},
): ResolvedJsonLogFields {
  const fields: JsonLogFields = { ...format.fields, ...definedOnly(overrides) };
  const resolved: ResolvedJsonLogFields = {
    level: fields.level ?? 'level',
    message: fields.message ?? 'message',
    requestId: fields.requestId ?? 'request_id',
    method: fields.method ?? 'method',
    path: fields.path ?? 'path',
    route: fields.route ?? 'route',
    statusCode: fields.statusCode ?? 'status_code',
    duration: fields.duration ?? 'duration_ms',
  };
  for (const [name, value] of Object.entries(resolved)) {
    checkPattern(scope, `fields.${name}`, value, JSON_FIELD, FIELD_EXPECTATION);
  }
  return resolved;
}

function definedOnly(fields: JsonLogFields): JsonLogFields {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/**
 * Every spelling of the levels a logger may write: as given, UPPER, lower and Capitalized
 * (`ERROR`, `error`, `Error`), without duplicates. Filter patterns compare case-sensitively
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html),
 * and python-json-logger writes `ERROR` where structlog writes `error`.
 */
export function levelSpellings(levels: string[]): string[] {
  const out: string[] = [];
  for (const level of levels) {
    const lower = level.toLowerCase();
    for (const v of [level, level.toUpperCase(), lower, lower.charAt(0).toUpperCase() + lower.slice(1)]) {
      if (!out.includes(v)) out.push(v);
    }
  }
  return out;
}

/** Fails unless the name is a JSON field name. */
export function checkJsonField(scope: IConstruct, prop: string, value: string | undefined): void {
  checkPattern(scope, prop, value, JSON_FIELD, FIELD_EXPECTATION);
}

/** Quotes a string for a filter pattern or a Logs Insights query. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}


/**
 * Field names whose values are unbounded (one per request, user, address or moment), by
 * their last path segment in lower case. Each distinct value of a dimension is a custom
 * metric billed monthly, and "CloudWatch Logs might disable a metric filter if it generates
 * 1,000 different name/value pairs for your specified dimensions within one hour"
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html).
 */
const UNBOUNDED_FIELDS = new Set([
  'path', 'url', 'uri', 'full_path', 'fullpath', 'query', 'query_string', 'querystring',
  'request_id', 'requestid', 'trace_id', 'traceid', 'span_id', 'spanid', 'correlation_id', 'correlationid',
  'user_id', 'userid', 'user', 'username', 'email', 'session_id', 'sessionid', 'customer_id', 'account_id', 'order_id', 'id',
  'ip', 'client_ip', 'clientip', 'remote_addr', 'remote_ip', 'source_ip', 'user_agent', 'useragent',
  'timestamp', 'time', 'asctime', 'message', 'event', 'msg', 'exception', 'exc_info', 'stack_trace',
]);

/** True when a field is known to hold unbounded values (`path`, `request_id`, `http.url` ...). */
export function isUnboundedField(field: string): boolean {
  const last = field.split('.').pop()!.toLowerCase();
  return UNBOUNDED_FIELDS.has(last);
}
