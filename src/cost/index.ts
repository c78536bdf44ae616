export * from './cost-report';
export * from './idle-shutdown';
