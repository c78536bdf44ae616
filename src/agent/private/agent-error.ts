import { Duration } from 'aws-cdk-lib';
import { WatchkeeperValidationError, ruleCode, show } from '../../private/validation';

/**
 * Throws the error of an invalid agent configuration value. The model is not a construct,
 * so the message names the configuration field instead of a construct path.
 */
export function agentError(prop: string, expectation: string, value: unknown): never {
  throw new WatchkeeperValidationError(ruleCode('AgentConfig', prop), `AgentConfig: ${prop} must be ${expectation}, got ${show(value)}`);
}

/** Collection intervals the agent accepts, in whole seconds: 1 s to 2 days; below 60 s is high resolution. */
export function checkInterval(prop: string, interval: Duration): number {
  const ms = interval.toMilliseconds();
  if (ms % 1000 !== 0 || ms < 1000 || ms > 172_800_000) {
    agentError(prop, 'whole seconds between 1 second and 2 days', interval.toHumanString());
  }
  return ms / 1000;
}
