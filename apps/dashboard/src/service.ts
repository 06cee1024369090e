import { dashboardConfig } from '@homelab/config';
import { defineService } from '@homelab/platform';
import { AuthModule } from './auth/auth.module.js';
import { ContainersModule } from './containers/containers.module.js';
import { DashboardCoreModule } from './core.module.js';
import { DatabasesModule } from './databases/databases.module.js';
import { DomainsModule } from './domains/domains.module.js';
import { configureHttp, httpAdapterOptions } from './http-setup.js';
import { GoogleModule } from './google/google.module.js';
import { HomeAssistantModule } from './home-assistant/home-assistant.module.js';
import { HostMetricsModule } from './host-metrics/host-metrics.module.js';
import { JarvisModule } from './jarvis/jarvis.module.js';
import { MonitorsModule } from './monitors/monitors.module.js';
import { HeartbeatHandler } from './services/heartbeat.handler.js';
import { ServiceDirectory } from './services/service-directory.js';
import { ServiceObservationsRepository } from './services/service-observations.repository.js';
import { SERVICES_HEALTH_TIMEOUT_MS, ServicesOverviewService } from './services/services-overview.service.js';
import { ServicesController } from './services/services.controller.js';
import { WebModule } from './web/web.module.js';

export const serviceSpec = defineService({
  service: 'dashboard',
  configSchema: dashboardConfig,
  moduleUrl: import.meta.url,
  configureHttp,
  httpAdapterOptions,
  parts: (runtime, config) => ({
    imports: [
      DashboardCoreModule.forRoot(runtime, config),
      AuthModule,
      ContainersModule,
      DatabasesModule,
      HostMetricsModule,
      MonitorsModule,
      DomainsModule,
      JarvisModule,
      HomeAssistantModule,
      GoogleModule,
      // last: its catch-all route serves the single-page UI for every other GET
      WebModule,
    ],
    controllers: [ServicesController, HeartbeatHandler],
    providers: [
      // an instance silent for three heartbeats is gone
      { provide: ServiceDirectory, useValue: new ServiceDirectory(config.HEARTBEAT_INTERVAL_MS * 3) },
      { provide: SERVICES_HEALTH_TIMEOUT_MS, useValue: config.SERVICES_HEALTH_TIMEOUT_MS },
      ServiceObservationsRepository,
      ServicesOverviewService,
    ],
  }),
});
