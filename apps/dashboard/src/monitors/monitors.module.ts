import { Global, Module } from '@nestjs/common';
import { AlertService } from '@homelab/dashboard-monitors';
import { AlertsController } from './alerts.controller.js';
import { CatalogController } from './catalog.controller.js';
import { JetStreamController } from './jetstream.controller.js';
import { MonitorsLifecycle } from './monitors.lifecycle.js';
import { monitorsProviders } from './monitors.providers.js';
import { ALERT_SINK } from './monitors.tokens.js';
import { OverviewController } from './overview.controller.js';
import { OverviewService } from './overview.service.js';

/**
 * Services catalog and its checks, JetStream work health, alerts and the
 * overview. Global, so every feature can report through `ALERT_SINK`.
 */
@Global()
@Module({
  controllers: [AlertsController, CatalogController, JetStreamController, OverviewController],
  providers: [...monitorsProviders, OverviewService, MonitorsLifecycle],
  exports: [ALERT_SINK, AlertService],
})
export class MonitorsModule {}
