import type { Logger } from '@homelab/tracing';
import type { AlertSink } from '../alerts/alert-sink.js';
import { errorMessage } from '../util/error-message.js';
import { mapLimited } from '../util/map-limited.js';
import { applyAlertPlan, planDomainAlerts } from './domain-alerts.js';
import type { DomainChecker } from './domain-checker.js';
import { effectiveThresholds } from './domain-input.js';
import type { DomainRepository } from './domain.repository.js';
import type { DomainCheck, ExpiryThresholds, MonitoredDomain } from './domain.types.js';

export interface DomainMonitorOptions {
  repository: DomainRepository;
  checker: DomainChecker;
  alerts: AlertSink;
  /** TLS_WARN_DAYS / TLS_CRITICAL_DAYS. */
  defaults: ExpiryThresholds;
  logger: Logger;
  /** Domains checked at once by a sweep. */
  concurrency?: number;
}

export interface SweepResult {
  checked: number;
  failed: number;
}

/**
 * Checks domains, stores each result in monitor_result (so every replica
 * serves the same latest status) and turns it into alerts. A domain whose
 * check or bookkeeping fails is logged and skipped; the sweep goes on.
 */
export class DomainMonitor {
  constructor(private readonly options: DomainMonitorOptions) {}

  thresholdsOf(domain: MonitoredDomain): ExpiryThresholds {
    return effectiveThresholds(domain, this.options.defaults);
  }

  /** Checks one domain now, records the result and updates its alerts. */
  async checkAndRecord(domain: MonitoredDomain): Promise<DomainCheck> {
    const check = await this.options.checker.check(domain, this.thresholdsOf(domain));
    await this.options.repository.recordCheck(domain.id, check);
    const failures = await applyAlertPlan(this.options.alerts, planDomainAlerts(domain, check));
    for (const failure of failures) {
      this.options.logger.warn({ domain: domain.name, port: domain.port, error: errorMessage(failure) }, 'could not update a domain alert');
    }
    return check;
  }

  /** Checks every domain not checked within `intervalMs` (by any replica); stops starting new checks once `signal` aborts. */
  async checkDue(intervalMs: number, signal?: AbortSignal): Promise<SweepResult> {
    const due = await this.options.repository.dueForCheck(intervalMs);
    const results = await mapLimited(due, this.options.concurrency ?? 8, async (domain) => {
      if (signal?.aborted) return false;
      try {
        await this.checkAndRecord(domain);
        return true;
      } catch (error) {
        this.options.logger.error({ domain: domain.name, port: domain.port, error: errorMessage(error) }, 'domain check failed');
        throw error;
      }
    });
    return {
      checked: results.filter((r) => r.status === 'fulfilled' && r.value).length,
      failed: results.filter((r) => r.status === 'rejected').length,
    };
  }
}
