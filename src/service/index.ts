export * from './compute';
export * from './monitored-service';
