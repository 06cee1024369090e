export * from './variable.js';
export * from './load-config.js';
export * from './schemas/common.js';
export * from './schemas/apps.js';
