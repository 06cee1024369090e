import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DatabasesService } from '@homelab/dashboard-databases';
import { LOGGER, ServiceDatabase } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';

/**
 * Backup schedules run on every replica (each slot once, see BackupScheduler),
 * from the moment the migrations are applied; on shutdown running work is
 * aborted and recorded as interrupted, within a couple of seconds.
 */
@Injectable()
export class DatabasesLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private stopped = false;

  constructor(
    @Inject(DatabasesService) private readonly databases: DatabasesService,
    @Inject(ServiceDatabase) private readonly database: ServiceDatabase,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // the platform applies migrations in the background; this is the same promise, not a second run
    void this.database.start().then(() => {
      if (!this.stopped) this.databases.start();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.databases.stop().catch((error: unknown) => this.logger.warn({ err: error }, 'one-click databases did not stop cleanly'));
  }
}
