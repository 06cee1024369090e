import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ServiceHealth } from '@homelab/contracts';
import { HealthService } from './health.service.js';
import { Public } from '@homelab/auth';

export const HEALTH_PATH = '/health';

// probes and scrapers do not log in; apps with a global login guard must let them through
@Public()
@Controller()
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  /** 200 when every dependency is up, 503 naming the ones that are down. */
  @Get(HEALTH_PATH)
  async get(@Res({ passthrough: true }) reply: FastifyReply): Promise<ServiceHealth> {
    const health = await this.health.check();
    void reply.status(health.status === 'up' ? 200 : 503).header('cache-control', 'no-store');
    return health;
  }
}
