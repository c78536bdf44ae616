export * from './agent';
export * from './alarms';
