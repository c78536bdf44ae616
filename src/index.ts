export * from './agent';
export * from './alarms';
export * from './cost';
export * from './scale';
