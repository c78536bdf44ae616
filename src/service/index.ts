export * from './compute';
export * from './monitored-service';
export { ServiceAlarmOptions } from './service-alarms';
export * from './egress';
