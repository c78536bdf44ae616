import { VALIDATION_ERROR_SYMBOL } from '../private/validation';

/**
 * Tells the errors the library throws apart from any other (after aws-cdk-lib's `Errors`).
 *
 * Bad input fails at once, in the constructor or method that received it, with a validation
 * error: its `name` is `WatchkeeperValidationError`, its `code` names the rule
 * (`<owner>.<prop>`, such as `AlertTopic.emails` or `AgentConfig.metrics`) and stays the same
 * from release to release, and its message reads `<path>: <prop> must …, got …`.
 *
 * @example
 * declare const error: unknown; // what a failed synth threw
 * if (WatchkeeperErrors.isValidationError(error)) {
 *   // 'AlertTopic.emails' for an email address the topic refused
 *   const rule = WatchkeeperErrors.validationErrorCode(error);
 * }
 */
export class WatchkeeperErrors {
  /** True when `x` is a validation error this library threw for bad input. */
  public static isValidationError(x: unknown): boolean {
    return x !== null && typeof x === 'object' && VALIDATION_ERROR_SYMBOL in x;
  }

  /**
   * The stable code of a validation error this library threw (`AlertTopic.emails`), or
   * `undefined` for any other value.
   */
  public static validationErrorCode(x: unknown): string | undefined {
    return WatchkeeperErrors.isValidationError(x) ? String((x as { code: unknown }).code) : undefined;
  }

  private constructor() {}
}
