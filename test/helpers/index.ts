export * from './nag';
export * from './snapshot';
export * from './stacks';
