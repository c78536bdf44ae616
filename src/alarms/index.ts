export * from './alert-topic';
export * from './alarm-routing';
export * from './alarm-set';
export * from './metrics-insights-query';
export * from './preset-options';
export * from './instance-alarms';
export * from './auto-scaling-group-alarms';
