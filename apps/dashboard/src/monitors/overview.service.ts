import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  AlertService,
  CONTAINER_COUNTS_SOURCE,
  DOMAIN_COUNTS_SOURCE,
  HOST_SAMPLE_SOURCE,
  type CatalogMonitor,
  type ContainerCountsSource,
  type DomainCountsSource,
  type HostSampleSource,
  type Overview,
} from '@homelab/dashboard-monitors';
import { LOGGER } from '@homelab/platform';
import { raceWithin } from '@homelab/resilience';
import type { Logger } from '@homelab/tracing';
import { ServicesOverviewService } from '../services/services-overview.service.js';
import { CATALOG_MONITOR } from './monitors.tokens.js';

/** One slow or failing part must not hold up the page. */
const PART_TIMEOUT_MS = 2000;

/**
 * The landing page's counts, each part from the feature that owns it. A
 * part whose feature is not wired (its token not provided), or that fails,
 * is null; the rest still answer.
 */
@Injectable()
export class OverviewService {
  constructor(
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Inject(AlertService) private readonly alerts: AlertService,
    @Inject(CATALOG_MONITOR) private readonly catalog: CatalogMonitor,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async overview(): Promise<Overview> {
    const [containers, services, catalog, domains, alerts, host] = await Promise.all([
      this.part('containers', () => this.source<ContainerCountsSource>(CONTAINER_COUNTS_SOURCE)?.containerCounts()),
      this.part('services', () => this.source<ServicesOverviewService>(ServicesOverviewService)?.counts()),
      this.part('catalog', () => this.catalog.counts()),
      this.part('domains', () => this.source<DomainCountsSource>(DOMAIN_COUNTS_SOURCE)?.domainCounts()),
      this.part('alerts', () => this.alerts.counts()),
      this.part('host', () => this.source<HostSampleSource>(HOST_SAMPLE_SOURCE)?.latestHostSample()),
    ]);
    return { containers, services, catalog, domains, alerts, host };
  }

  private source<T>(token: symbol | (abstract new (...args: never[]) => T)): T | undefined {
    try {
      return this.moduleRef.get<T>(token as symbol, { strict: false });
    } catch {
      return undefined;
    }
  }

  private async part<T>(name: string, read: () => Promise<T> | T | undefined): Promise<T | null> {
    try {
      const value = read();
      if (value === undefined) return null;
      return (await raceWithin(Promise.resolve(value), PART_TIMEOUT_MS, () => new Error(`took longer than ${PART_TIMEOUT_MS} ms`))) ?? null;
    } catch (error) {
      this.logger.warn({ err: error, part: name }, 'Overview part unavailable');
      return null;
    }
  }
}
