import { Module } from '@nestjs/common';
import { HostMetrics, HostMetricsService, SampleEventStreams } from '@homelab/dashboard-metrics';
import { HOST_SAMPLE_SOURCE, type HostSampleSource } from '@homelab/dashboard-monitors';
import { ServiceRuntime } from '@homelab/platform';
import { DASHBOARD_POOL, type Pool } from '../core.module.js';
import { DASHBOARD_CONFIG, type DashboardConfig } from '../dashboard-config.js';
import { HostMetricsController } from './host-metrics.controller.js';
import { HostMetricsLifecycle } from './host-metrics.lifecycle.js';

/**
 * Host metrics of the machine this replica runs on: sampled every
 * HOST_METRICS_INTERVAL_MS, stored, downsampled by one replica, served as
 * current / history / live stream. Provides the overview's latest sample.
 */
@Module({
  controllers: [HostMetricsController],
  providers: [
    {
      provide: HostMetrics,
      inject: [DASHBOARD_CONFIG, DASHBOARD_POOL, ServiceRuntime],
      useFactory: (config: DashboardConfig, pool: Pool, runtime: ServiceRuntime) =>
        new HostMetrics({
          pool,
          logger: runtime.logger.child({ component: 'host-metrics' }),
          intervalMs: config.HOST_METRICS_INTERVAL_MS,
          ...(config.HOST_METRICS_HOST ? { host: config.HOST_METRICS_HOST } : {}),
          retentionDays: config.HOST_METRICS_RETENTION_DAYS,
          instanceId: runtime.instanceId,
          // the platform applies migrations in the background; this is the same promise, not a second run
          databaseReady: runtime.database.start(),
        }),
    },
    { provide: HostMetricsService, inject: [HostMetrics], useFactory: (metrics: HostMetrics) => metrics.service },
    {
      provide: SampleEventStreams,
      inject: [HostMetricsService],
      useFactory: (service: HostMetricsService) =>
        new SampleEventStreams({ subscribe: (host, listener) => service.subscribe(host, listener) }),
    },
    {
      provide: HOST_SAMPLE_SOURCE,
      inject: [HostMetricsService],
      useFactory: (service: HostMetricsService): HostSampleSource => ({ latestHostSample: () => service.latestLocal() ?? null }),
    },
    HostMetricsLifecycle,
  ],
  exports: [HostMetricsService, HOST_SAMPLE_SOURCE],
})
export class HostMetricsModule {}
