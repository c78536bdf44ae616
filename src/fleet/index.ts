export * from './fleet-alarms';
