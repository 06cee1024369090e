export * from './sdk.js';
export * from './logger.js';
export * from './metrics.js';
