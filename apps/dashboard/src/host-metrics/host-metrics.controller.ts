import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Roles } from '@homelab/auth';
import {
  HostMetricsService,
  parseHistoryQuery,
  parseHostQuery,
  SampleEventStreams,
  type HostHistory,
  type HostSample,
} from '@homelab/dashboard-metrics';

@Controller('api/host-metrics')
export class HostMetricsController {
  constructor(
    @Inject(HostMetricsService) private readonly metrics: HostMetricsService,
    @Inject(SampleEventStreams) private readonly streams: SampleEventStreams,
  ) {}

  @Get('current')
  @Roles('viewer')
  current(@Query() query: unknown): Promise<HostSample> {
    return this.metrics.current(parseHostQuery(query).host);
  }

  @Get('history')
  @Roles('viewer')
  history(@Query() query: unknown): Promise<HostHistory> {
    const { range, host } = parseHistoryQuery(query);
    return this.metrics.history(range, host);
  }

  @Get('stream')
  @Roles('viewer')
  async stream(@Query() query: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // validated before the stream opens, so a bad host is an ordinary 400/404 answer
    const host = await this.metrics.knownHost(parseHostQuery(query).host);
    reply.hijack();
    this.streams.serve(request.raw, reply.raw, host, reply.getHeaders());
  }
}
