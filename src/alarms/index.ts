export * from './alert-topic';
export * from './alarm-tag-filter';
export * from './preset-options';
export * from './instance-alarms';
export * from './auto-scaling-group-alarms';
export * from './resource-tags-for-telemetry';
