export * from './plugins';
export * from './log-sources';
export * from './agent-config';
export * from './cloudwatch-agent';
