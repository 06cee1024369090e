/**
 * What `GET /api/overview` gathers from the other features. Each feature's
 * Nest module provides its part under the token beside the interface (e.g.
 * `{ provide: CONTAINER_COUNTS_SOURCE, useExisting: ContainerCache }`); a
 * part nobody provides is null in the answer. The tokens are registered
 * symbols, so a module may also declare them without importing this library.
 */
import type { ContainerCounts, DomainCounts, HostSample } from '@homelab/dashboard-api';

export type { ContainerCounts, Overview } from '@homelab/dashboard-api';

export interface ContainerCountsSource {
  containerCounts(): Promise<ContainerCounts> | ContainerCounts;
}
export const CONTAINER_COUNTS_SOURCE = Symbol.for('homelab.dashboard.overview.containers');

export interface DomainCountsSource {
  domainCounts(): Promise<DomainCounts> | DomainCounts;
}
export const DOMAIN_COUNTS_SOURCE = Symbol.for('homelab.dashboard.overview.domains');

/** The latest host sample, passed through as is. */
export interface HostSampleSource {
  latestHostSample(): Promise<HostSample | null> | HostSample | null;
}
export const HOST_SAMPLE_SOURCE = Symbol.for('homelab.dashboard.overview.host');
