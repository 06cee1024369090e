import { readFileSync } from 'node:fs';
import { Module } from '@nestjs/common';
import { ConfigError } from '@homelab/config';
import { DOMAIN_COUNTS_SOURCE, DomainChecker, DomainMonitoring, type AlertSink } from '@homelab/dashboard-monitors';
import { ServiceRuntime } from '@homelab/platform';
import { DASHBOARD_POOL, type Pool } from '../core.module.js';
import { DASHBOARD_CONFIG, type DashboardConfig } from '../dashboard-config.js';
import { ALERT_SINK } from '../monitors/monitors.tokens.js';
import { DomainsController } from './domains.controller.js';
import { DomainsLifecycle } from './domains.lifecycle.js';

/** The operator's extra CAs (DOMAIN_CA_FILE): one PEM bundle, split into certificates. */
function readCaBundle(path: string | undefined): string[] | undefined {
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError('DOMAIN_CA_FILE', `names a file that cannot be read (${path})`);
  }
  const certificates = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (certificates.length === 0) throw new ConfigError('DOMAIN_CA_FILE', `holds no PEM certificate (${path})`);
  return certificates;
}

/**
 * Monitored domains: DNS, HTTPS and certificate checks every
 * DOMAIN_CHECK_INTERVAL_MS and broken-link scans every LINK_SCAN_INTERVAL_MS,
 * each on one replica (job leases); results in the database so any replica
 * serves them; alerts through the monitors' ALERT_SINK (MonitorsModule is
 * global). Provides the overview's domain counts.
 */
@Module({
  controllers: [DomainsController],
  providers: [
    {
      provide: DomainMonitoring,
      inject: [DASHBOARD_CONFIG, DASHBOARD_POOL, ServiceRuntime, ALERT_SINK],
      useFactory: (config: DashboardConfig, pool: Pool, runtime: ServiceRuntime, alerts: AlertSink) =>
        new DomainMonitoring({
          pool,
          alerts,
          logger: runtime.logger.child({ component: 'domains' }),
          instanceId: runtime.instanceId,
          dnsServers: config.DNS_SERVERS,
          extraCa: readCaBundle(config.DOMAIN_CA_FILE),
          timeoutMs: config.MONITOR_TIMEOUT_MS,
          checkIntervalMs: config.DOMAIN_CHECK_INTERVAL_MS,
          defaults: { warnDays: config.TLS_WARN_DAYS, criticalDays: config.TLS_CRITICAL_DAYS },
          linkScanIntervalMs: config.LINK_SCAN_INTERVAL_MS,
          linkScanMaxPages: config.LINK_SCAN_MAX_PAGES,
          // the platform applies migrations in the background; this is the same promise, not a second run
          databaseReady: runtime.database.start(),
        }),
    },
    { provide: DOMAIN_COUNTS_SOURCE, useExisting: DomainMonitoring },
    {
      // the same checks on demand, for Jarvis's check_domain tool: same resolver, timeout and trusted CAs
      provide: DomainChecker,
      inject: [DomainMonitoring, DASHBOARD_CONFIG],
      useFactory: (monitoring: DomainMonitoring, config: DashboardConfig) =>
        new DomainChecker({ resolver: monitoring.resolver, timeoutMs: config.MONITOR_TIMEOUT_MS, extraCa: readCaBundle(config.DOMAIN_CA_FILE) }),
    },
    DomainsLifecycle,
  ],
  exports: [DOMAIN_COUNTS_SOURCE, DomainChecker],
})
export class DomainsModule {}
