import { Global, Module } from '@nestjs/common';
import { ContainersController } from './containers.controller.js';
import { ContainersLifecycle } from './containers.lifecycle.js';
import { containersProviders } from './containers.providers.js';
import { DOCKER_FEATURE, DOCKER_HOST_REGISTRY } from './containers.tokens.js';
import { DockerHostsController } from './docker-hosts.controller.js';

/**
 * Containers across the configured Docker hosts: inventory, stats, actions,
 * logs and the deployment analysis. Global, so other features (one-click
 * databases, container checks) inject `DOCKER_HOST_REGISTRY`.
 */
@Global()
@Module({
  controllers: [DockerHostsController, ContainersController],
  providers: [...containersProviders, ContainersLifecycle],
  exports: [DOCKER_HOST_REGISTRY, DOCKER_FEATURE],
})
export class ContainersModule {}
