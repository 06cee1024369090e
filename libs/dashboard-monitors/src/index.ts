// public API of @homelab/dashboard-monitors
export * from './alerts/alert-sink.js';
