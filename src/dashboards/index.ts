export * from './fleet-overview';
export * from './service-dashboard';
