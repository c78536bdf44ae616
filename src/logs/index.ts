export * from './app-log-group';
export * from './json-log-fields';
export * from './json-log-format';
export * from './json-log-metrics';
export * from './log-queries';
export * from './telemetry-access';
export * from './error-log-alarm-options';
