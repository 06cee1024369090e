import fastifyStatic from '@fastify/static';
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { DASHBOARD_CONFIG, type DashboardConfig } from '../dashboard-config.js';
import { WebController } from './web.controller.js';
import { resolveWebDir, WEB_UI, WebUi } from './web-ui.js';

/** Serves the built web UI (apps/dashboard/web, built by Vite into dist/web). */
@Module({
  controllers: [WebController],
  providers: [{ provide: WEB_UI, inject: [DASHBOARD_CONFIG], useFactory: (config: DashboardConfig) => new WebUi(resolveWebDir(config.DASHBOARD_WEB_DIR)) }],
})
export class WebModule implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  /** Only `reply.sendFile` is wanted (routing stays with the guarded controller), with the .br/.gz files the build writes. */
  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    await fastify.register(fastifyStatic, { serve: false, decorateReply: true, preCompressed: true, index: false });
  }
}
