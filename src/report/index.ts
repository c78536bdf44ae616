export * from './monitoring-report';
