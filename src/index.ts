export * from './agent';
export * from './alarms';
export * from './logs';
