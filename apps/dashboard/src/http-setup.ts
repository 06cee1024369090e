import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ServiceRuntime } from '@homelab/platform';
import type { DashboardConfig } from './dashboard-config.js';

/** Fastify plugins and hooks, registered before the server listens. */
export async function configureHttp(app: NestFastifyApplication, runtime: ServiceRuntime, config: DashboardConfig): Promise<void> {
  void app;
  void runtime;
  void config;
}
