export * from './compute-badge';
export * from './action-badge';
