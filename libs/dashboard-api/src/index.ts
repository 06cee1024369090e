// public API of @homelab/dashboard-api: the shapes of docs/dashboard-api.md, types only (the server and the web UI share them)
export type * from './common.js';
export type * from './auth.js';
export type * from './overview.js';
export type * from './containers.js';
export type * from './host-metrics.js';
export type * from './services.js';
export type * from './domains.js';
export type * from './alerts.js';
export type * from './databases.js';
export type * from './home-assistant.js';
export type * from './jarvis.js';
export type * from './google.js';
