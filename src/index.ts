export * from './agent';
export * from './alarms';
export * from './logs';
export * from './events';
export * from './audit';
