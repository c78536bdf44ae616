export * from './business-hours';
export * from './step-scaling';
export * from './target-tracking';
