import { IConstruct } from 'constructs';
import { JsonLogFields } from './json-log-fields';
import { checkPattern } from '../private/validation';

/** The field names with defaults applied. */
export interface ResolvedJsonLogFields {
  readonly level: string;
  readonly message: string;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly statusCode: string;
  readonly duration: string;
}

/** A JSON path below `$.`: dot-separated identifiers. */
export const JSON_FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const FIELD_EXPECTATION = 'a JSON field name like status_code or http.status (letters, digits, _ and dots, no $.)';

/** Applies the defaults and validates every name. */
export function resolveJsonLogFields(scope: IConstruct, fields: JsonLogFields = {}): ResolvedJsonLogFields {
  const resolved: ResolvedJsonLogFields = {
    level: fields.level ?? 'level',
    message: fields.message ?? 'message',
    requestId: fields.requestId ?? 'request_id',
    method: fields.method ?? 'method',
    path: fields.path ?? 'path',
    statusCode: fields.statusCode ?? 'status_code',
    duration: fields.duration ?? 'duration_ms',
  };
  for (const [name, value] of Object.entries(resolved)) {
    checkPattern(scope, `fields.${name}`, value, JSON_FIELD, FIELD_EXPECTATION);
  }
  return resolved;
}

/** Fails unless the name is a JSON field name. */
export function checkJsonField(scope: IConstruct, prop: string, value: string | undefined): void {
  checkPattern(scope, prop, value, JSON_FIELD, FIELD_EXPECTATION);
}

/** Quotes a string for a filter pattern or a Logs Insights query. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Fails unless the name is a custom metric namespace CloudWatch accepts. */
export function checkNamespace(scope: IConstruct, namespace: string | undefined, prop = 'namespace'): void {
  checkPattern(scope, prop, namespace, /^(?!AWS\/)[^:*$]{1,255}$/,
    '1-255 characters without : * or $, not starting with AWS/ (reserved for AWS services)');
}
