export * from './compute';
export * from './compute-options';
export * from './monitored-service';
export * from './service-alarm-options';
export * from './scaling-options';
export * from './egress';
export * from './maintenance-window';
