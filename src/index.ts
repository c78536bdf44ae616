// Layers, bottom up (imports only go downwards; a lint rule enforces it):
// core (and private/) → features → service → fleet, report and org.
export * from './core';
export * from './agent';
export * from './alarms';
export * from './logs';
export * from './events';
export * from './audit';
export * from './cost';
export * from './scaling';
export * from './dashboards';
export * from './report';
export * from './service';
export * from './fleet';
export * from './org';
