import { ContainerActions } from './container-actions.js';
import { ContainerInspector } from './container-inspector.js';
import { ContainerInventory } from './container-inventory.js';
import { ContainerLogs } from './container-logs.js';
import { ContainerStatsReader } from './container-stats-reader.js';
import type { EventWatcherOptions } from './docker-events.js';
import type { DockerHostsSettings } from './docker-hosts-config.js';
import { createDockerHosts, type DockerHosts } from './docker-hosts.js';
import type { DockerLogger } from './docker-logger.js';
import { StatsCollector } from './stats-collector.js';

export interface DockerFeatureOptions {
  logger?: DockerLogger;
  /** How long `start()` waits for the first container lists. Default 3 s. */
  startWaitMs?: number;
  eventBackoff?: EventWatcherOptions;
  eventDebounceMs?: number;
  statsReopenDelayMs?: number;
}

/** Everything the containers API needs, wired together; `start`/`stop` run the background work. */
export interface DockerFeature {
  registry: DockerHosts;
  inventory: ContainerInventory;
  collector: StatsCollector;
  actions: ContainerActions;
  logs: ContainerLogs;
  inspector: ContainerInspector;
  stats: ContainerStatsReader;
  start(): Promise<void>;
  /** Stops polling, event and stats streams and closes the connections; never throws. */
  stop(): Promise<void>;
}

/** Builds the feature from the configuration (throws ConfigError for bad DOCKER_* values). */
export function createDockerFeature(settings: DockerHostsSettings, options: DockerFeatureOptions = {}): DockerFeature {
  const registry = createDockerHosts(settings);
  const inventory = new ContainerInventory(registry, {
    refreshIntervalMs: settings.DOCKER_REFRESH_INTERVAL_MS,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.startWaitMs !== undefined ? { startWaitMs: options.startWaitMs } : {}),
    ...(options.eventBackoff ? { eventBackoff: options.eventBackoff } : {}),
    ...(options.eventDebounceMs !== undefined ? { eventDebounceMs: options.eventDebounceMs } : {}),
  });
  const collector = new StatsCollector(inventory, {
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.statsReopenDelayMs !== undefined ? { reopenDelayMs: options.statsReopenDelayMs } : {}),
  });
  const actions = new ContainerActions(inventory);
  return {
    registry,
    inventory,
    collector,
    actions,
    logs: new ContainerLogs(inventory, actions),
    inspector: new ContainerInspector(inventory, actions),
    stats: new ContainerStatsReader(inventory),
    start: async () => {
      collector.start();
      await inventory.start();
    },
    stop: async () => {
      collector.stop();
      await inventory.stop().catch(() => undefined);
      registry.close();
    },
  };
}
