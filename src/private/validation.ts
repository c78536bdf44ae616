import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The one error type the library throws for bad input, after aws-cdk-lib's
 * `ValidationError`: a stable `code` per rule (`<owner>.<prop>`, such as
 * `AlertTopic.emails` or `AgentConfig.metrics`), and a message of the form
 * `<path>: <prop> must <be what is allowed>, got <value>`.
 */
export class WatchkeeperValidationError extends Error {
  public readonly name = 'WatchkeeperValidationError';

  public constructor(public readonly code: string, message: string) {
    super(message);
    Object.setPrototypeOf(this, WatchkeeperValidationError.prototype);
    // A global symbol rather than `instanceof`, so errors thrown by another copy of the
    // library (two versions in one node_modules) are recognised too (as aws-cdk-lib's Errors).
    Object.defineProperty(this, VALIDATION_ERROR_SYMBOL, { value: true });
  }
}

/** Marks the errors {@link WatchkeeperValidationError} creates; `WatchkeeperErrors` reads it. */
export const VALIDATION_ERROR_SYMBOL = Symbol.for('cdk-watchkeeper.ValidationError');

/** The stable code of a rule: the owner's class name and the prop, without indices or values. */
export function ruleCode(owner: string, prop: string): string {
  const field = prop.replace(/\[[^\]]*\]/g, '').replace(/\(.*$/, '').split(/[\s:]/)[0];
  return `${owner}.${field || 'value'}`;
}

/**
 * Builds and throws the error every construct in this library raises for bad input:
 * `<construct path>: <prop> must be <what is allowed>, got <value>`.
 */
export function invalid(scope: IConstruct, prop: string, expectation: string, value: unknown): never {
  throw new WatchkeeperValidationError(ruleCode(scope.constructor.name, prop), invalidMessage(scope, prop, expectation, value));
}

/** The message {@link invalid} throws, for checks that report instead of throwing (`addValidation`). */
export function invalidMessage(scope: IConstruct, prop: string, expectation: string, value: unknown): string {
  return `${scope.node.path}: ${prop} must be ${expectation}, got ${show(value)}`;
}

/** True when the value is (or contains) an unresolved CDK token and cannot be checked now. */
export function isUnresolved(value: unknown): boolean {
  return value !== undefined && value !== null && Token.isUnresolved(value);
}

/** Fails unless `min <= value <= max` (tokens and undefined pass). */
export function checkRange(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || isUnresolved(value)) return;
  if (!Number.isFinite(value) || value < min || value > max) {
    invalid(scope, prop, `between ${min} and ${max}`, value);
  }
}

/** Fails unless the value is a whole number within `min..max` (tokens and undefined pass). */
export function checkInteger(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    invalid(scope, prop, `a whole number between ${min} and ${max}`, value);
  }
}

/** Fails unless the string matches the pattern (tokens and undefined pass). */
export function checkPattern(scope: IConstruct, prop: string, value: string | undefined, pattern: RegExp, expectation: string): void {
  if (value === undefined || isUnresolved(value)) return;
  if (!pattern.test(value)) {
    invalid(scope, prop, expectation, value);
  }
}

/** Fails when a list holds the same entry twice (after `key`), naming the duplicate. */
export function checkUnique<T>(scope: IConstruct, prop: string, values: readonly T[], key: (v: T) => string = v => String(v)): void {
  const seen = new Set<string>();
  for (const v of values) {
    const k = key(v);
    if (isUnresolved(k)) continue;
    if (seen.has(k)) {
      invalid(scope, prop, 'free of duplicates', k);
    }
    seen.add(k);
  }
}

/** Renders a value for an error message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Fails unless the name is a custom metric namespace CloudWatch accepts. */
export function checkNamespace(scope: IConstruct, namespace: string | undefined, prop = 'namespace'): void {
  checkPattern(scope, prop, namespace, /^(?!AWS\/)[^:*$]{1,255}$/,
    '1-255 characters without : * or $, not starting with AWS/ (reserved for AWS services)');
}
