export * from './cost-report';
export * from './idle-shutdown';
export * from './scheduled-start-stop';
export * from './app-metrics';
