import type pg from 'pg';
import { JobLease } from '@homelab/database';
import type { Logger } from '@homelab/tracing';
import type { AlertSink } from '../alerts/alert-sink.js';
import { LinkScanRepository } from '../linkscan/link-scan.repository.js';
import { LinkScanService } from '../linkscan/link-scan.service.js';
import { SiteClient } from '../linkscan/site-client.js';
import { PeriodicTask } from '../util/periodic-task.js';
import { DomainChecker, trustContext } from './domain-checker.js';
import { DomainMonitor } from './domain-monitor.js';
import { DomainResolver } from './domain-resolver.js';
import { DomainRepository } from './domain.repository.js';
import type { ExpiryThresholds } from './domain.types.js';
import { DomainsService } from './domains.service.js';

export interface DomainMonitoringOptions {
  pool: pg.Pool;
  alerts: AlertSink;
  logger: Logger;
  /** Lease holder identity (the service's instance id). */
  instanceId: string;
  /** DNS_SERVERS; the system's resolvers when empty. */
  dnsServers?: readonly string[];
  /** Per step of a check and per request of a link scan. */
  timeoutMs: number;
  /** DOMAIN_CHECK_INTERVAL_MS. */
  checkIntervalMs: number;
  /** TLS_WARN_DAYS / TLS_CRITICAL_DAYS. */
  defaults: ExpiryThresholds;
  /** LINK_SCAN_INTERVAL_MS. */
  linkScanIntervalMs: number;
  /** LINK_SCAN_MAX_PAGES. */
  linkScanMaxPages: number;
  /** CAs trusted besides node's roots (a private CA; tests' CA). */
  extraCa?: readonly string[];
  /** Longest single link scan. */
  linkScanMaxDurationMs?: number;
  /** Resolves once the schema is migrated; the periodic work waits for it (the API does not need to). */
  databaseReady?: Promise<void>;
}

/** How often the loops look for due work: often enough to fail over fast, never more often than the interval. */
const CHECK_TICK_MAX_MS = 30_000;
const SCAN_TICK_MAX_MS = 60_000;
const RESULT_RETENTION_DAYS = 30;
const SCANS_KEPT_PER_DOMAIN = 20;
const PRUNE_EVERY_MS = 3_600_000;
export const DOMAIN_CHECKS_LEASE = 'dashboard.domain-checks';
export const LINK_SCANS_LEASE = 'dashboard.link-scans';

/** A periodic task whose work runs only on the replica holding `lease` (renewed every round). */
function leasedTask(name: string, lease: JobLease, everyMs: number, logger: Logger, work: () => Promise<void>): PeriodicTask {
  return new PeriodicTask({ name, intervalMs: everyMs, logger }, async () => {
    if (await lease.acquire(name)) await work();
  });
}

/**
 * The whole domains feature wired from configuration: the API service, the
 * periodic checks and the periodic link scans, each done by one replica at a
 * time (JobLease) while every replica serves the API from the database.
 * `start()` in onApplicationBootstrap, `stop()` on shutdown.
 */
export class DomainMonitoring {
  readonly service: DomainsService;
  readonly monitor: DomainMonitor;
  readonly scans: LinkScanService;
  readonly resolver: DomainResolver;
  private readonly repository: DomainRepository;
  private readonly scanRepository: LinkScanRepository;
  private readonly checkLease: JobLease;
  private readonly scanLease: JobLease;
  private readonly checkTask: PeriodicTask;
  private readonly scanTask: PeriodicTask;
  private readonly stopping = new AbortController();
  private lastPrune = 0;

  constructor(private readonly options: DomainMonitoringOptions) {
    this.resolver = new DomainResolver({ servers: options.dnsServers, timeoutMs: options.timeoutMs });
    this.repository = new DomainRepository(options.pool);
    this.scanRepository = new LinkScanRepository(options.pool);
    const checker = new DomainChecker({ resolver: this.resolver, timeoutMs: options.timeoutMs, extraCa: options.extraCa });
    this.monitor = new DomainMonitor({ repository: this.repository, checker, alerts: options.alerts, defaults: options.defaults, logger: options.logger });
    const secureContext = trustContext(options.extraCa);
    this.scans = new LinkScanService({
      repository: this.scanRepository,
      alerts: options.alerts,
      logger: options.logger,
      clientFor: (signal) => new SiteClient({ resolver: this.resolver, timeoutMs: options.timeoutMs, secureContext, signal }),
      maxPages: options.linkScanMaxPages,
      maxDurationMs: options.linkScanMaxDurationMs,
    });
    this.service = new DomainsService({
      repository: this.repository,
      monitor: this.monitor,
      scans: this.scans,
      alerts: options.alerts,
      defaults: options.defaults,
      logger: options.logger,
    });
    const checkTick = Math.min(options.checkIntervalMs, CHECK_TICK_MAX_MS);
    const scanTick = Math.min(options.linkScanIntervalMs, SCAN_TICK_MAX_MS);
    // a lease outlives a few missed rounds, so a busy leader keeps it and a dead one loses it soon
    this.checkLease = new JobLease(options.pool, options.instanceId, checkTick * 3);
    this.scanLease = new JobLease(options.pool, options.instanceId, scanTick * 3);
    this.checkTask = leasedTask(DOMAIN_CHECKS_LEASE, this.checkLease, checkTick, options.logger, () => this.checkRound());
    this.scanTask = leasedTask(LINK_SCANS_LEASE, this.scanLease, scanTick, options.logger, () => this.scanRound());
  }

  /** Starts the periodic checks and scans once the database is ready (not at all if stopped before). */
  start(): void {
    void (this.options.databaseReady ?? Promise.resolve()).then(() => {
      if (this.stopping.signal.aborted) return;
      this.checkTask.start();
      this.scanTask.start();
    });
  }

  /** Stops both loops and this replica's scans (marked failed), gives the leases up; never throws. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([this.scans.stop(), this.checkTask.stop(), this.scanTask.stop()]);
    await Promise.allSettled([this.checkLease.release(DOMAIN_CHECKS_LEASE), this.scanLease.release(LINK_SCANS_LEASE)]);
  }

  /** One round of the periodic checks: the domains due, then (hourly) old history pruned. */
  async checkRound(): Promise<void> {
    const sweep = await this.monitor.checkDue(this.options.checkIntervalMs, this.stopping.signal);
    if (sweep.failed > 0) this.options.logger.warn({ ...sweep }, 'some domain checks could not be recorded');
    if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      await this.repository.pruneResults(RESULT_RETENTION_DAYS);
      await this.scanRepository.prune(SCANS_KEPT_PER_DOMAIN);
    }
  }

  /** One round of the periodic link scans. */
  async scanRound(): Promise<void> {
    await this.scans.runDue(this.options.linkScanIntervalMs, this.stopping.signal, () => this.scanLease.acquire(LINK_SCANS_LEASE));
  }

  /** `{ ok, total }` for the overview: ok = the latest check found nothing wrong (status up). */
  async domainCounts(): Promise<{ ok: number; total: number }> {
    const records = await this.repository.statuses();
    return { ok: records.filter((r) => r.latest?.status === 'up').length, total: records.length };
  }
}
