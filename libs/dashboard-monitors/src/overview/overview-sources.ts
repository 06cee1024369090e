/**
 * What `GET /api/overview` gathers from the other features. Each feature's
 * Nest module provides its part under the token beside the interface (e.g.
 * `{ provide: CONTAINER_COUNTS_SOURCE, useExisting: ContainerCache }`); a
 * part nobody provides is null in the answer. The tokens are registered
 * symbols, so a module may also declare them without importing this library.
 */
export interface ContainerCounts {
  running: number;
  total: number;
  hostsDown: number;
}

export interface ContainerCountsSource {
  containerCounts(): Promise<ContainerCounts> | ContainerCounts;
}
export const CONTAINER_COUNTS_SOURCE = Symbol.for('homelab.dashboard.overview.containers');

export interface DomainCountsSource {
  domainCounts(): Promise<{ ok: number; total: number }> | { ok: number; total: number };
}
export const DOMAIN_COUNTS_SOURCE = Symbol.for('homelab.dashboard.overview.domains');

/** The latest host sample (`HostSample` of the API), passed through as is. */
export interface HostSampleSource {
  latestHostSample(): Promise<object | null> | object | null;
}
export const HOST_SAMPLE_SOURCE = Symbol.for('homelab.dashboard.overview.host');

export interface Overview {
  containers: ContainerCounts | null;
  services: { up: number; total: number } | null;
  catalog: { up: number; total: number } | null;
  domains: { ok: number; total: number } | null;
  alerts: { open: number; critical: number } | null;
  host: object | null;
}
