export * from './alert-topic-base';
export * from './alarm-routing';
export * from './alarm-options';
export * from './alarm-set';
export * from './metrics-insights-query';
export * from './agent-metrics';
export * from './log-metric-alarm';
export * from './compute-metrics';
