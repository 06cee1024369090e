// public API of @homelab/dashboard-google
export * from './google-scopes.js';
export * from './google-errors.js';
export * from './google-failure.js';
export * from './google-settings.js';
export * from './google-token-cipher.js';
export * from './google-account.repository.js';
export * from './google-connect.js';
export * from './google-session.js';
export * from './google-readers.js';
export * from './read-cache.js';
export * from './google.service.js';
export * from './google-tools.js';
