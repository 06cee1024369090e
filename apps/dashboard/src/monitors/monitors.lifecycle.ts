import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { AlertService, type CatalogFile, type CatalogMonitor, type JetStreamHealth } from '@homelab/dashboard-monitors';
import { LOGGER, ServiceDatabase } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';
import { CATALOG_FILE, CATALOG_MONITOR, JETSTREAM_HEALTH } from './monitors.tokens.js';

/**
 * Starts the background work once the database is migrated (the service
 * starts before it is), and stops it on shutdown without throwing.
 */
@Injectable()
export class MonitorsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private stopped = false;

  constructor(
    @Inject(AlertService) private readonly alerts: AlertService,
    @Inject(CATALOG_FILE) private readonly catalog: CatalogFile,
    @Inject(CATALOG_MONITOR) private readonly monitor: CatalogMonitor,
    @Inject(JETSTREAM_HEALTH) private readonly jetstream: JetStreamHealth,
    @Inject(ServiceDatabase) private readonly database: ServiceDatabase,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // the catalog is a file: readable (or reported) at once, whatever the database does
    await this.catalog.start().catch((error: unknown) => this.logger.warn({ err: error }, 'Catalog could not be loaded'));
    void this.database.start().then(() => {
      if (this.stopped) return;
      this.alerts.start();
      this.monitor.start();
      this.jetstream.start();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.catalog.stop();
    await Promise.allSettled([this.monitor.stop(), this.jetstream.stop(), this.alerts.stop()]);
  }
}
