import type { Logger } from '@homelab/tracing';
import type { AlertSink } from '../alerts/alert-sink.js';
import { linksAlertKey } from '../domains/domain-alerts.js';
import { errorMessage } from '../util/error-message.js';
import type { BrokenLink, LinkScan, LinkScanDetail, MonitoredDomain } from '../domains/domain.types.js';
import { CrawlStartError, CrawlStoppedError, crawlSite, type CrawlProgress } from './link-crawler.js';
import type { LinkScanRepository } from './link-scan.repository.js';
import type { SiteClient } from './site-client.js';

export interface LinkScanServiceOptions {
  repository: LinkScanRepository;
  alerts: AlertSink;
  logger: Logger;
  /** A client for one crawl, aborted through `signal`. */
  clientFor: (signal: AbortSignal) => SiteClient;
  /** LINK_SCAN_MAX_PAGES. */
  maxPages: number;
  /** Longest one scan may run before it is stopped and marked failed. */
  maxDurationMs?: number;
  /** Least time between two progress writes of one scan. */
  progressIntervalMs?: number;
  /** Crawl concurrency. */
  concurrency?: number;
}

interface RunningScan {
  domainId: string;
  controller: AbortController;
  done: Promise<void>;
}

const DEFAULT_MAX_DURATION_MS = 30 * 60_000;
const DEFAULT_PROGRESS_INTERVAL_MS = 500;
/** A scan still `running` this long after its deadline belongs to a replica that died. */
const STALE_GRACE_MS = 5 * 60_000;

export const siteStartUrl = (domain: Pick<MonitoredDomain, 'name' | 'port' | 'path'>): URL =>
  new URL(`https://${domain.name}${domain.port === 443 ? '' : `:${domain.port}`}${domain.path}`);

function brokenSummary(broken: readonly BrokenLink[]): string {
  const distinct = [...new Map(broken.map((b) => [b.url, b])).values()];
  const sample = distinct.slice(0, 5).map((b) => `${b.url} (${b.status ?? b.error ?? 'no answer'}, on ${b.foundOn})`);
  const more = distinct.length > sample.length ? `; and ${distinct.length - sample.length} more` : '';
  return `${sample.join('; ')}${more}`;
}

/**
 * Broken-link scans: started on demand (answering at once, the crawl running
 * in the background on this replica) or by the periodic job; progress
 * counters are written while the crawl runs, so any replica can show them.
 * At most one scan per domain runs at a time, across replicas.
 */
export class LinkScanService {
  private readonly running = new Map<string, RunningScan>();

  constructor(private readonly options: LinkScanServiceOptions) {}

  /** Starts a scan of `domain` in the background, or returns the one already running. */
  async start(domain: MonitoredDomain): Promise<LinkScan> {
    const { scan, started } = await this.options.repository.startIfIdle(domain.id);
    if (started) this.launch(domain, scan);
    return scan;
  }

  /**
   * Scans, one after the other, the domains with link scans on that are due.
   * `stillLeader` is asked before each scan (renewing the job lease), so a
   * long series stops when this replica is no longer the one to do it.
   */
  async runDue(intervalMs: number, signal?: AbortSignal, stillLeader: () => Promise<boolean> = async () => true): Promise<number> {
    await this.options.repository.failStale((this.options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS) + STALE_GRACE_MS, 'interrupted: the dashboard instance running it stopped');
    let scans = 0;
    for (const domain of await this.options.repository.dueDomains(intervalMs)) {
      if (signal?.aborted || !(await stillLeader())) break;
      const { scan, started } = await this.options.repository.startIfIdle(domain.id);
      if (!started) continue;
      await this.launch(domain, scan).done;
      scans += 1;
    }
    return scans;
  }

  latest(domainId: string): Promise<LinkScanDetail | null> {
    return this.options.repository.latest(domainId);
  }

  /** Stops this replica's scan of a domain (it was deleted). */
  cancelDomain(domainId: string, reason: string): void {
    for (const scan of this.running.values()) if (scan.domainId === domainId) scan.controller.abort(new Error(reason));
  }

  /** Stops every scan this replica runs and waits (a little) until each is marked failed. */
  async stop(graceMs = 3000): Promise<void> {
    const all = [...this.running.values()];
    for (const scan of all) scan.controller.abort(new Error('the dashboard is shutting down'));
    await Promise.race([Promise.allSettled(all.map((s) => s.done)), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
  }

  /** Scans running on this replica right now. */
  activeCount(): number {
    return this.running.size;
  }

  private launch(domain: MonitoredDomain, scan: LinkScan): RunningScan {
    const controller = new AbortController();
    const maxDurationMs = this.options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS;
    const deadline = setTimeout(() => controller.abort(new Error(`it ran longer than ${Math.round(maxDurationMs / 60_000)} minutes`)), maxDurationMs);
    deadline.unref();
    const entry: RunningScan = {
      domainId: domain.id,
      controller,
      done: this.execute(domain, scan, controller)
        .catch((error: unknown) => this.options.logger.error({ domain: domain.name, scan: scan.id, error: errorMessage(error) }, 'link scan bookkeeping failed'))
        .finally(() => {
          clearTimeout(deadline);
          this.running.delete(scan.id);
        }),
    };
    this.running.set(scan.id, entry);
    return entry;
  }

  private async execute(domain: MonitoredDomain, scan: LinkScan, controller: AbortController): Promise<void> {
    const progress = this.progressWriter(scan.id, controller);
    let last: CrawlProgress = { pages: 0, links: 0, broken: [] };
    const outcome = await crawlSite(this.options.clientFor(controller.signal), {
      start: siteStartUrl(domain),
      maxPages: this.options.maxPages,
      concurrency: this.options.concurrency,
      signal: controller.signal,
      onProgress: (p) => {
        last = p;
        progress.update(p);
      },
    }).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    progress.stop();
    if ('result' in outcome) {
      const { result } = outcome;
      if (result.limited) this.options.logger.info({ domain: domain.name, scan: scan.id, note: result.limited }, 'link scan hit a limit');
      await this.options.repository.finish(scan.id, { status: 'done', error: null, pages: result.pages, links: result.links, broken: result.broken });
      await this.updateAlert(domain, result.broken);
      return;
    }
    const expected = outcome.error instanceof CrawlStartError || outcome.error instanceof CrawlStoppedError;
    if (!expected) this.options.logger.error({ domain: domain.name, scan: scan.id, error: errorMessage(outcome.error) }, 'link scan failed');
    const message = expected ? errorMessage(outcome.error) : `scan failed: ${errorMessage(outcome.error)}`;
    await this.options.repository.finish(scan.id, { status: 'failed', error: message, pages: last.pages, links: last.links, broken: last.broken });
  }

  /**
   * Writes progress at most every progressIntervalMs, one write at a time,
   * and once more after a quiet spell so the last counters before a slow page
   * are not held back. A scan whose row is gone (domain deleted) is stopped.
   */
  private progressWriter(scanId: string, controller: AbortController): { update: (p: CrawlProgress) => void; stop: () => void } {
    const interval = this.options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    let lastWrite = 0;
    let writing = false;
    let trailing: NodeJS.Timeout | undefined;
    let latest: CrawlProgress | undefined;
    let stopped = false;
    const write = (): void => {
      trailing = undefined;
      if (!latest || stopped || controller.signal.aborted) return;
      if (writing) {
        trailing = setTimeout(write, interval);
        trailing.unref();
        return;
      }
      const snapshot = { pages: latest.pages, links: latest.links, broken: [...latest.broken] };
      latest = undefined;
      writing = true;
      lastWrite = Date.now();
      this.options.repository
        .progress(scanId, snapshot)
        .then((stillRunning) => {
          if (!stillRunning) controller.abort(new Error('the scan was cancelled (its domain was removed)'));
        })
        .catch((error: unknown) => this.options.logger.warn({ scan: scanId, error: errorMessage(error) }, 'could not record link scan progress'))
        .finally(() => {
          writing = false;
        });
    };
    const update = (p: CrawlProgress): void => {
      latest = p;
      if (trailing || stopped) return;
      const wait = Math.max(0, lastWrite + interval - Date.now());
      if (wait === 0 && !writing) return write();
      trailing = setTimeout(write, wait);
      trailing.unref();
    };
    const stop = (): void => {
      stopped = true;
      clearTimeout(trailing);
      trailing = undefined;
    };
    return { update, stop };
  }

  private async updateAlert(domain: MonitoredDomain, broken: readonly BrokenLink[]): Promise<void> {
    const key = linksAlertKey(domain.name);
    try {
      if (broken.length === 0) {
        await this.options.alerts.resolve(key);
        return;
      }
      const count = new Set(broken.map((b) => b.url)).size;
      await this.options.alerts.raise({
        key,
        source: 'link-scan',
        severity: 'warning',
        title: `${count} broken link${count === 1 ? '' : 's'} on ${domain.name}`,
        message: brokenSummary(broken).slice(0, 1900),
      });
    } catch (error) {
      this.options.logger.warn({ domain: domain.name, error: errorMessage(error) }, 'could not update the broken-links alert');
    }
  }
}
