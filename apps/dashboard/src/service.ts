import { Module, type DynamicModule } from '@nestjs/common';
import { dashboardConfig, type DashboardConfig } from '@homelab/config';
import { packageVersion, PlatformModule, type ServiceRuntime, type ServiceSpec } from '@homelab/platform';
import { HeartbeatHandler } from './services/heartbeat.handler.js';
import { ServiceDirectory } from './services/service-directory.js';
import { SERVICES_HEALTH_TIMEOUT_MS, ServicesOverviewService } from './services/services-overview.service.js';
import { ServicesController } from './services/services.controller.js';

@Module({})
class AppModule {
  static register(runtime: ServiceRuntime, config: DashboardConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(runtime)],
      controllers: [ServicesController, HeartbeatHandler],
      providers: [
        { provide: ServiceDirectory, useValue: new ServiceDirectory(config.HEARTBEAT_INTERVAL_MS * 3) },
        { provide: SERVICES_HEALTH_TIMEOUT_MS, useValue: config.SERVICES_HEALTH_TIMEOUT_MS },
        ServicesOverviewService,
      ],
    };
  }
}

export const serviceSpec: ServiceSpec<typeof dashboardConfig> = {
  service: 'dashboard',
  version: packageVersion(import.meta.url),
  configSchema: dashboardConfig,
  migrationsDir: new URL('../prisma/migrations', import.meta.url).pathname,
  module: (runtime, config) => AppModule.register(runtime, config),
};
