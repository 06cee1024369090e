import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Roles } from '@homelab/auth';
import type { AlertList } from '@homelab/dashboard-api';
import { AlertService, parseAlertsQuery, type StoredAlert } from '@homelab/dashboard-monitors';

/** Who is acting, as the auth guard put them on the request. */
function actor(request: FastifyRequest): string {
  const user = (request as FastifyRequest & { user?: { username?: unknown } }).user;
  return typeof user?.username === 'string' ? user.username : 'unknown';
}

@Controller('api/alerts')
export class AlertsController {
  constructor(@Inject(AlertService) private readonly alerts: AlertService) {}

  @Get()
  @Roles('viewer')
  async list(@Query() query: unknown): Promise<AlertList> {
    return { alerts: await this.alerts.list(parseAlertsQuery(query).state) };
  }

  @Post(':id/acknowledge')
  @Roles('admin')
  @HttpCode(200)
  acknowledge(@Param('id') id: string, @Req() request: FastifyRequest): Promise<StoredAlert> {
    return this.alerts.acknowledge(id, actor(request));
  }
}
