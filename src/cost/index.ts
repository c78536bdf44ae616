export * from './cost-report';
