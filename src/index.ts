export * from './agent';
export * from './alarms';
export * from './cost';
export * from './scale';
export * from './dashboards';
export * from './scaling';
export * from './service';
