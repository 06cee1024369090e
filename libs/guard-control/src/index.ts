export * from './approval-binding.js';
export * from './approvals.js';
export * from './rate-limiter.js';
export * from './sessions.js';
export * from './approvers.js';
export * from './guard-service.js';
