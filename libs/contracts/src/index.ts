export * from './services.js';
export * from './contract.js';
export * from './errors.js';
export * from './validate.js';
export * from './registry.js';
export * from './subjects/platform.js';
export * from './subjects/guard.js';
