import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Roles, type AuthUser } from '@homelab/auth';
import type { ContainerActionResult } from '@homelab/dashboard-api';
import {
  parseHostQuery,
  parseLogsQuery,
  parseRemoveBody,
  type AnalysisReport,
  type ContainerAction,
  type ContainerDetailView,
  type ContainerStats,
  type DockerFeature,
} from '@homelab/dashboard-docker';
import { LOGGER } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';
import { CurrentUser } from '../auth/request-auth.js';
import { ContainerLogStreams } from './container-log-streams.js';
import { DOCKER_FEATURE } from './containers.tokens.js';

/** docs/dashboard-api.md, "Containers". The work lives in @homelab/dashboard-docker. */
@Controller('api/containers')
export class ContainersController {
  constructor(
    @Inject(DOCKER_FEATURE) private readonly docker: DockerFeature,
    @Inject(ContainerLogStreams) private readonly logStreams: ContainerLogStreams,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Served from the inventory's cached, encoded answer: no Docker call, no serialisation, no encoding per request. */
  @Get()
  @Roles('viewer')
  list(@Query() query: Record<string, unknown>, @Res() reply: FastifyReply): void {
    const host = query['host'] === undefined ? undefined : parseHostQuery(query);
    void reply.type('application/json; charset=utf-8').send(this.docker.inventory.listBody(host));
  }

  @Get('analysis')
  @Roles('viewer')
  analysis(@Query() query: unknown): Promise<AnalysisReport> {
    return this.docker.inspector.analysis(parseHostQuery(query));
  }

  @Get(':host/:id')
  @Roles('viewer')
  detail(@Param('host') host: string, @Param('id') id: string): Promise<ContainerDetailView> {
    return this.docker.inspector.detail(host, id);
  }

  @Get(':host/:id/stats')
  @Roles('viewer')
  stats(@Param('host') host: string, @Param('id') id: string): Promise<ContainerStats> {
    return this.docker.stats.get(host, id);
  }

  @Get(':host/:id/logs')
  @Roles('viewer')
  async logs(@Param('host') host: string, @Param('id') id: string, @Query() query: unknown, @Res() reply: FastifyReply): Promise<void> {
    const take = await this.logStreams.prepare(host, id, parseLogsQuery(query));
    reply.hijack();
    take(reply.raw, reply.getHeaders());
  }

  @Post(':host/:id/start')
  @Roles('admin')
  @HttpCode(200)
  start(@Param('host') host: string, @Param('id') id: string, @CurrentUser() user: AuthUser | undefined): Promise<ContainerActionResult> {
    return this.act(host, id, 'start', user);
  }

  @Post(':host/:id/stop')
  @Roles('admin')
  @HttpCode(200)
  stop(@Param('host') host: string, @Param('id') id: string, @CurrentUser() user: AuthUser | undefined): Promise<ContainerActionResult> {
    return this.act(host, id, 'stop', user);
  }

  @Post(':host/:id/restart')
  @Roles('admin')
  @HttpCode(200)
  restart(@Param('host') host: string, @Param('id') id: string, @CurrentUser() user: AuthUser | undefined): Promise<ContainerActionResult> {
    return this.act(host, id, 'restart', user);
  }

  @Delete(':host/:id')
  @Roles('admin')
  @HttpCode(204)
  async remove(@Param('host') host: string, @Param('id') id: string, @Body() body: unknown, @CurrentUser() user: AuthUser | undefined): Promise<void> {
    const options = parseRemoveBody(body);
    await this.docker.actions.remove(host, id, options);
    this.logger.info({ dockerHost: host, container: id, action: 'remove', force: options.force, removeVolumes: options.removeVolumes, user: user?.username }, 'Container removed');
  }

  private async act(host: string, id: string, action: ContainerAction, user: AuthUser | undefined): Promise<ContainerActionResult> {
    const container = await this.docker.actions.run(host, id, action);
    this.logger.info({ dockerHost: host, container: container.name, action, user: user?.username }, `Container ${action} done`);
    return { container };
  }
}
