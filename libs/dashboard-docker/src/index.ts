// public API of @homelab/dashboard-docker
export * from './docker-host-registry.js';
