import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ServiceMetrics } from '@homelab/tracing';
import { Public } from '@homelab/auth';

export const METRICS_PATH = '/metrics';

// probes and scrapers do not log in; apps with a global login guard must let them through
@Public()
@Controller()
export class MetricsController {
  constructor(@Inject(ServiceMetrics) private readonly metrics: ServiceMetrics) {}

  @Get(METRICS_PATH)
  async get(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', this.metrics.contentType);
    return this.metrics.render();
  }
}
