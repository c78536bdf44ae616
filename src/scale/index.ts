export * from './service-stacks';
