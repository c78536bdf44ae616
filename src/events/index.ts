export * from './event-notifications';
