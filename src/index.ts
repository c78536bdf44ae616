export * from './agent';
export * from './alarms';
export * from './dashboards';
export * from './scaling';
export * from './service';
