import { Controller, Get, Inject } from '@nestjs/common';
import { Roles } from '@homelab/auth';
import type { DockerHostList } from '@homelab/dashboard-api';
import type { DockerFeature } from '@homelab/dashboard-docker';
import { DOCKER_FEATURE } from './containers.tokens.js';

/** `GET /api/docker/hosts`: each configured host with its status, from the inventory. */
@Controller('api/docker')
export class DockerHostsController {
  constructor(@Inject(DOCKER_FEATURE) private readonly docker: DockerFeature) {}

  @Get('hosts')
  @Roles('viewer')
  hosts(): DockerHostList {
    return { hosts: this.docker.inventory.hostViews() };
  }
}
