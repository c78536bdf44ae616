export * from './fake-agent-metrics';
export * from './nag';
export * from './snapshot';
export * from './stacks';
