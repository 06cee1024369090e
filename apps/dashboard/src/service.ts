import { dashboardConfig } from '@homelab/config';
import { createPrismaPgAdapter } from '@homelab/database';
import { defineService } from '@homelab/platform';
import { PrismaClient } from './generated/prisma/client.js';
import { HeartbeatHandler } from './services/heartbeat.handler.js';
import { ServiceDirectory } from './services/service-directory.js';
import { DASHBOARD_PRISMA, ServiceObservationsRepository } from './services/service-observations.repository.js';
import { SERVICES_HEALTH_TIMEOUT_MS, ServicesOverviewService } from './services/services-overview.service.js';
import { ServicesController } from './services/services.controller.js';

export const serviceSpec = defineService({
  service: 'dashboard',
  configSchema: dashboardConfig,
  moduleUrl: import.meta.url,
  parts: (runtime, config) => ({
    controllers: [ServicesController, HeartbeatHandler],
    providers: [
      // an instance silent for three heartbeats is gone
      { provide: ServiceDirectory, useValue: new ServiceDirectory(config.HEARTBEAT_INTERVAL_MS * 3) },
      { provide: SERVICES_HEALTH_TIMEOUT_MS, useValue: config.SERVICES_HEALTH_TIMEOUT_MS },
      // shares the service's pool, which the platform closes on shutdown
      { provide: DASHBOARD_PRISMA, useValue: new PrismaClient({ adapter: createPrismaPgAdapter(runtime.database.pool) }) },
      ServiceObservationsRepository,
      ServicesOverviewService,
    ],
  }),
});
