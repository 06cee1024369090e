/**
 * Where other dashboard modules find the monitors' pieces (MonitorsModule is
 * global): the domain checks report through `ALERT_SINK` (an `AlertSink`).
 */
export const ALERT_SINK = Symbol('ALERT_SINK');
export const CATALOG_FILE = Symbol('CATALOG_FILE');
export const CATALOG_MONITOR = Symbol('CATALOG_MONITOR');
export const JETSTREAM_HEALTH = Symbol('JETSTREAM_HEALTH');

/**
 * The containers feature's `DockerHostRegistry`, looked up (not injected) so
 * the monitors work, with container checks reporting why not, until it is
 * provided: `{ provide: DOCKER_HOST_REGISTRY, useExisting: … }`. A registered
 * symbol, so that module can declare it without importing this one.
 */
export const DOCKER_HOST_REGISTRY = Symbol.for('homelab.dashboard.docker-host-registry');
