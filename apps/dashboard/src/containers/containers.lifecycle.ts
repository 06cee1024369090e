import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { DockerFeature } from '@homelab/dashboard-docker';
import { ContainerLogStreams } from './container-log-streams.js';
import { DOCKER_FEATURE } from './containers.tokens.js';

/**
 * Starts the inventory, its event streams and the stats collector with the
 * app (waiting at most a few seconds for the first lists, so the first
 * answer is complete); on shutdown ends the open log streams and all Docker
 * streams.
 */
@Injectable()
export class ContainersLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(DOCKER_FEATURE) private readonly feature: DockerFeature,
    @Inject(ContainerLogStreams) private readonly logStreams: ContainerLogStreams,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.feature.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.logStreams.closeAll();
    await this.feature.stop();
  }
}
