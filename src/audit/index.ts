export * from './audit-trail';
export * from './cis-benchmark-alarms';
export * from './cis-controls';
