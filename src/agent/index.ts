export * from './metric-target';
