export * from './errors.js';
export type { Subscription, Listen } from './events.js';
export * from './backoff.js';
export * from './retry.js';
export * from './timeout.js';
export * from './circuit-breaker.js';
export * from './resilience.js';
export * from './retry-forever.js';
export * from './race-within.js';
