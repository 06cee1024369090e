import type { CatalogHistory } from '@homelab/dashboard-api';
import type { JobLease } from '@homelab/database';
import type { Logger } from '@homelab/tracing';
import type { AlertSink } from '../alerts/alert-sink.js';
import { checkTarget, type CatalogEntry } from '../catalog/catalog-entry.js';
import { CatalogEntryNotFoundError } from '../catalog/catalog-errors.js';
import type { CatalogFile } from '../catalog/catalog-file.js';
import type { CheckOutcome } from '../checks/check-outcome.js';
import type { DockerRegistryLookup } from '../checks/container-check.js';
import { runCheck } from '../checks/run-check.js';
import { mapLimited } from '../util/map-limited.js';
import { PeriodicTask } from '../util/periodic-task.js';
import type { CatalogStatus, CatalogView } from './catalog-status.js';
import type { HistoryRange, LatestResult, MonitorResultRepository, UptimeFigures } from './monitor-result.repository.js';

/** The alert sink plus what the monitor needs to close alerts of services no longer in the catalog. */
export interface ServiceAlerts extends AlertSink {
  openKeys(prefix: string): Promise<string[]>;
}

export interface CatalogMonitorOptions {
  catalog: CatalogFile;
  results: MonitorResultRepository;
  alerts: ServiceAlerts;
  lease: JobLease;
  docker: DockerRegistryLookup;
  logger: Logger;
  intervalMs: number;
  timeoutMs: number;
  /** Checks in flight at once. Default 8. */
  concurrency?: number;
  /** Results older than this are deleted. Default 30. */
  retentionDays?: number;
  /** Consecutive failed checks before an alert opens (one blip is no outage). Default 2. */
  failuresBeforeAlert?: number;
}

const LEASE = 'dashboard.catalog-monitor';
const PRUNE_EVERY_MS = 3_600_000;
export const SERVICE_ALERT_PREFIX = 'service:';

const isFailure = (point: { status: string; accepted: boolean }): boolean =>
  point.status === 'down' || (point.status === 'degraded' && !point.accepted);

function toStatus(entry: CatalogEntry, latest: (LatestResult & UptimeFigures) | undefined): CatalogStatus {
  return {
    id: entry.id,
    name: entry.name,
    group: entry.group,
    url: entry.url,
    description: entry.description,
    check: { kind: entry.check.kind, target: checkTarget(entry.check) },
    status: latest?.status ?? 'unknown',
    responseMs: latest?.responseMs ?? null,
    error: latest?.error ?? null,
    lastCheckedAt: latest?.checkedAt ?? null,
    uptime24h: latest?.uptime24h ?? null,
    uptime7d: latest?.uptime7d ?? null,
  };
}

/**
 * Checks every catalog service each interval, on the one replica holding the
 * lease, all in parallel up to a cap; records each result and opens or closes
 * the service's alert.
 */
export class CatalogMonitor {
  private readonly task: PeriodicTask;
  private lastPruneAt = 0;

  constructor(private readonly options: CatalogMonitorOptions) {
    this.task = new PeriodicTask({ name: 'catalog checks', intervalMs: options.intervalMs, logger: options.logger }, async () => void (await this.sweep()));
    // an edited catalog is checked at once, not an interval later
    options.catalog.subscribe(() => {
      if (this.task.started) void this.task.runNow();
    });
  }

  start(): void {
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
    await this.options.lease.release(LEASE).catch(() => undefined);
  }

  /** One round, if this replica holds the lease; returns whether it ran. */
  async sweep(): Promise<boolean> {
    const outcome = await this.options.lease.runIfLeader(LEASE, async () => {
      const entries = this.options.catalog.snapshot().entries;
      await mapLimited(entries, this.options.concurrency ?? 8, (entry) => this.checkEntry(entry));
      await this.closeOrphanAlerts(entries);
      await this.pruneNow();
    });
    return outcome.ran;
  }

  /** Runs one entry's check now, on this replica, and answers its new status. */
  async checkNow(id: string): Promise<CatalogStatus> {
    const entry = this.entry(id);
    await this.checkEntry(entry);
    const summaries = await this.options.results.summaries([entry.id]);
    return toStatus(entry, summaries.get(entry.id));
  }

  async view(): Promise<CatalogView> {
    const snapshot = this.options.catalog.snapshot();
    const summaries = await this.options.results.summaries(snapshot.entries.map((e) => e.id)).catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'Catalog check results unavailable');
      return new Map<string, LatestResult & UptimeFigures>();
    });
    return {
      file: snapshot.file,
      loadedAt: snapshot.loadedAt,
      entries: snapshot.entries.map((entry) => toStatus(entry, summaries.get(entry.id))),
      problems: snapshot.problems,
    };
  }

  /** How many catalog services are up (for the overview). */
  async counts(): Promise<{ up: number; total: number }> {
    const entries = this.options.catalog.snapshot().entries;
    const statuses = await this.options.results.latestStatuses(entries.map((e) => e.id));
    return { up: [...statuses.values()].filter((s) => s === 'up').length, total: entries.length };
  }

  async history(id: string, range: HistoryRange): Promise<CatalogHistory> {
    const entry = this.entry(id);
    return { id: entry.id, ...(await this.options.results.history(entry.id, range)) };
  }

  private entry(id: string): CatalogEntry {
    const entry = this.options.catalog.snapshot().entries.find((e) => e.id === id);
    if (!entry) throw new CatalogEntryNotFoundError(id);
    return entry;
  }

  private async checkEntry(entry: CatalogEntry): Promise<CheckOutcome> {
    const outcome = await runCheck(entry.check, { docker: this.options.docker, timeoutMs: this.options.timeoutMs });
    try {
      await this.options.results.record(entry.id, outcome, { kind: entry.check.kind });
      await this.updateAlert(entry);
    } catch (error) {
      this.options.logger.warn({ err: error, service: entry.id }, 'Could not record a catalog check');
    }
    return outcome;
  }

  private async updateAlert(entry: CatalogEntry): Promise<void> {
    const needed = this.options.failuresBeforeAlert ?? 2;
    const recent = await this.options.results.recent(entry.id, needed);
    const key = `${SERVICE_ALERT_PREFIX}${entry.id}`;
    const latest = recent[0];
    if (!latest) return;
    if (!isFailure(latest)) {
      await this.options.alerts.resolve(key);
      return;
    }
    if (recent.length < needed || !recent.every(isFailure)) return;
    await this.options.alerts.raise({
      key,
      source: 'service',
      severity: latest.status === 'down' ? 'critical' : 'warning',
      title: `${entry.name} is ${latest.status}`,
      message: `${checkTarget(entry.check)}: ${latest.error ?? latest.status} (${needed} checks in a row)`,
    });
  }

  private async closeOrphanAlerts(entries: readonly CatalogEntry[]): Promise<void> {
    const ids = new Set(entries.map((e) => `${SERVICE_ALERT_PREFIX}${e.id}`));
    const open = await this.options.alerts.openKeys(SERVICE_ALERT_PREFIX);
    for (const key of open) if (!ids.has(key)) await this.options.alerts.resolve(key);
  }

  private async pruneNow(): Promise<void> {
    if (Date.now() - this.lastPruneAt < PRUNE_EVERY_MS) return;
    this.lastPruneAt = Date.now();
    const removed = await this.options.results.prune(this.options.retentionDays ?? 30);
    if (removed > 0) this.options.logger.info({ removed }, 'Old catalog check results pruned');
  }
}
