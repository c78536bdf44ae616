export * from './alarms';
