// Saving money: the batch worker is stopped when it has been idle for an hour.
import { Construct } from 'constructs';
import { IAlertTopic, IdleShutdown } from '../src';

/** Adds the stack's idle shutdown (one function for every service that opts in). */
export function addExampleIdleShutdown(scope: Construct, alertTopic: IAlertTopic): IdleShutdown {
  return new IdleShutdown(scope, 'IdleShutdown', { alertTopic, expectedInstances: 1 });
}
