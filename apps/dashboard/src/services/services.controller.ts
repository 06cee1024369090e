import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Roles } from '@homelab/auth';
import { ServicesOverviewService } from './services-overview.service.js';

@Controller('api/services')
export class ServicesController {
  constructor(@Inject(ServicesOverviewService) private readonly overview: ServicesOverviewService) {}

  /** The five services (`ServicesOverview`), sent pre-encoded: the answer is shared by every reader for a moment. */
  @Get()
  @Roles('viewer')
  async list(@Res() reply: FastifyReply): Promise<void> {
    void reply.type('application/json; charset=utf-8').send(await this.overview.overviewJson());
  }
}
