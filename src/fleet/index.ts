export * from './service-stacks';
export * from './fleet-overview';
