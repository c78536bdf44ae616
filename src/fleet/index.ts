export * from './service-stacks';
export * from './fleet-overview';
export * from './fleet-alarms';
