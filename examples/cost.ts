// Saving money: the batch worker is stopped when it has been idle for an hour, and runs
// only on weekday office hours in Berlin.
import { Construct } from 'constructs';
import { IAlertTopic, IdleShutdown, MonitoredService, ScheduledStartStop } from '../src';

/** Adds the stack's idle shutdown (one function for every service that opts in). */
export function addExampleIdleShutdown(scope: Construct, alertTopic: IAlertTopic): IdleShutdown {
  return new IdleShutdown(scope, 'IdleShutdown', { alertTopic, expectedInstances: 1 });
}

/** Runs the worker from 07:00 to 20:00 on weekdays; its status-check alarms rest while it is off. */
export function addExampleOfficeHours(scope: Construct, worker: MonitoredService, alertTopic: IAlertTopic): ScheduledStartStop {
  return new ScheduledStartStop(scope, 'WorkerOfficeHours', {
    instances: worker.instances,
    alertTopic,
    start: 'cron(0 7 ? * MON-FRI *)',
    stop: 'cron(0 20 ? * MON-FRI *)',
    timeZone: 'Europe/Berlin',
    livenessAlarms: worker.alarmSets.flatMap(set => set.livenessAlarms),
  });
}
