import type { Provider } from '@nestjs/common';
import type { DockerHostRegistry } from '@homelab/dashboard-docker';
import { DatabasesService } from '@homelab/dashboard-databases';
import type { AlertSink } from '@homelab/dashboard-monitors';
import { LOGGER, ServiceRuntime } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';
import { DOCKER_HOST_REGISTRY } from '../containers/containers.tokens.js';
import { DASHBOARD_POOL, type Pool } from '../core.module.js';
import { DASHBOARD_CONFIG, type DashboardConfig } from '../dashboard-config.js';
import { ALERT_SINK } from '../monitors/monitors.tokens.js';

/** Docker through the containers feature's registry (shared clients, TLS, timeouts); failed backups alert through the monitors'. */
export const databasesProviders: Provider[] = [
  {
    provide: DatabasesService,
    inject: [DASHBOARD_POOL, ServiceRuntime, DASHBOARD_CONFIG, LOGGER, ALERT_SINK, DOCKER_HOST_REGISTRY],
    useFactory: (pool: Pool, runtime: ServiceRuntime, config: DashboardConfig, logger: Logger, alerts: AlertSink, registry: DockerHostRegistry) =>
      new DatabasesService({
        pool,
        registry,
        cipher: runtime.cipher,
        alerts,
        logger,
        backupDir: config.BACKUP_DIR,
        defaultSchedule: config.DATABASE_BACKUP_SCHEDULE,
        defaultRetention: config.DATABASE_BACKUP_RETENTION,
      }),
  },
];
