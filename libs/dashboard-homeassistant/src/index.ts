// public API of @homelab/dashboard-homeassistant
export * from './home-assistant.js';
export * from './home-assistant.service.js';
export * from './home-assistant-errors.js';
export { HomeAssistantClient, instanceKey, type HomeAssistantClientOptions } from './connection/home-assistant-client.js';
export { probeRestApi, type RestProbe } from './connection/ha-rest-probe.js';
export { TOGGLEABLE_DOMAINS, toHaEntity } from './entities/ha-entity.js';
export { HaSnapshotRepository, type HaSnapshot, type HaSnapshotStore } from './store/ha-snapshot.repository.js';
export { homeAssistantStatesTool } from './jarvis/home-assistant-states.tool.js';
