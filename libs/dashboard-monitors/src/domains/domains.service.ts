import type { Logger } from '@homelab/tracing';
import type { AlertSink } from '../alerts/alert-sink.js';
import type { LinkScanService } from '../linkscan/link-scan.service.js';
import { domainAlertKey, linksAlertKey, tlsAlertKey } from './domain-alerts.js';
import { DomainNotFoundError } from './domain-errors.js';
import { assertThresholdsOrdered, effectiveThresholds, parseDomainPatch, parseNewDomain } from './domain-input.js';
import type { DomainMonitor } from './domain-monitor.js';
import type { DomainRepository, DomainStatusRecord } from './domain.repository.js';
import type { DomainStatus, ExpiryThresholds, LinkScan, LinkScanDetail, MonitoredDomain } from './domain.types.js';

export interface DomainsServiceOptions {
  repository: DomainRepository;
  monitor: DomainMonitor;
  scans: LinkScanService;
  alerts: AlertSink;
  defaults: ExpiryThresholds;
  logger: Logger;
}

/** `DomainStatus` of the API from what is stored. */
export function toDomainStatus(record: DomainStatusRecord, defaults: ExpiryThresholds): DomainStatus {
  const { domain, latest } = record;
  const thresholds = effectiveThresholds(domain, defaults);
  return {
    id: domain.id,
    name: domain.name,
    port: domain.port,
    path: domain.path,
    warnDays: thresholds.warnDays,
    criticalDays: thresholds.criticalDays,
    linkScan: domain.linkScan,
    status: latest?.status ?? 'unknown',
    checkedAt: latest?.checkedAt ?? null,
    dns: latest?.detail.dns ?? null,
    http: latest?.detail.http ?? null,
    tls: latest?.detail.tls ?? null,
    lastScan: record.lastScan,
  };
}

/**
 * What the Domains API does: CRUD with validation, checks on demand (a new
 * or changed domain is checked at once), link scans, and alert hygiene when a
 * domain goes away or is renamed. Reads come from the database, so every
 * replica answers the same.
 */
export class DomainsService {
  constructor(private readonly options: DomainsServiceOptions) {}

  async list(): Promise<DomainStatus[]> {
    const records = await this.options.repository.statuses();
    return records.map((r) => toDomainStatus(r, this.options.defaults));
  }

  async status(id: string): Promise<DomainStatus> {
    const [record] = await this.options.repository.statuses(id);
    if (!record) throw new DomainNotFoundError(id);
    return toDomainStatus(record, this.options.defaults);
  }

  async create(body: unknown, createdBy: string | null): Promise<DomainStatus> {
    const input = parseNewDomain(body);
    assertThresholdsOrdered(input, this.options.defaults);
    const domain = await this.options.repository.create(input, createdBy);
    await this.options.monitor.checkAndRecord(domain);
    return this.status(domain.id);
  }

  async update(id: string, body: unknown): Promise<DomainStatus> {
    const patch = parseDomainPatch(body);
    const current = await this.domain(id);
    assertThresholdsOrdered({ ...current, ...patch }, this.options.defaults);
    const updated = await this.options.repository.update(id, patch);
    if (!updated) throw new DomainNotFoundError(id);
    if (updated.name !== current.name || updated.port !== current.port) await this.resolveOrphanedAlerts(current);
    await this.options.monitor.checkAndRecord(updated);
    return this.status(id);
  }

  async remove(id: string): Promise<void> {
    const deleted = await this.options.repository.delete(id);
    if (!deleted) throw new DomainNotFoundError(id);
    this.options.scans.cancelDomain(id, 'its domain was removed');
    await this.resolveOrphanedAlerts(deleted);
  }

  async checkNow(id: string): Promise<DomainStatus> {
    await this.options.monitor.checkAndRecord(await this.domain(id));
    return this.status(id);
  }

  async startScan(id: string): Promise<LinkScan> {
    return this.options.scans.start(await this.domain(id));
  }

  async latestScan(id: string): Promise<LinkScanDetail | null> {
    await this.domain(id);
    return this.options.scans.latest(id);
  }

  private async domain(id: string): Promise<MonitoredDomain> {
    const domain = await this.options.repository.get(id);
    if (!domain) throw new DomainNotFoundError(id);
    return domain;
  }

  /** Alerts are keyed by name (and port); clear them once no remaining domain watches that name. */
  private async resolveOrphanedAlerts(previous: MonitoredDomain): Promise<void> {
    const keys: string[] = [];
    if ((await this.options.repository.countWatching(previous.name, previous.port)) === 0) {
      keys.push(domainAlertKey(previous.name, previous.port), tlsAlertKey(previous.name, previous.port));
    }
    if ((await this.options.repository.countWatching(previous.name)) === 0) keys.push(linksAlertKey(previous.name));
    const results = await Promise.allSettled(keys.map((key) => this.options.alerts.resolve(key)));
    for (const result of results) {
      if (result.status === 'rejected') this.options.logger.warn({ domain: previous.name, error: String(result.reason) }, 'could not resolve an alert of a removed domain');
    }
  }
}
