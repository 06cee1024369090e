import type { Provider } from '@nestjs/common';
import { createDockerFeature, type DockerFeature } from '@homelab/dashboard-docker';
import { CONTAINER_COUNTS_SOURCE, type ContainerCountsSource } from '@homelab/dashboard-monitors';
import { LOGGER } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';
import { DASHBOARD_CONFIG, type DashboardConfig } from '../dashboard-config.js';
import { ContainerLogStreams } from './container-log-streams.js';
import { DOCKER_FEATURE, DOCKER_HOST_REGISTRY } from './containers.tokens.js';

export const containersProviders: Provider[] = [
  {
    // a bad DOCKER_HOSTS or DOCKER_TLS_* stops start-up here with a ConfigError naming the variable
    provide: DOCKER_FEATURE,
    inject: [DASHBOARD_CONFIG, LOGGER],
    useFactory: (config: DashboardConfig, logger: Logger): DockerFeature => createDockerFeature(config, { logger }),
  },
  { provide: DOCKER_HOST_REGISTRY, inject: [DOCKER_FEATURE], useFactory: (feature: DockerFeature) => feature.registry },
  {
    provide: CONTAINER_COUNTS_SOURCE,
    inject: [DOCKER_FEATURE],
    useFactory: (feature: DockerFeature): ContainerCountsSource => ({ containerCounts: () => feature.inventory.summary() }),
  },
  ContainerLogStreams,
];
