import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DatabasesService } from '@homelab/dashboard-databases';
import { LOGGER } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';

/**
 * Backup schedules run on every replica (each slot once, see BackupScheduler);
 * on shutdown running work is aborted and recorded as interrupted, within a
 * couple of seconds.
 */
@Injectable()
export class DatabasesLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(DatabasesService) private readonly databases: DatabasesService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.databases.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.databases.stop().catch((error: unknown) => this.logger.warn({ err: error }, 'one-click databases did not stop cleanly'));
  }
}
