export * from './shared-telemetry';
export * from './monitoring-account';
export * from './source-account-link';
export * from './source-link-stack-set';
