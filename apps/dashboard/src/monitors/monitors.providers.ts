import type { Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { DockerHostRegistry } from '@homelab/dashboard-docker';
import {
  alertStreamSpec,
  AlertService,
  CatalogFile,
  CatalogMonitor,
  JetStreamHealth,
  MonitorResultRepository,
} from '@homelab/dashboard-monitors';
import { JobLease } from '@homelab/database';
import { EventStream, LOGGER, ServiceRuntime } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';
import { DASHBOARD_POOL, type Pool } from '../core.module.js';
import { DASHBOARD_CONFIG, type DashboardConfig } from '../dashboard-config.js';
import { ALERT_SINK, CATALOG_FILE, CATALOG_MONITOR, DOCKER_HOST_REGISTRY, JETSTREAM_HEALTH } from './monitors.tokens.js';

/** A leader that dies is replaced after this long, however short the check interval. */
const leaseTtl = (intervalMs: number): number => Math.max(60_000, intervalMs * 3);

function dockerLookup(moduleRef: ModuleRef): () => DockerHostRegistry | undefined {
  return () => {
    try {
      return moduleRef.get<DockerHostRegistry>(DOCKER_HOST_REGISTRY, { strict: false });
    } catch {
      return undefined;
    }
  };
}

export const monitorsProviders: Provider[] = [
  {
    provide: AlertService,
    inject: [DASHBOARD_POOL, ServiceRuntime, DASHBOARD_CONFIG, LOGGER],
    useFactory: (pool: Pool, runtime: ServiceRuntime, config: DashboardConfig, logger: Logger) =>
      new AlertService({
        pool,
        events: new EventStream(runtime.nats, config.NATS_SUBJECT_PREFIX, alertStreamSpec),
        logger,
        natsUp: () => runtime.nats.status().up,
      }),
  },
  { provide: ALERT_SINK, useExisting: AlertService },
  {
    provide: CATALOG_FILE,
    inject: [DASHBOARD_CONFIG, LOGGER],
    useFactory: (config: DashboardConfig, logger: Logger) => new CatalogFile({ path: config.CATALOG_FILE, logger }),
  },
  {
    provide: CATALOG_MONITOR,
    inject: [CATALOG_FILE, AlertService, DASHBOARD_POOL, ServiceRuntime, DASHBOARD_CONFIG, LOGGER, ModuleRef],
    useFactory: (catalog: CatalogFile, alerts: AlertService, pool: Pool, runtime: ServiceRuntime, config: DashboardConfig, logger: Logger, moduleRef: ModuleRef) =>
      new CatalogMonitor({
        catalog,
        results: new MonitorResultRepository(pool, 'service'),
        alerts,
        lease: new JobLease(pool, runtime.instanceId, leaseTtl(config.MONITOR_INTERVAL_MS)),
        docker: dockerLookup(moduleRef),
        logger,
        intervalMs: config.MONITOR_INTERVAL_MS,
        timeoutMs: config.MONITOR_TIMEOUT_MS,
      }),
  },
  {
    provide: JETSTREAM_HEALTH,
    inject: [AlertService, DASHBOARD_POOL, ServiceRuntime, DASHBOARD_CONFIG, LOGGER],
    useFactory: (alerts: AlertService, pool: Pool, runtime: ServiceRuntime, config: DashboardConfig, logger: Logger) =>
      new JetStreamHealth({
        nats: runtime.nats,
        subjectPrefix: config.NATS_SUBJECT_PREFIX,
        alerts,
        lease: new JobLease(pool, runtime.instanceId, leaseTtl(15_000)),
        logger,
        pendingAlert: config.JETSTREAM_PENDING_ALERT,
        alertAfterMs: config.JETSTREAM_ALERT_AFTER_MS,
      }),
  },
];
